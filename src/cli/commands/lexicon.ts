import { runLexiconExamples, runRuleExamples } from '../../authoring/examples.js';
import { lintLexicons } from '../../authoring/lint.js';
import { loadLexicons, resolveLexiconPaths } from '../../lexicon/load.js';
import { CATEGORIES, USES } from '../../lexicon/schema.js';
import { createScanner } from '../../scanner/index.js';

export interface Io {
  out: (s: string) => void;
  err: (s: string) => void;
}

function load(globs: string[]) {
  const files = globs.length ? resolveLexiconPaths(globs) : [];
  const set = loadLexicons({ builtin: true, files });
  // Test only the named files' entries (all built-in entries when none are named).
  const named = new Set(files.length ? set.entries.filter((e) => files.some((f) => e.file === f || f.endsWith(e.file))).map((e) => e.id) : set.entries.map((e) => e.id));
  return { set, named };
}

/** `lexicon test [GLOB...]`: exit 1 when an example fails. */
export function lexiconTest(globs: string[], io: Io): number {
  const { set, named } = load(globs);
  // The rules written in code run their examples too, with the lexicons in force (a user's
  // file can change what they read).
  const rules = runRuleExamples(createScanner({ lexicons: globs.length ? resolveLexiconPaths(globs) : undefined }));
  const outcomes = [...runLexiconExamples(set.entries, (e) => named.has(e.id)), ...rules];
  const failures = outcomes.filter((o) => !o.pass);
  for (const f of failures) {
    io.err(`FAIL ${f.file} ${f.entryId} ${f.kind}[${f.index}]: ${JSON.stringify(f.example)} -> ${f.detail}`);
  }
  const entries = new Set(outcomes.map((o) => o.entryId)).size;
  io.out(`lexicon test: ${entries} entries and rules, ${outcomes.length} examples`);
  io.out(`${outcomes.length - failures.length} passed, ${failures.length} failed`);
  return failures.length ? 1 : 0;
}

/** `lexicon lint [GLOB...]`: exit 1 on errors (warnings are printed). */
export function lexiconLint(globs: string[], io: Io): number {
  const { set, named } = load(globs);
  const issues = lintLexicons(set.entries, set).filter((i) => named.has(i.entryId) || set.disabled.some((d) => d.id === i.entryId) || set.overridden.some((o) => o.id === i.entryId));
  for (const i of issues) io.out(`${i.level} ${i.file} ${i.entryId} ${i.field}: ${i.message}`);
  const errors = issues.filter((i) => i.level === 'error').length;
  io.out(`lexicon lint: ${named.size} entries, ${errors} errors, ${issues.length - errors} warnings`);
  return errors ? 1 : 0;
}

/** `lexicon stats`: entries and terms per category and use. */
export function lexiconStats(globs: string[], io: Io): number {
  const { set } = load(globs);
  const rows: [string, number, number, number, number][] = [];
  for (const g of [...CATEGORIES, ...USES]) {
    const es = set.entries.filter((e) => (e.kind === 'finding' && e.category === g) || (e.kind !== 'finding' && e.use === g));
    const terms = es.reduce((n, e) => n + (e.terms?.length ?? 0), 0);
    const abbr = es.reduce((n, e) => n + (e.abbreviations?.length ?? 0), 0);
    const pats = es.reduce((n, e) => n + (e.patterns?.length ?? 0), 0);
    rows.push([g, es.length, terms, abbr, pats]);
  }
  io.out(['group', 'entries', 'terms', 'abbreviations', 'patterns'].map((h) => h.padEnd(14)).join(''));
  for (const r of rows) io.out(r.map((c) => String(c).padEnd(14)).join(''));
  const t = rows.reduce((a, r) => [a[0] + r[1], a[1] + r[2], a[2] + r[3], a[3] + r[4]], [0, 0, 0, 0]);
  io.out(['total', ...t].map((c) => String(c).padEnd(14)).join(''));
  io.out(`lexiconVersion ${set.version}`);
  return 0;
}

