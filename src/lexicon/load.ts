import { createHash } from 'node:crypto';
import { readFileSync, existsSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type FastGlob from 'fast-glob';
import type * as Yaml from 'yaml';
import type { LineCounter, Node as YamlNode } from 'yaml';
import { isWithholdLevel, POLICY_THRESHOLDS } from '../model/policy.js';
import { LexiconError, type LexiconProblem } from './errors.js';
import { EntrySchema, inferKind, isFinding, type DisableEntry, type LoadedEntry } from './schema.js';
import { judgeRegex } from './regex-judge.js';
import { compileLexicon, type CompiledLexicon } from './compile.js';
import { restoreLexicon, STORE_READABLE, storeLexicon, type StoredLexicon } from './stored.js';
import { compileVocabularies, expandPattern } from './vocabulary.js';
import { knownStems, seedStems } from '../text/stem.js';
import { knownPrefixes, seedPrefixes } from './prefilter.js';
import { knownRequired, seedRequired, type StoredRequired } from './required.js';

// The YAML parser and the globber are loaded on first use, not at import: a scanner with the
// built-in lexicons needs neither (the build has parsed the YAML, see loadBuiltin), and
// importing them was about a third of the package's import time (40-80 ms of a cold start).
const requireHere = createRequire(import.meta.url);
let yamlModule: typeof Yaml | undefined;
const yaml = (): typeof Yaml => (yamlModule ??= requireHere('yaml') as typeof Yaml);
let fgModule: typeof FastGlob | undefined;
const fastGlob = (): typeof FastGlob => (fgModule ??= requireHere('fast-glob') as typeof FastGlob);

/** Folder of the lexicons shipped in the package (walks up from this module). */
export function builtinLexiconDir(): string {
  const here = typeof __dirname !== 'undefined' ? __dirname : dirname(fileURLToPath(import.meta.url));
  let dir = here;
  for (let i = 0; i < 6; i++) {
    const candidate = join(dir, 'lexicons');
    if (existsSync(join(candidate, 'context.yaml'))) return candidate;
    dir = dirname(dir);
  }
  throw new Error(`safeguard-scan: built-in lexicons not found above ${here}`);
}

function display(file: string): string {
  const rel = relative(process.cwd(), file);
  return rel && !rel.startsWith('..') ? rel : file;
}

function explainIssue(issue: { code: string; message: string; path: PropertyKey[] }): string {
  if (issue.code === 'unrecognized_keys') return `unknown key ${(issue as unknown as { keys: string[] }).keys.map((k) => `"${k}"`).join(', ')} for this kind of entry`;
  const field = String(issue.path[0] ?? '');
  if (issue.code !== 'invalid_union' || !['terms', 'abbreviations', 'patterns'].includes(field)) return issue.message;
  const key = field === 'terms' ? 'term' : field === 'abbreviations' ? 'abbr' : 'regex';
  return field === 'patterns'
    ? 'must be a regex string or { regex, caseSensitive }'
    : `must be a non-empty string or { ${key}, near?, notNear?, window? } with no other keys`;
}

/** The 1-based line of a field inside an entry's YAML node (the entry's own line when not found). */
function lineOf(node: unknown, path: PropertyKey[], lc: LineCounter, fallback?: number): number | undefined {
  const { isMap, isScalar, isSeq } = yaml();
  let cur = node as YamlNode | undefined;
  let line = fallback;
  for (const key of path) {
    if (isMap(cur)) {
      const pair = cur.items.find((p) => isScalar(p.key) && p.key.value === key);
      if (!pair) break;
      const k = pair.key as YamlNode;
      if (k.range) line = lc.linePos(k.range[0]).line;
      cur = pair.value as YamlNode | undefined;
    } else if (isSeq(cur) && typeof key === 'number') {
      const item = cur.items[key] as YamlNode | undefined;
      if (!item) break;
      if (item.range) line = lc.linePos(item.range[0]).line;
      cur = item;
    } else break;
  }
  return line;
}

type Stub = DisableEntry & { file: string; line?: number };
export type ParsedEntry = LoadedEntry | Stub;
const isStub = (e: ParsedEntry): e is Stub => e.kind === 'disable';

/**
 * Parse and validate one lexicon file (YAML or JSON: a list of entries). Every problem in the
 * file is reported at once, each with its line, entry and field.
 */
export function parseLexiconFile(file: string, source?: string, opts: { analysis?: boolean } = {}): ParsedEntry[] {
  const name = display(file);
  let text: string;
  try {
    text = source ?? readFileSync(file, 'utf8');
  } catch (err) {
    throw new LexiconError(name, `cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  const { LineCounter, parseDocument, isMap, isScalar, isSeq } = yaml();
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, uniqueKeys: true, prettyErrors: false });
  if (doc.errors.length > 0) {
    throw new LexiconError(
      doc.errors.map((e) => ({ file: name, line: e.pos ? lc.linePos(e.pos[0]).line : undefined, message: `is not valid YAML (${e.code}: ${e.message.split('\n')[0]})` })),
    );
  }
  const root = doc.contents;
  if (root === null || root === undefined) return [];
  if (!isSeq(root)) throw new LexiconError(name, 'must be a list of entries', { line: 1 });
  let all: unknown[];
  try {
    // toJS resolves anchors and aliases (editors reuse near-word lists with &name / *name); a
    // file whose aliases expand without end (an alias bomb) is refused, not expanded.
    all = doc.toJS({ maxAliasCount: 1000 }) as unknown[];
  } catch (err) {
    if (err instanceof ReferenceError && /alias/i.test(err.message)) throw new LexiconError(name, 'refused: its aliases expand too far (more than 1,000 alias uses; a YAML alias bomb?)');
    throw new LexiconError(name, `cannot be read as data (${err instanceof Error ? err.name : 'error'})`);
  }
  const out: ParsedEntry[] = [];
  const problems: LexiconProblem[] = [];
  root.items.forEach((node, k) => {
    const line = node && typeof node === 'object' && 'range' in node && node.range ? lc.linePos(node.range[0]).line : undefined;
    const raw = isMap(node) ? (all[k] as Record<string, unknown>) : undefined;
    if (!raw || typeof raw !== 'object') {
      problems.push({ file: name, line, message: `item ${k + 1} is not an entry (a mapping)` });
      return;
    }
    const id = typeof raw.id === 'string' ? raw.id : `#${k + 1}`;
    const parsed = EntrySchema.safeParse(raw);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        const path = issue.path.filter((p) => p !== 'kind' || raw.kind !== undefined);
        const field = path.map(String).join('.') || (inferKind(raw) === undefined ? 'kind' : undefined);
        problems.push({ file: name, line: lineOf(node, path as PropertyKey[], lc, line), entryId: id, field, message: explainIssue(issue) });
      }
      return;
    }
    // The line of each top-level field, so that a problem found later (an override) names it.
    const lines: Record<string, number> = {};
    for (const pair of (node as { items: { key: unknown }[] }).items) {
      const k = pair.key as YamlNode & { value?: unknown };
      if (isScalar(k) && typeof k.value === 'string' && k.range) lines[k.value] = lc.linePos(k.range[0]).line;
    }
    const entry = { ...parsed.data, file: name, line, lines } as ParsedEntry;
    // Patterns that refer to no vocabulary can be checked here, with their file; the others
    // once every vocabulary is loaded (loadLexicons).
    if (entry.kind !== 'disable')
      entry.patterns?.forEach((p, pi) => {
        const src = typeof p === 'string' ? p : p.regex;
        if (/\{[a-z][a-z0-9-]*\}/.test(src)) return;
        const check = judgeRegex(src, typeof p === 'string' || !p.caseSensitive ? 'giu' : 'gu', { analysis: opts.analysis !== false });
        if (!check.ok) problems.push({ file: name, line: lineOf(node, ['patterns', pi], lc, line), entryId: id, field: `patterns.${pi}`, message: `pattern is refused: ${check.reason}` });
      });
    out.push(entry);
  });
  if (problems.length) throw new LexiconError(problems.sort((a, b) => (a.line ?? 0) - (b.line ?? 0)));
  return out;
}

