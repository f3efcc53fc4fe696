/**
 * A backlog job, shared by the CLI (`scan`) and the library (`scanFiles`): expand the inputs,
 * apply the resume journal, start the worker pool, and run in sorted order.
 */
import type { ReaderOptions, RecordFieldOptions } from './readers/types.js';
import { availableParallelism } from 'node:os';
import { readdirSync, statSync, type Dirent } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { createRequire } from 'node:module';
import type FastGlob from 'fast-glob';
import { loadLexicons, resolveLexiconPaths } from '../lexicon/load.js';
import type { Patient, Thresholds, Verdict } from '../model/index.js';
import { comparePaths, documentKey } from '../model/index.js';
import { HEAVY_EXTENSIONS } from './readers/kinds.js';
import { DEFAULT_MAX_BYTES } from './results.js';
import { expandInputs, type Expanded } from './expand.js';
import { emptyResume, type ResumeState } from './journal.js';
import { loadManifest } from './manifest.js';
import { DEFAULT_POOL_LIMITS, expandOffThread, WorkerPool, type PoolLimits } from './pool.js';
import { DEFAULT_READER_LIMITS, type ReaderLimits } from './reader-host.js';
import { makeSpillDir, removeSpillDir } from './spill.js';
import { runOrdered, type Emitted, type RunState } from './run.js';
import type { RenderFormat, WorkerConfig } from './worker.js';

// Loaded on first use, not at import: importing the package (or starting a worker) should not pay for
// libraries that scanning a text never needs (cold start, issue 17).
const requireHere = createRequire(import.meta.url);
let fastGlobModule: typeof FastGlob | undefined;
const fastGlob = (): typeof FastGlob => (fastGlobModule ??= requireHere('fast-glob') as typeof FastGlob);

/** Bad usage found before any work: patterns that match nothing, a bad option. The CLI exits 2. */
export class BatchUsageError extends Error {
  constructor(
    message: string,
    readonly unmatched: string[] = [],
  ) {
    super(message);
    this.name = 'BatchUsageError';
  }
}

export interface BatchOptions extends RecordFieldOptions {
  /** where relative patterns, lexicon globs and output paths start; default process.cwd() */
  cwd?: string;
  /** globs of files to leave out of directory and glob expansion */
  ignore?: string[];
  /** extra lexicon files or globs (relative to cwd) */
  lexicons?: string[];
  thresholds?: Partial<Thresholds>;
  /** copy matched record text into findings (patient data; off by default) */
  includeText?: boolean;
  /** worker threads; default os.availableParallelism() */
  concurrency?: number;
  /** files larger than this are recorded as errors without being read; default 10 MiB */
  maxBytes?: number;
  /** OCR scanned PDF pages and images (default true); off, they are errors to review */
  ocr?: boolean;
  /** patient manifest: a CSV file (path,name,nhsNumber,dateOfBirth[,sex]) or a map from file path (relative to cwd, or absolute) to patient */
  patients?: string | Map<string, Patient> | Record<string, Patient>;
  /** stop dispatching new files; what is in flight finishes and is yielded, then the run ends */
  signal?: AbortSignal;
  /** files per worker message (tuning) */
  batchSize?: number;
  /** most files in flight ahead of the next result (tuning) */
  window?: number;
  /** a worker's heap and a file's time without progress; the reader child's memory and time (defaults in pool.ts and reader-host.ts) */
  limits?: { pool?: Partial<PoolLimits>; reader?: Partial<ReaderLimits> };
}

export interface JobInternals {
  resume?: ResumeState;
  /** files of the run itself (its output, its journal) that a folder or glob may also match: never scanned */
  exclude?: { path: string; reason: string }[];
  /** return documents' text: at or above a verdict (html report), or with findings (sarif) */
  returnText?: Verdict | 'findings';
  /** render in the workers (CLI streaming formats) */
  render?: RenderFormat;
  /** redact each document in the workers (the redact command) */
  redact?: WorkerConfig['redact'];
  /** scan each document a second time with other lexicon globs, relative to cwd (the impact command) */
  compare?: { lexicons: string[] };
}

