import { z } from 'zod';
import { compileLexicon, type CompiledLexicon } from '../lexicon/compile.js';
import { LexiconError, type LexiconProblem } from '../lexicon/errors.js';
import { loadLexicons, resolveLexiconPaths, storedBuiltin, type LexiconSet, type ParsedEntry } from '../lexicon/load.js';
import { EntrySchema } from '../lexicon/schema.js';
import { ScanTimeout, UNBOUNDED_BELOW, limitFor, withinTime } from './time-bound.js';
import { scanInWindows, WINDOWED_ABOVE } from './windows.js';
import {
  describeError,
  noCategories,
  ScanContextSchema,
  ThresholdsSchema,
  type ContextResult,
  type ScanContext,
  type ScanResult,
  type Thresholds,
} from '../model/index.js';
import { buildRegistry, type Registry } from '../rules/registry.js';
import type { Detector } from '../rules/types.js';
import { thresholdProblems } from '../score/floors.js';
import { DEFAULT_THRESHOLDS } from '../score/verdict.js';
import { fromOriginal, tokensCovering, type Analysed } from '../text/index.js';
import { analyse, assemble, match, runRules, score } from './pipeline.js';

export const ScannerOptionsSchema = z
  .object({
    /** extra lexicon files or globs, applied after the built-in ones (override by id) */
    lexicons: z.array(z.string().min(1)).optional(),
    /** entries given directly (validated like a file's) */
    entries: z.array(z.unknown()).optional(),
    /** false: use only the given lexicons (the built-in context triggers and vocabularies still load) */
    builtinLexicons: z.boolean().optional(),
    thresholds: ThresholdsSchema.optional(),
    /** copy the matched text into each finding: record text is patient data, off by default */
    includeText: z.boolean().optional(),
    /** documents longer than this (UTF-16 code units) are not scanned: verdict review, with an error */
    maxLength: z.number().int().positive().optional(),
    /** extra detectors (advanced): each may throw; the scanner then fails closed */
    detectors: z.array(z.custom<Detector>((v) => typeof v === 'function', 'must be a function')).optional(),
  })
  .strict();
export type ScannerOptions = z.input<typeof ScannerOptionsSchema>;

export const DEFAULT_MAX_LENGTH = 20_000_000;

export interface Scanner {
  scan(text: string, context?: ScanContext): ScanResult;
  detectContext(text: string, span: { start: number; end: number }): ContextResult;
  /** the text layer's analysis of a text, with this scanner's structure words */
  analyse(text: string): Analysed;
  readonly lexiconVersion: string;
  readonly lexicon: LexiconSet;
  readonly compiled: CompiledLexicon;
  readonly registry: Registry;
  readonly thresholds: Thresholds;
}

/** Options entries, validated as a file's are; every problem is reported at once. */
function directEntries(raw: unknown[]): ParsedEntry[] {
  const problems: LexiconProblem[] = [];
  const out: ParsedEntry[] = [];
  raw.forEach((r, i) => {
    const parsed = EntrySchema.safeParse(r);
    const id = r && typeof r === 'object' && 'id' in r ? String((r as { id: unknown }).id) : `#${i + 1}`;
    if (!parsed.success) {
      for (const issue of parsed.error.issues) problems.push({ file: `options.entries[${i}]`, entryId: id, field: issue.path.join('.') || undefined, message: issue.message });
      return;
    }
    out.push({ ...parsed.data, file: 'options.entries' } as ParsedEntry);
  });
  if (problems.length) throw new LexiconError(problems);
  return out;
}

/**
 * Compiled lexicons by content hash: scanners made with the same lexicons (a host making one per
 * request, `check` run in a loop) share the trie and patterns instead of compiling them again. A
 * compiled lexicon holds no document state; a few are kept.
 */
const compiledCache = new Map<string, CompiledLexicon>();
const COMPILED_KEEP = 4;
function compiledFor(set: LexiconSet): CompiledLexicon {
  const key = `${set.version}:${set.entries.length}`;
  let c = compiledCache.get(key);
  if (!c) {
    // The built-in lexicons alone were compiled by the build: read back, not compiled again.
    c = storedBuiltin(set) ?? compileLexicon(set.entries);
    if (compiledCache.size >= COMPILED_KEEP) compiledCache.delete(compiledCache.keys().next().value!);
    compiledCache.set(key, c);
  }
  return c;
}

/**
 * A scanner: the lexicons loaded and compiled once, the rule registry built, the thresholds
 * checked against POLICY.md's floors (a laxer withhold threshold is refused here). Reusable and
 * synchronous; `scan` never throws.
 */