export interface LexiconSet {
  entries: LoadedEntry[];
  /** content hash of the entries in force */
  version: string;
  files: string[];
  /** built-in entries that a user file switched off, and the file that did (for lint and `lexicon test`) */
  disabled: { id: string; file: string; before: LoadedEntry }[];
  /** built-in entries that a user file replaced, with the built-in entry as it was */
  overridden: { id: string; file: string; before: LoadedEntry }[];
}

let builtinCache: { dir: string; entries: LoadedEntry[]; files: string[] } | undefined;

/** Where the build writes the validated built-in lexicons (see scripts/bundle-lexicons.ts). */
export function bundledLexiconPath(dir = builtinLexiconDir()): string {
  return join(dirname(dir), 'dist', 'builtin-lexicons.json');
}

export interface LexiconBundle {
  /** sha256 of each source file's bytes, by file name */
  sources: Record<string, string>;
  entries: LoadedEntry[];
  /** Porter stems of the lexicons' words, worked out at build time */
  stems?: Record<string, string>;
  /** each pattern's openings for the prefilter, by pattern source, likewise */
  prefixes?: Record<string, string[] | null>;
  /** each pattern's required literals for the prefilter, by pattern source, likewise */
  required?: Record<string, StoredRequired>;
}

export function sourceHashes(dir: string, files: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of files) out[relative(dir, f)] = createHash('sha256').update(readFileSync(f)).digest('hex');
  return out;
}