export interface Job {
  cwd: string;
  /** files this run will read (sorted; files the journal shows complete left out) */
  paths: string[];
  /** every file the inputs matched */
  matchedFiles: number;
  skipped: { path: string; reason: string }[];
  /** things the user should know before the run: a patient manifest whose rows match no file (counts and paths, never record text) */
  warnings: string[];
  resume: ResumeState;
  concurrency: number;
  state: RunState;
  /** lexicon version the workers use (set once the pool has started) */
  lexiconVersion?: string;
  /** start the workers (if anything is left to do) and yield results in order */
  run(): AsyncGenerator<Emitted, void, undefined>;
}

function patientMap(cwd: string, p: BatchOptions['patients']): Map<string, Patient> | undefined {
  if (!p) return undefined;
  if (typeof p === 'string') return loadManifest(resolve(cwd, p));
  const map = new Map<string, Patient>();
  const entries = p instanceof Map ? [...p.entries()] : Object.entries(p);
  for (const [k, v] of entries) map.set(resolve(cwd, k), v);
  return map;
}

/** Lexicon globs relative to cwd, validated here so that a malformed file stops the job before any worker starts. */
export function resolveLexicons(cwd: string, globs: string[] | undefined): string[] | undefined {
  if (!globs || globs.length === 0) return undefined;
  const abs = globs.map((g) => (isAbsolute(g) ? g : fastGlob().convertPathToPattern(cwd) + '/' + g.replace(/\\/g, '/')));
  const files = resolveLexiconPaths(abs);
  loadLexicons({ builtin: true, files }); // throws LexiconError naming file, entry and field
  return files;
}

/** Count entries under `dir`, giving up past `budget`. */
function countEntries(dir: string, budget: number): number {
  let n = 0;
  const stack = [dir];
  while (stack.length && n <= budget) {
    const d = stack.pop()!;
    let entries: Dirent[];
    try {
      entries = readdirSync(d, { withFileTypes: true });
    } catch {
      continue;
    }
    n += entries.length;
    for (const e of entries) if (e.isDirectory() && !e.name.startsWith('.')) stack.push(join(d, e.name));
  }
  return n;
}

const INLINE_BUDGET = 5000;

/**
 * A few thousand files are listed here; a bigger backlog in a thread of its own: globbing
 * 100,000 files leaves tens of MB of garbage, which then dies with that thread instead of
 * staying in the main thread's heap for the whole run.
 */
async function expand(patterns: string[], options: { ignore?: string[]; cwd: string }): Promise<Expanded> {
  let budget = INLINE_BUDGET;
  for (const p of patterns) {
    const abs = resolve(options.cwd, p);
    let st: ReturnType<typeof statSync> | undefined;
    try {
      st = statSync(abs);
    } catch {
      st = undefined;
    }
    if (st?.isFile()) budget--;
    else {
      // A glob: walk its static base (the path before the first glob character).
      const segs = p.replace(/\\/g, '/').split('/');
      const k = segs.findIndex((x) => x !== '' && fastGlob().isDynamicPattern(x));
      const base = st?.isDirectory() ? abs : resolve(options.cwd, (k < 0 ? segs : segs.slice(0, k)).join('/') || '.');
      budget -= countEntries(base, budget);
    }
    if (budget < 0) return expandOffThread(patterns, options);
  }
  return expandInputs(patterns, options);
}

/** How a job's files are read: the size limit, the record columns and fields, OCR. */
export function readerOptions(opts: BatchOptions, maxBytes: number): ReaderOptions {
  return {
    maxBytes,
    textColumn: opts.textColumn,
    idColumn: opts.idColumn,
    patientNameColumn: opts.patientNameColumn,
    nhsNumberColumn: opts.nhsNumberColumn,
    textField: opts.textField,
    idField: opts.idField,
    ocr: opts.ocr,
  };
}

