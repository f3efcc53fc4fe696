import { createHash } from 'node:crypto';
import { readFileSync, existsSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import fg from 'fast-glob';
import { LineCounter, parseDocument, isSeq, isMap } from 'yaml';
import { LexiconError } from './errors.js';
import { EntrySchema, type LoadedEntry } from './schema.js';
import { checkRegex } from './regex-safety.js';
import { compileLexicon } from './compile.js';
import { knownStems, seedStems } from '../text/stem.js';
import { knownPrefixes, seedPrefixes } from './prefilter.js';

/** Folder of the lexicons shipped in the package (walks up from this module). */
export function builtinLexiconDir(): string {
  const here =
    typeof __dirname !== 'undefined' ? __dirname : dirname(fileURLToPath(import.meta.url));
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
  if (issue.code !== 'invalid_union') return issue.message;
  const field = String(issue.path[0] ?? '');
  const key = field === 'terms' ? 'term' : field === 'abbreviations' ? 'abbr' : 'regex';
  return field === 'patterns'
    ? 'must be a regex string or { regex, caseSensitive }'
    : `must be a non-empty string or { ${key}, near?, notNear?, window? } with no other keys`;
}

/** Parse and validate one lexicon file (YAML or JSON: a list of entries). */
export function parseLexiconFile(file: string, source?: string): LoadedEntry[] {
  const name = display(file);
  let text: string;
  try {
    text = source ?? readFileSync(file, 'utf8');
  } catch (err) {
    throw new LexiconError(name, `cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, uniqueKeys: true, prettyErrors: false });
  if (doc.errors.length > 0) {
    const e = doc.errors[0];
    const line = e.pos ? lc.linePos(e.pos[0]).line : undefined;
    throw new LexiconError(name, `is not valid YAML (${e.code}: ${e.message.split("\n")[0]})`, { line });
  }
  const root = doc.contents;
  if (root === null || root === undefined) return [];
  if (!isSeq(root)) throw new LexiconError(name, 'must be a list of entries', { line: 1 });
  const out: LoadedEntry[] = [];
  // toJS resolves anchors and aliases (editors reuse near-word lists with &name / *name).
  const all = doc.toJS({ maxAliasCount: 1000 }) as unknown[];
  root.items.forEach((node, k) => {
    const line = node && typeof node === 'object' && 'range' in node && node.range ? lc.linePos(node.range[0]).line : undefined;
    const raw = isMap(node) ? (all[k] as Record<string, unknown>) : undefined;
    if (!raw || typeof raw !== 'object') throw new LexiconError(name, `item ${k + 1} is not an entry (a mapping)`, { line });
    const id = typeof raw.id === 'string' ? raw.id : `#${k + 1}`;
    const parsed = EntrySchema.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const field = issue.path.map(String).join('.') || undefined;
      throw new LexiconError(name, explainIssue(issue), { entryId: id, field, line });
    }
    const entry = parsed.data;
    entry.patterns?.forEach((p, pi) => {
      const src = typeof p === 'string' ? p : p.regex;
      const check = checkRegex(src, typeof p === 'string' || !p.caseSensitive ? 'giu' : 'gu');
      if (!check.ok) throw new LexiconError(name, `pattern is refused: ${check.reason}`, { entryId: id, field: `patterns.${pi}`, line });
    });
    out.push({ ...entry, file: name, line });
  });
  return out;
}

export interface LexiconSet {
  entries: LoadedEntry[];
  /** content hash of the entries in force */
  version: string;
  files: string[];
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
}

export function sourceHashes(dir: string, files: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of files) out[relative(dir, f)] = createHash('sha256').update(readFileSync(f)).digest('hex');
  return out;
}

function loadBuiltin(): { entries: LoadedEntry[]; files: string[] } {
  const dir = builtinLexiconDir();
  if (builtinCache?.dir === dir) return builtinCache;
  const files = fg.sync('*.{yaml,yml,json}', { cwd: dir, absolute: true }).sort();
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
      }
    } catch {
      entries = undefined;
    }
  }
  entries ??= files.flatMap((f) => parseLexiconFile(f));
  builtinCache = { dir, entries, files };
  return builtinCache;
}

/** Parse every built-in file and return the bundle the build writes. */
export function buildLexiconBundle(): LexiconBundle {
  const dir = builtinLexiconDir();
  const files = fg.sync('*.{yaml,yml,json}', { cwd: dir, absolute: true }).sort();
  const entries = files.flatMap((f) => parseLexiconFile(f));
  // Compiling stems every word of every term, near-word and example-free phrase once.
  compileLexicon(entries);
  return { sources: sourceHashes(dir, files), entries, stems: knownStems(), prefixes: knownPrefixes() };
}

/** Expand user lexicon paths or globs; a pattern that matches nothing is an error. */
export function resolveLexiconPaths(patterns: string[]): string[] {
  const files: string[] = [];
  for (const p of patterns) {
    const found = fg.sync(p.replace(/\\/g, '/'), { absolute: true, onlyFiles: true });
    const direct = found.length === 0 && existsSync(p) ? [resolve(p)] : found;
    const matched = direct.filter((f) => /\.(ya?ml|json)$/i.test(f));
    if (matched.length === 0) throw new LexiconError(p, 'no lexicon file (.yaml, .yml, .json) matches this path');
    files.push(...matched.sort());
  }
  return [...new Set(files)];
}

/**
 * Built-in entries, then each user file in order. A user entry with a built-in id replaces it;
 * `disabled: true` switches it off. Duplicate ids within one file are an error.
 */
export function loadLexicons(opts: { builtin?: boolean; files?: string[]; entries?: LoadedEntry[] } = {}): LexiconSet {
  const byId = new Map<string, LoadedEntry>();
  const files: string[] = [];
  const add = (list: LoadedEntry[], allowOverride: boolean) => {
    const seen = new Set<string>();
    for (const e of list) {
      if (seen.has(e.id)) throw new LexiconError(e.file, 'this id is used twice in the same file', { entryId: e.id, field: 'id', line: e.line });
      seen.add(e.id);
      if (byId.has(e.id) && !allowOverride) {
        const first = byId.get(e.id)!;
        throw new LexiconError(e.file, `duplicate id (also in ${first.file})`, { entryId: e.id, field: 'id', line: e.line });
      }
      byId.set(e.id, e);
    }
  };
  if (opts.builtin !== false) {
    const b = loadBuiltin();
    // Built-in files are checked across files too: two built-in entries must not share an id.
    const all = new Map<string, LoadedEntry>();
    for (const e of b.entries) {
      const prev = all.get(e.id);
      if (prev) throw new LexiconError(e.file, `duplicate id (also in ${prev.file})`, { entryId: e.id, field: 'id', line: e.line });
      all.set(e.id, e);
    }
    add(b.entries, false);
    files.push(...b.files.map(display));
  }
  for (const f of opts.files ?? []) {
    add(parseLexiconFile(f), true);
    files.push(display(f));
  }
  if (opts.entries) add(opts.entries, true);
  const entries = [...byId.values()].filter((e) => !e.disabled);
  return { entries, version: lexiconHash(entries), files };
}

/** A content hash of what the entries say (not where they came from). */
export function lexiconHash(entries: LoadedEntry[]): string {
  const h = createHash('sha256');
  for (const e of [...entries].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))) {
    // eslint-disable-next-line @typescript-eslint/no-unused-vars
    const { file, line, examples, notes, ...content } = e;
    h.update(JSON.stringify(content));
    h.update('\n');
  }
  return h.digest('hex').slice(0, 16);
}