/** The lexicon files directly in `dir` (as the glob `*.{yaml,yml,json}` lists them: no dot files, symlinks followed). */
export function builtinFiles(dir: string): string[] {
  const isFile = (name: string) => {
    try {
      return statSync(join(dir, name)).isFile();
    } catch {
      return false;
    }
  };
  return readdirSync(dir)
    .filter((name) => !name.startsWith('.') && /\.(yaml|yml|json)$/.test(name) && isFile(name))
    .map((name) => join(dir, name))
    .sort();
}

/**
 * Parse every built-in file; any problem in any of them is reported together. Their patterns
 * get the structural check here: the full analysis of every built-in pattern is the build's
 * (scripts/check-patterns.ts), which fails on a refusal.
 */
function parseAll(files: string[]): ParsedEntry[] {
  const problems: LexiconProblem[] = [];
  const out: ParsedEntry[] = [];
  for (const f of files) {
    try {
      out.push(...parseLexiconFile(f, undefined, { analysis: false }));
    } catch (err) {
      if (err instanceof LexiconError) problems.push(...err.problems);
      else throw err;
    }
  }
  if (problems.length) throw new LexiconError(problems);
  return out;
}

function loadBuiltin(): { entries: LoadedEntry[]; files: string[] } {
  const dir = builtinLexiconDir();
  if (builtinCache?.dir === dir) return builtinCache;
  const files = builtinFiles(dir);
  // Parsing YAML is most of start-up; the build stores the validated entries with a hash of
  // each source file, and they are used only while every file is byte-for-byte the same.
  let entries: LoadedEntry[] | undefined;
  const bundle = bundledLexiconPath(dir);
  if (existsSync(bundle)) {
    try {
      const b = JSON.parse(readFileSync(bundle, 'utf8')) as LexiconBundle;
      const now = sourceHashes(dir, files);
      const same = Object.keys(now).length === Object.keys(b.sources).length && Object.entries(now).every(([k, v]) => b.sources[k] === v);
      if (same) {
        entries = b.entries;
        if (b.stems) seedStems(b.stems);
        if (b.prefixes) seedPrefixes(b.prefixes);
        if (b.required) seedRequired(b.required);
      }
    } catch {
      entries = undefined;
    }
  }
  entries ??= parseAll(files).filter((e): e is LoadedEntry => !isStub(e));
  builtinCache = { dir, entries, files };
  return builtinCache;
}

/** Parse every built-in file and return the bundle the build writes. */
export function buildLexiconBundle(): LexiconBundle {
  const dir = builtinLexiconDir();
  const files = builtinFiles(dir);
  const set = loadLexicons({ builtin: false, files, builtinSource: true });
  // Compiling stems every word of every term, near-word and example-free phrase once.
  compileLexicon(set.entries);
  return { sources: sourceHashes(dir, files), entries: set.entries, stems: knownStems(), prefixes: knownPrefixes(), required: knownRequired() };
}

/** Where the build writes the built-in lexicons compiled (see stored.ts). */
export function storedLexiconPath(dir = builtinLexiconDir()): string {
  return join(dirname(dir), 'dist', 'builtin-compiled.json');
}

/** Compile the built-in lexicon files and return them as the build stores them. */
export function buildStoredLexicon(): StoredLexicon {
  const set = loadLexicons({ builtin: false, files: builtinFiles(builtinLexiconDir()), builtinSource: true });
  return storeLexicon(compileLexicon(set.entries), set.version);
}

