/** One thing wrong with a lexicon: the file, line, entry and field, and what is wrong (never record text). */
export interface LexiconProblem {
  file: string;
  line?: number;
  entryId?: string;
  field?: string;
  message: string;
}

export function describeProblem(p: LexiconProblem): string {
  const where = [p.file + (p.line ? `:${p.line}` : ''), p.entryId ? `entry "${p.entryId}"` : undefined, p.field ? `field "${p.field}"` : undefined]
    .filter(Boolean)
    .join(', ');
  return `${where}: ${p.message}`;
}

/** A lexicon that cannot be used. Every problem found is listed, each naming its file, line, entry and field. */
export class LexiconError extends Error {
  readonly problems: LexiconProblem[];
  readonly file: string;
  readonly entryId?: string;
  readonly field?: string;
  readonly line?: number;
  constructor(file: string, detail: string, opts?: { entryId?: string; field?: string; line?: number });
  constructor(problems: LexiconProblem[]);
  constructor(a: string | LexiconProblem[], detail?: string, opts: { entryId?: string; field?: string; line?: number } = {}) {
    const problems: LexiconProblem[] = typeof a === 'string' ? [{ file: a, message: detail ?? 'invalid', ...opts }] : a;
    const lines = problems.map(describeProblem);
    super(lines.length === 1 ? lines[0] : `${lines.length} problems:\n  ${lines.join('\n  ')}`);
    this.name = 'LexiconError';
    this.problems = problems;
    const first = problems[0];
    this.file = first.file;
    this.entryId = first.entryId;
    this.field = first.field;
    this.line = first.line;
  }
}