/** A job of at most this many files is sized by its bytes before its workers start. */
const SMALL_JOB_FILES = 64;
/** Text one more worker is worth: each takes about half a second of CPU to start (its bundle and lexicons). */
const BYTES_PER_WORKER = 1024 * 1024;

/**
 * How many workers to start: at most `concurrency`, one per file at most, and for a small job
 * one per MB of input (a PDF, Word file or image counts as a MB: it may need OCR). Scanning a
 * few short files takes less time than starting a second worker, so a second one would only
 * cost CPU (measured: `scan examples/` takes the same 1.3 s with one worker or two).
 */
export function workersFor(cwd: string, paths: string[], concurrency: number): number {
  const n = Math.max(1, Math.min(concurrency, paths.length));
  if (n === 1 || paths.length > SMALL_JOB_FILES) return n;
  let bytes = 0;
  for (const p of paths) {
    const dot = p.lastIndexOf('.');
    if (dot >= 0 && HEAVY_EXTENSIONS.includes(p.slice(dot).toLowerCase())) bytes += BYTES_PER_WORKER;
    else {
      try {
        bytes += statSync(resolve(cwd, p)).size;
      } catch {
        // unreadable here: its worker reports it
      }
    }
  }
  return Math.max(1, Math.min(n, Math.ceil(bytes / BYTES_PER_WORKER)));
}

/**
 * What a run will read, before anything is read: the files the inputs expand to (sorted), what
 * was skipped and why, folders that could not be listed (error rows), whose record each file
 * is, and how to read it. The local run (`prepareJob`) and the queue's `enqueue` both start here,
 * so that both see the same documents.
 */
export interface Plan {
  cwd: string;
  /** display paths of the files to read and of the folders that could not be listed, sorted */
  paths: string[];
  /** every file the inputs matched */
  matchedFiles: number;
  skipped: { path: string; reason: string }[];
  warnings: string[];
  /** folders that could not be listed: their error, by display path */
  unreadable: Map<string, string>;
  patientOf?: (abs: string) => Patient | undefined;
  /** how every file is read (the reading options and limits) */
  reader: ReaderOptions;
  /** user lexicon files, resolved and validated */
  lexicons?: string[];
  concurrency: number;
}

export async function planInputs(patterns: string[], opts: BatchOptions = {}, internals: Pick<JobInternals, 'exclude'> = {}): Promise<Plan> {
  const cwd = resolve(opts.cwd ?? process.cwd());
  if (patterns.length === 0) throw new BatchUsageError('no paths or globs given');
  const maxBytes = opts.maxBytes ?? DEFAULT_MAX_BYTES;
  if (!(Number.isInteger(maxBytes) && maxBytes > 0)) throw new BatchUsageError(`maxBytes must be a positive integer, got ${opts.maxBytes}`);
  const concurrency = opts.concurrency ?? availableParallelism();
  if (!(Number.isInteger(concurrency) && concurrency > 0)) throw new BatchUsageError(`concurrency must be a positive integer, got ${opts.concurrency}`);
  const lexicons = resolveLexicons(cwd, opts.lexicons);
  const patients = patientMap(cwd, opts.patients);
  const patientOf = patients ? (abs: string) => patients.get(abs) : undefined;
  const ex = await expand(patterns, { ignore: opts.ignore, cwd });
  // The run's own files are not documents: the patient manifest (a csv), the output or journal.
  const own = new Map<string, string>();
  if (typeof opts.patients === 'string') own.set(resolve(cwd, opts.patients), 'the patient manifest of this run');
  for (const x of internals.exclude ?? []) own.set(resolve(cwd, x.path), x.reason);
  if (own.size) {
    const kept: string[] = [];
    for (const f of ex.files) {
      const why = own.get(resolve(cwd, f));
      if (why) ex.skipped.push({ path: f, reason: why });
      else kept.push(f);
    }
    ex.files = kept;
    ex.skipped.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  }
  if (ex.unmatched.length) throw new BatchUsageError(`no files match ${ex.unmatched.map((u) => JSON.stringify(u)).join(', ')}`, ex.unmatched);
  const warnings: string[] = [];
  if (patients?.size) {
    // A manifest row that matches no scanned file is a patient whose own name would then read as a third party.
    const scanned = new Set(ex.files.map((f) => resolve(cwd, f)));
    const unmatched = [...patients.keys()].filter((k) => !scanned.has(k));
    if (unmatched.length)
      warnings.push(
        `${unmatched.length} of ${patients.size} rows of the patient manifest match no file of this run` +
          ` (paths are relative to the manifest's folder), e.g. ${unmatched.slice(0, 3).map((u) => JSON.stringify(relative(cwd, u) || u)).join(', ')}`,
      );
  }
  // Folders that could not be read are rows of the run (errors, verdict review), in path order with the files.
  const unreadable = new Map(ex.unreadable.map((u) => [u.path, u.error]));
  const paths = unreadable.size ? [...ex.files, ...unreadable.keys()].sort(comparePaths) : ex.files;
  const reader = readerOptions(opts, maxBytes);
  return { cwd, paths, matchedFiles: ex.files.length + ex.unreadable.length, skipped: ex.skipped, warnings, unreadable, patientOf, reader, lexicons, concurrency };
}