/**
 * The built-in lexicons as the build compiled them, for a set that is exactly those: the
 * built-in set alone (loadLexicons()), with the content hash and the entries, in order, that
 * the build compiled. Undefined otherwise (user lexicons, an edited lexicon file, no build),
 * and then the set is compiled as usual.
 */
export function storedBuiltin(set: LexiconSet): CompiledLexicon | undefined {
  if (set !== builtinSet?.set) return undefined;
  const path = storedLexiconPath();
  if (!STORE_READABLE || !existsSync(path)) return undefined;
  let stored: StoredLexicon;
  try {
    stored = JSON.parse(readFileSync(path, 'utf8')) as StoredLexicon;
  } catch {
    return undefined;
  }
  const same = stored.version === set.version && stored.ids.length === set.entries.length && stored.ids.every((id, i) => id === set.entries[i].id);
  return same ? restoreLexicon(set.entries, stored) : undefined;
}

/** Expand user lexicon paths or globs; a pattern that matches nothing is an error. */
export function resolveLexiconPaths(patterns: string[]): string[] {
  const files: string[] = [];
  for (const p of patterns) {
    const found = fastGlob().sync(p.replace(/\\/g, '/'), { absolute: true, onlyFiles: true });
    const direct = found.length === 0 && existsSync(p) ? [resolve(p)] : found;
    const matched = direct.filter((f) => /\.(ya?ml|json)$/i.test(f));
    if (matched.length === 0) throw new LexiconError(p, 'no lexicon file (.yaml, .yml, .json) matches this path');
    files.push(...matched.sort());
  }
  return [...new Set(files)];
}

/**
 * Built-in entries, then each user file in order. A user entry with a built-in id replaces it;
 * `disabled: true` switches it off. Duplicate ids within one file are an error, and so is an
 * override that would put a finding POLICY.md places at withhold below withhold (a lower
 * weight, another category): switching the entry off is the deliberate way to do that.
 * Every problem is reported at once.
 */
let builtinSet: { dir: string; set: LexiconSet } | undefined;

export function loadLexicons(opts: { builtin?: boolean; files?: string[]; entries?: ParsedEntry[]; builtinSource?: boolean } = {}): LexiconSet {
  // The built-in lexicons alone are checked and hashed once per process (their files cannot
  // change under a running process without the bundle check catching it at the next start).
  const builtinOnly = opts.builtin !== false && !opts.files?.length && !opts.entries?.length;
  if (builtinOnly && builtinSet?.dir === builtinLexiconDir()) return builtinSet.set;
  const set = loadLexiconSet(opts);
  if (builtinOnly) builtinSet = { dir: builtinLexiconDir(), set };
  return set;
}

function loadLexiconSet(opts: { builtin?: boolean; files?: string[]; entries?: ParsedEntry[]; builtinSource?: boolean }): LexiconSet {
  const problems: LexiconProblem[] = [];
  const byId = new Map<string, LoadedEntry>();
  const builtin = new Map<string, LoadedEntry>();
  const disabled: LexiconSet['disabled'] = [];
  const overridden: LexiconSet['overridden'] = [];
  const files: string[] = [];
  const add = (list: ParsedEntry[], user: boolean) => {
    const seen = new Set<string>();
    for (const e of list) {
      if (seen.has(e.id)) {
        problems.push({ file: e.file, line: e.line, entryId: e.id, field: 'id', message: 'this id is used twice in the same file' });
        continue;
      }
      seen.add(e.id);
      const prev = byId.get(e.id);
      if (prev && !user) {
        problems.push({ file: e.file, line: e.line, entryId: e.id, field: 'id', message: `duplicate id (also in ${prev.file})` });
        continue;
      }
      if (isStub(e) || e.disabled) {
        const was = builtin.get(e.id);
        if (was && user) disabled.push({ id: e.id, file: e.file, before: was });
        byId.delete(e.id);
        continue;
      }
      const base = builtin.get(e.id);
      if (user && base && isFinding(base) && isWithholdLevel(base.category, base.weight)) {
        const weaker = !isFinding(e) ? 'kind' : e.category !== base.category ? 'category' : e.weight < POLICY_THRESHOLDS.withhold ? 'weight' : undefined;
        if (weaker) {
          problems.push({
            file: e.file,
            line: e.lines?.[weaker] ?? e.line,
            entryId: e.id,
            field: weaker,
            message: `would put a finding that POLICY.md places at withhold below withhold (built-in: ${base.category}, weight ${base.weight}); keep it at weight ${POLICY_THRESHOLDS.withhold} or more, or switch the entry off with "disabled: true"`,
          });
          continue;
        }
      }
      if (user && base) overridden.push({ id: e.id, file: e.file, before: base });
      byId.set(e.id, e);
      if (!user) builtin.set(e.id, e);
    }
  };
  try {
    if (opts.builtin !== false) {
      const b = loadBuiltin();
      add(b.entries, false);
      files.push(...b.files.map(display));
    }
    for (const f of opts.files ?? []) {
      try {
        add(parseLexiconFile(f, undefined, { analysis: !opts.builtinSource }), !opts.builtinSource);
      } catch (err) {
        if (err instanceof LexiconError) problems.push(...err.problems);
        else throw err;
      }
      files.push(display(f));
    }
    if (opts.entries) add(opts.entries, true);
  } finally {
    if (problems.length) throw new LexiconError(problems);
  }
  const entries = [...byId.values()];
  checkPatterns(entries, problems, new Set(builtin.values()));
  if (problems.length) throw new LexiconError(problems);
  return { entries, version: lexiconHash(entries), files, disabled, overridden };
}

