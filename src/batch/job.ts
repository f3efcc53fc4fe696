/**
 * A backlog job, shared by the CLI (`scan`) and the library (`scanFiles`): expand the inputs,
 * apply the resume journal, start the worker pool, and run in sorted order.
 */
import { availableParallelism } from 'node:os';
import { isAbsolute, resolve } from 'node:path';
import fg from 'fast-glob';
import { loadLexicons, resolveLexiconPaths } from '../lexicon/load.js';
import type { Patient, Thresholds, Verdict } from '../schemas.js';
import { DEFAULT_MAX_BYTES, documentKey } from './document.js';
import { expandInputs } from './expand.js';
import { emptyResume, type ResumeState } from './journal.js';
import { loadManifest } from './manifest.js';
import { WorkerPool } from './pool.js';
import { runOrdered, type Emitted, type RunState } from './run.js';
import type { WorkerConfig } from './worker.js';

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

export interface BatchOptions {
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
  textColumn?: string;
  idColumn?: string;
  patientNameColumn?: string;
  nhsNumberColumn?: string;
  textField?: string;
  idField?: string;
  /** patient manifest: a CSV file (path,name,nhsNumber,dateOfBirth) or a map from file path (relative to cwd, or absolute) to patient */
  patients?: string | Map<string, Patient> | Record<string, Patient>;
  /** stop dispatching new files; what is in flight finishes and is yielded, then the run ends */
  signal?: AbortSignal;
  /** files per worker message (tuning) */
  batchSize?: number;
  /** most files in flight ahead of the next result (tuning) */
  window?: number;
}

export interface JobInternals {
  resume?: ResumeState;
  /** return documents' text: at or above a verdict (html report), or with findings (sarif) */
  returnText?: Verdict | 'findings';
}

export interface Job {
  cwd: string;
  /** files this run will read (sorted; files the journal shows complete left out) */
  paths: string[];
  /** every file the inputs matched */
  matchedFiles: number;
  skipped: { path: string; reason: string }[];
  resume: ResumeState;
  concurrency: number;
  state: RunState;
  /** lexicon version the workers use (set once the pool has started) */
  lexiconVersion?: string;
  /** start the workers (if anything is left to do) and yield results in order */
  run(): AsyncGenerator<Emitted, void, undefined>;
}

function patientLookup(cwd: string, p: BatchOptions['patients']): ((abs: string) => Patient | undefined) | undefined {
  if (!p) return undefined;
  let map: Map<string, Patient>;
  if (typeof p === 'string') map = loadManifest(resolve(cwd, p));
  else {
    map = new Map();
    const entries = p instanceof Map ? [...p.entries()] : Object.entries(p);
    for (const [k, v] of entries) map.set(resolve(cwd, k), v);
  }
  return (abs) => map.get(abs);
}

/** Lexicon globs relative to cwd, validated here so that a malformed file stops the job before any worker starts. */
export function resolveLexicons(cwd: string, globs: string[] | undefined): string[] | undefined {
  if (!globs || globs.length === 0) return undefined;
  const abs = globs.map((g) => (isAbsolute(g) ? g : fg.convertPathToPattern(cwd) + '/' + g.replace(/\\/g, '/')));
  const files = resolveLexiconPaths(abs);
  loadLexicons({ builtin: true, files }); // throws LexiconError naming file, entry and field
  return files;
}

export function prepareJob(patterns: string[], opts: BatchOptions = {}, internals: JobInternals = {}): Job {
  const cwd = resolve(opts.cwd ?? process.cwd());
  if (patterns.length === 0) throw new BatchUsageError('no paths or globs given');
  const maxBytes = opts.maxBytes ?? DEFAULT_MAX_BYTES;
  if (!(Number.isInteger(maxBytes) && maxBytes > 0)) throw new BatchUsageError(`maxBytes must be a positive integer, got ${opts.maxBytes}`);
  const concurrency = opts.concurrency ?? availableParallelism();
  if (!(Number.isInteger(concurrency) && concurrency > 0)) throw new BatchUsageError(`concurrency must be a positive integer, got ${opts.concurrency}`);
  const lexicons = resolveLexicons(cwd, opts.lexicons);
  const patientOf = patientLookup(cwd, opts.patients);
  const ex = expandInputs(patterns, { ignore: opts.ignore, cwd });
  if (ex.unmatched.length) throw new BatchUsageError(`no files match ${ex.unmatched.map((u) => JSON.stringify(u)).join(', ')}`, ex.unmatched);
  const resume = internals.resume ?? emptyResume();
  const paths = resume.completePaths.size ? ex.files.filter((p) => !resume.completePaths.has(p)) : ex.files;
  const config: WorkerConfig = {
    lexicons,
    thresholds: opts.thresholds,
    includeText: !!opts.includeText,
    maxBytes,
    reader: {
      textColumn: opts.textColumn,
      idColumn: opts.idColumn,
      patientNameColumn: opts.patientNameColumn,
      nhsNumberColumn: opts.nhsNumberColumn,
      textField: opts.textField,
      idField: opts.idField,
    },
    returnText: internals.returnText,
  };
  const state: RunState = { filesDone: 0, filesTotal: paths.length };
  const keep = resume.doneKeys.size ? (d: { path: string; record?: string }) => !resume.doneKeys.has(documentKey(d.path, d.record)) : undefined;

  const job: Job = {
    cwd,
    paths,
    matchedFiles: ex.files.length,
    skipped: ex.skipped,
    resume,
    concurrency,
    state,
    async *run() {
      if (paths.length === 0) return;
      const pool = await WorkerPool.start(Math.min(concurrency, paths.length), config);
      job.lexiconVersion = pool.lexiconVersion;
      try {
        yield* runOrdered(pool, { cwd, paths, patientOf, keep, signal: opts.signal, state, batchSize: opts.batchSize, window: opts.window });
      } finally {
        await pool.close();
      }
    },
  };
  return job;
}