export function createScanner(options: ScannerOptions = {}): Scanner {
  const opts = ScannerOptionsSchema.parse(options);
  const floors = thresholdProblems(opts.thresholds);
  if (floors.length) throw new RangeError(`createScanner: ${floors.map((p) => `${p.field}: ${p.message}`).join('; ')}`);
  const thresholds: Thresholds = { ...DEFAULT_THRESHOLDS, ...(opts.thresholds ?? {}) };
  const own = directEntries(opts.entries ?? []);
  const files = opts.lexicons ? resolveLexiconPaths(opts.lexicons) : [];
  let lexicon = loadLexicons({ builtin: true, files, entries: own });
  if (opts.builtinLexicons === false) {
    const mine = new Set([...loadLexicons({ builtin: false, files, entries: own }).entries.map((e) => e.id)]);
    const entries = lexicon.entries.filter((e) => mine.has(e.id) || e.kind !== 'finding');
    lexicon = { ...lexicon, entries };
  }
  const compiled = compiledFor(lexicon);
  const registry = buildRegistry(compiled, opts.detectors ?? []);
  const maxLength = opts.maxLength ?? DEFAULT_MAX_LENGTH;
  // The caller's own lexicon entries (or vocabulary that built-in patterns use) were analysed at
  // load, not at build, and the caller's detectors not at all: every scan with them is bounded
  // in time.
  const bounded = files.length > 0 || own.length > 0 || (opts.detectors?.length ?? 0) > 0;

  const failed = (error: string, id?: string): ScanResult => ({
    verdict: 'review',
    score: 0,
    categories: noCategories(),
    findings: [],
    reasons: ['The document could not be scanned; a clinician must review it.'],
    lexiconVersion: lexicon.version,
    ...(id !== undefined ? { id } : {}),
    error,
  });

  function scan(text: string, context: ScanContext = {}): ScanResult {
    // The context is the caller's object: a throwing getter or a Proxy must not make scan throw.
    // It is read once, into a plain copy, and validated.
    let ctxParsed: ReturnType<typeof ScanContextSchema.safeParse>;
    try {
      ctxParsed = ScanContextSchema.safeParse(plainCopy(context ?? {}));
    } catch (err) {
      return failed(`invalid scan context: it could not be read (${err instanceof Error ? err.name : typeof err})`);
    }
    const id = ctxParsed.success ? ctxParsed.data.id : undefined;
    if (!ctxParsed.success) {
      const issue = ctxParsed.error.issues[0];
      return failed(`invalid scan context: field "${issue.path.join('.')}": ${issue.message}`, id);
    }
    if (typeof text !== 'string') return failed(`text must be a string, got ${text === null ? 'null' : typeof text}`, id);
    if (text.length > maxLength) return failed(`document too large: ${text.length} characters exceeds the limit of ${maxLength}`, id);
    try {
      const errors: string[] = [];
      const run = () => {
        if (text.length > WINDOWED_ABOVE) {
          // A long document, window by window: bounded memory, the same findings (windows.ts).
          const w = scanInWindows(text, { compiled, registry, thresholds, includeText: !!opts.includeText, context: ctxParsed.data });
          errors.push(...w.errors);
          return w.scored;
        }
        const input = match(analyse(text, compiled), compiled, ctxParsed.data);
        const found = runRules(registry, input, errors);
        return score(input, found, thresholds, opts.includeText ? text : undefined);
      };
      const scored = bounded || text.length >= UNBOUNDED_BELOW ? withinTime(limitFor(text.length), run) : run();
      return assemble(scored, thresholds, compiled, lexicon.version, id, errors);
    } catch (err) {
      if (err instanceof ScanTimeout) return failed(err.message, id);
      return failed(describeError('the scanner', err), id);
    }
  }

  function detectContext(text: string, span: { start: number; end: number }): ContextResult {
    const none: ContextResult = { negated: false, uncertain: false, hypothetical: false, historical: false, experiencer: 'patient', triggers: [] };
    if (typeof text !== 'string' || !span || !(span.end > span.start)) return none;
    const doc = analyse(text, compiled);
    const input = match(doc, compiled, {});
    const ns = fromOriginal(doc.norm, span.start);
    const ne = fromOriginal(doc.norm, span.end);
    const [a, b] = tokensCovering(doc.tokens, ns, ne);
    if (a >= doc.tokens.length || b <= a) return none;
    return input.contextFor(a, b);
  }

  return { scan, detectContext, analyse: (text) => analyse(text, compiled), lexiconVersion: lexicon.version, lexicon, compiled, registry, thresholds };
}

/** A plain, JSON-shaped copy of a caller's value (getters run once, here; Proxies and cycles refused by throwing). */
function plainCopy(v: unknown, depth = 0): unknown {
  if (depth > 4) throw new RangeError('nested too deeply');
  if (v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) return v.map((x) => plainCopy(x, depth + 1));
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(v)) out[k] = plainCopy((v as Record<string, unknown>)[k], depth + 1);
  return out;
}

let shared: Scanner | undefined;
/** The shared default scanner (built-in lexicons), created on first use. */
export function defaultScanner(): Scanner {
  shared ??= createScanner();
  return shared;
}

export function scan(text: string, context?: ScanContext): ScanResult {
  return defaultScanner().scan(text, context);
}

export function detectContext(text: string, span: { start: number; end: number }): ContextResult {
  return defaultScanner().detectContext(text, span);
}
