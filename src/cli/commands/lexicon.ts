import { isAbsolute } from 'node:path';
import fg from 'fast-glob';
import { runLexiconExamples, runRuleExamples } from '../../authoring/examples.js';
import { runPolicyExamples } from '../../authoring/policy.js';
import { lintLexicons } from '../../authoring/lint.js';
import { loadLexicons, resolveLexiconPaths } from '../../lexicon/load.js';
import { CATEGORIES, USES } from '../../lexicon/schema.js';
import { createScanner } from '../../scanner/index.js';

export interface Io {
  out: (s: string) => void;
  err: (s: string) => void;
  /** where relative lexicon paths start */
  cwd: string;
}

/** Lexicon paths or globs relative to the command's working directory. */
const absolute = (globs: string[], cwd: string) => globs.map((g) => (isAbsolute(g) ? g : fg.convertPathToPattern(cwd) + '/' + g.replace(/\\/g, '/')));

function load(globs: string[], cwd: string) {
  const files = globs.length ? resolveLexiconPaths(absolute(globs, cwd)) : [];
  const set = loadLexicons({ builtin: true, files });
  // Test only the named files' entries (all built-in entries when none are named).
  const named = new Set(files.length ? set.entries.filter((e) => files.some((f) => e.file === f || f.endsWith(e.file))).map((e) => e.id) : set.entries.map((e) => e.id));
  return { set, named };
}

/**
 * `lexicon test [GLOB...]`: every example of the entries named (all built-in ones when none
 * are) and of the rules written in code, then POLICY.md's worked examples and borderline rows
 * against the lexicons in force. Exit 1 when an example fails, or when a POLICY row comes out
 * less strict than POLICY says (unless `allowLaxer`: a deliberate, reviewed change).
 */
export function lexiconTest(globs: string[], io: Io, opts: { allowLaxer?: boolean } = {}): number {
  const { set, named } = load(globs, io.cwd);
  // The rules written in code run their examples too, with the lexicons in force (a user's
  // file can change what they read).
  const scanner = createScanner({ lexicons: globs.length ? resolveLexiconPaths(absolute(globs, io.cwd)) : undefined });
  const rules = runRuleExamples(scanner);
  const outcomes = [...runLexiconExamples(set.entries, (e) => named.has(e.id)), ...rules];
  const failures = outcomes.filter((o) => !o.pass);
  for (const f of failures) {
    io.err(`FAIL ${f.file} ${f.entryId} ${f.kind}[${f.index}]: ${JSON.stringify(f.example)} -> ${f.detail}`);
  }
  const entries = new Set(outcomes.map((o) => o.entryId)).size;
  io.out(`lexicon test: ${entries} entries and rules, ${outcomes.length} examples`);
  io.out(`${outcomes.length - failures.length} passed, ${failures.length} failed`);
  const policy = runPolicyExamples(scanner);
  const laxer = policy.filter((o) => o.laxer);
  const stricter = policy.filter((o) => o.stricter);
  for (const o of laxer) io.err(`${opts.allowLaxer ? 'LAXER (allowed)' : 'LAXER'} POLICY row "${o.example.row}": ${JSON.stringify(o.example.text)} -> ${o.got}, POLICY says ${o.example.verdict}`);
  for (const o of stricter) io.err(`stricter POLICY row "${o.example.row}": ${JSON.stringify(o.example.text)} -> ${o.got}, POLICY says ${o.example.verdict}`);
  io.out(`POLICY rows: ${policy.length - laxer.length - stricter.length} as POLICY says, ${laxer.length} laxer, ${stricter.length} stricter`);
  return failures.length || (laxer.length && !opts.allowLaxer) ? 1 : 0;
}

/** `lexicon lint [GLOB...]`: exit 1 on errors (warnings are printed). */
export function lexiconLint(globs: string[], io: Io): number {
  const { set, named } = load(globs, io.cwd);
  const issues = lintLexicons(set.entries, set).filter((i) => named.has(i.entryId) || set.disabled.some((d) => d.id === i.entryId) || set.overridden.some((o) => o.id === i.entryId));
  for (const i of issues) io.out(`${i.level} ${i.file} ${i.entryId} ${i.field}: ${i.message}`);
  const errors = issues.filter((i) => i.level === 'error').length;
  io.out(`lexicon lint: ${named.size} entries, ${errors} errors, ${issues.length - errors} warnings`);
  return errors ? 1 : 0;
}

/** `lexicon stats`: entries and terms per category and use. */
export function lexiconStats(globs: string[], io: Io): number {
  const { set } = load(globs, io.cwd);
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

