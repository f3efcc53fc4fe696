/** A lexicon that cannot be used. The message names the file, the entry and the field. */
export class LexiconError extends Error {
  readonly file: string;
  readonly entryId?: string;
  readonly field?: string;
  readonly line?: number;
  constructor(file: string, detail: string, opts: { entryId?: string; field?: string; line?: number } = {}) {
    const where = [
      file + (opts.line ? `:${opts.line}` : ''),
      opts.entryId ? `entry "${opts.entryId}"` : undefined,
      opts.field ? `field "${opts.field}"` : undefined,
    ]
      .filter(Boolean)
      .join(', ');
    super(`${where}: ${detail}`);
    this.name = 'LexiconError';
    this.file = file;
    this.entryId = opts.entryId;
    this.field = opts.field;
    this.line = opts.line;
  }
}