export async function prepareJob(patterns: string[], opts: BatchOptions = {}, internals: JobInternals = {}): Promise<Job> {
  const plan = await planInputs(patterns, opts, internals);
  const { cwd, unreadable, patientOf, concurrency, lexicons } = plan;
  const { maxBytes, ...reader } = plan.reader;
  const all = plan.paths;
  const resume = internals.resume ?? emptyResume();
  // A caller's keys leave files out unread; a journal's records go with each file to the
  // workers, which scan it again only if its bytes, settings or lexicons changed.
  const paths = resume.completePaths.size ? all.filter((p) => !resume.completePaths.has(p)) : all;
  const knownOf = resume.recorded.size
    ? (p: string) => {
        const r = resume.recorded.get(p);
        return r && r.complete && r.sha256 ? { sha256: r.sha256, settings: r.settings, lexiconVersion: r.lexiconVersion } : undefined;
      }
    : undefined;
  const config: WorkerConfig = {
    lexicons,
    thresholds: opts.thresholds,
    includeText: !!opts.includeText,
    maxBytes,
    reader,
    returnText: internals.returnText,
    render: internals.render,
    ...(internals.redact ? { redact: internals.redact } : {}),
    ...(internals.compare ? { compare: { lexicons: resolveLexicons(cwd, internals.compare.lexicons) } } : {}),
    // An archive may inflate to 25 times --max-bytes (a Word file's XML is mostly markup).
    readerLimits: { ...DEFAULT_READER_LIMITS, maxInflatedBytes: Math.max(64 * 1024 * 1024, 25 * maxBytes), ...opts.limits?.reader },
  };
  const state: RunState = { filesDone: 0, filesTotal: paths.length };
  const keep = resume.doneKeys.size ? (d: { path: string; record?: string }) => !resume.doneKeys.has(documentKey(d.path, d.record)) : undefined;

  const job: Job = {
    cwd,
    paths,
    matchedFiles: plan.matchedFiles,
    skipped: plan.skipped,
    warnings: plan.warnings,
    resume,
    concurrency,
    state,
    async *run() {
      if (paths.length === 0) return;
      // Record files of many records spill their results here (spill.ts), removed at the end.
      const spillDir = makeSpillDir();
      const pool = await WorkerPool.start(workersFor(cwd, paths, concurrency), { ...config, spillDir }, { ...DEFAULT_POOL_LIMITS, ...opts.limits?.pool });
      job.lexiconVersion = pool.lexiconVersion;
      try {
        yield* runOrdered(pool, { cwd, paths, patientOf, knownOf, errorOf: unreadable.size ? (p) => unreadable.get(p) : undefined, keep, signal: opts.signal, state, batchSize: opts.batchSize, window: opts.window });
      } finally {
        await pool.close();
        removeSpillDir(spillDir);
      }
    },
  };
  return job;
}