/** Every pattern with vocabulary references, once they are expanded, must compile and be safe to run (the others were checked when their file was read). */
function checkPatterns(entries: LoadedEntry[], problems: LexiconProblem[], builtinEntries: Set<LoadedEntry>): void {
  // Built-in lexicons alone were expanded, compiled and analysed by the build (check-patterns.ts):
  // nothing to check again at every start (about 35 ms of each worker's start-up).
  if (entries.every((e) => builtinEntries.has(e))) return;
  const vocab = compileVocabularies(entries, problems);
  // A user file that adds to a built-in vocabulary changes what built-in patterns using it (or
  // a vocabulary that uses it) expand to: those are analysed again.
  const builtinNames = new Set([...builtinEntries].flatMap((e) => (e.kind === 'vocabulary' && e.name ? [e.name] : [])));
  const changed = new Set(entries.flatMap((e) => (e.kind === 'vocabulary' && e.name && !builtinEntries.has(e) && builtinNames.has(e.name) ? [e.name] : [])));
  const refs = (e: LoadedEntry) => [...(e.terms ?? []).map((t) => (typeof t === 'string' ? t : t.term)), ...(e.patterns ?? []).map((p) => (typeof p === 'string' ? p : p.regex))].join(' ');
  for (let grew = changed.size > 0; grew; ) {
    grew = false;
    for (const e of entries) if (e.kind === 'vocabulary' && e.name && !changed.has(e.name) && [...changed].some((n) => refs(e).includes(`{${n}}`))) {
      changed.add(e.name);
      grew = true;
    }
  }
  const usesChanged = (src: string) => changed.size > 0 && [...changed].some((n) => src.includes(`{${n}}`));
  for (const e of entries) {
    e.patterns?.forEach((p, pi) => {
      const raw = typeof p === 'string' ? p : p.regex;
      if (!/\{[a-z][a-z0-9-]*\}/.test(raw)) return;
      const src = expandPattern(raw, vocab, (m) => problems.push({ file: e.file, line: e.line, entryId: e.id, field: `patterns.${pi}`, message: m }));
      // A built-in pattern was analysed by the build; a user's (or one using a user's vocabulary) is analysed now.
      const check = judgeRegex(src, typeof p === 'string' || !p.caseSensitive ? 'giu' : 'gu', { analysis: !builtinEntries.has(e) || usesChanged(raw) });
      if (!check.ok) problems.push({ file: e.file, line: e.line, entryId: e.id, field: `patterns.${pi}`, message: `pattern is refused: ${check.reason}` });
    });
  }
}

/** A content hash of what the entries say (not where they came from, nor their examples). */
export function lexiconHash(entries: LoadedEntry[]): string {
  const h = createHash('sha256');
  for (const e of [...entries].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))) {
    const { file: _f, line: _l, lines: _ls, examples: _x, notes: _n, ...content } = e;
    h.update(JSON.stringify(content));
    h.update('\n');
  }
  return h.digest('hex').slice(0, 16);
}
