/**
 * The worker side of the pool: each worker thread builds its own scanner (same lexicons and
 * options as the others), reads, decodes and hashes its own files, and sends back finished
 * DocumentResult objects, one message per batch of files.
 */
import { getHeapStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import { POLICY_THRESHOLDS as DEFAULT_THRESHOLDS, verdictAtLeast, type DocumentResult, type Patient, type Thresholds, type Verdict } from '../model/index.js';
import { csvRow, jsonBody, jsonlLine, stylishLine } from '../report/index.js';
import { createScanner, type Scanner } from '../scanner/index.js';
import { looksBinary } from './decode.js';
import { expandInputs } from './expand.js';
import { createHash } from 'node:crypto';
import { loadFile, loadGivenBytes, readBytes, type ReadDocument, type ReaderOptions } from './read.js';
import { DEFAULT_READER_LIMITS, ReaderHost, type ReaderLimits } from './reader-host.js';
import type { HeavyReader } from './readers/index.js';
import { errorResult, fromScan } from './results.js';

export const WORKER_FLAG = 'safeguard-scan:batch-worker';

export interface WorkerConfig {
  /** user lexicon files (absolute paths, already resolved) */
  lexicons?: string[];
  thresholds?: Partial<Thresholds>;
  includeText: boolean;
  maxBytes: number;
  reader: Omit<ReaderOptions, 'maxBytes'>;
  /** also return the scanned text: of documents at or above a verdict (html report), or of those with findings (sarif line/column) */
  returnText?: Verdict | 'findings';
  /**
   * Render each document to its output text here, in the worker, and send that instead of the
   * object (the CLI's streaming formats): the main thread then only writes strings, which keeps
   * it light (throughput) and its heap small (memory).
   */
  render?: RenderFormat;
  /** time and memory limits of the reader child process */
  readerLimits?: ReaderLimits;
}

export type RenderFormat = 'jsonl' | 'json' | 'stylish' | 'csv';

/** What the main thread needs of every document: order, resume keys, the tally. */
export type DocMeta = Pick<DocumentResult, 'path' | 'record' | 'verdict' | 'bytes' | 'error' | 'categories'>;

export interface DocOut {
  meta: DocMeta;
  /** the result (absent when rendered) */
  doc?: DocumentResult;
  /** the rendered output text (with `render`) */
  out?: string;
  /** the scanned text (with `returnText`, when the document qualifies) */
  text?: string;
}

/** One file to read and scan. `i` is its place in the sorted run. */
export interface Task {
  i: number;
  abs: string;
  path: string;
  patient?: Patient;
  /** what a journal recorded for this file: if its bytes, settings and lexicons are the same, it is not scanned again */
  known?: { sha256?: string; settings?: string; lexiconVersion?: string };
  /** this path cannot be read at all (a folder that could not be listed): an error row, nothing read */
  error?: string;
  /**
   * How to read this file when it is not as the run's settings say: the queue's jobs each carry
   * the reading options they were enqueued with, and may carry the file's bytes (kept in the
   * database). With `sha256`, bytes that hash otherwise make the document an error: the file
   * changed after it was enqueued, and a result must never stand for bytes nobody asked about.
   */
  read?: { options: ReaderOptions; bytes?: Uint8Array; sha256?: string };
}

export interface FileResult {
  i: number;
  docs: DocOut[];
  /** the journal's results for this file still hold (same bytes, settings and lexicons): nothing new */
  unchanged?: boolean;
  /**
   * The file was not scanned for a reason that is not its own (the pool's workers kept
   * stopping, or it closed): its documents are errors saying so. A caller that can try again
   * later (the queue) does that instead of recording them.
   */
  lost?: string;
}

const RENDER: Record<RenderFormat, (d: DocumentResult) => string> = { jsonl: jsonlLine, json: jsonBody, stylish: stylishLine, csv: csvRow };

export const renderDoc = (f: RenderFormat, d: DocumentResult): string => RENDER[f](d);

function metaOf(d: DocumentResult): DocMeta {
  const m: DocMeta = { path: d.path, verdict: d.verdict, bytes: d.bytes, categories: d.categories };
  if (d.record !== undefined) m.record = d.record;
  if (d.error !== undefined) m.error = d.error;
  return m;
}

export type ToWorker = { type: 'batch'; id: number; tasks: Task[] };
export type FromWorker =
  | { type: 'ready'; lexiconVersion: string }
  | { type: 'fatal'; message: string }
  | { type: 'done'; id: number; results: FileResult[] };

/** What this thread is for: a pool worker ('scan'), a one-shot input expansion ('expand'), or neither (main). */
export function workerRole(): 'scan' | 'expand' | undefined {
  if (isMainThread || !workerData || typeof workerData !== 'object') return undefined;
  const r = (workerData as Record<string, unknown>)[WORKER_FLAG];
  return r === 'scan' || r === 'expand' ? r : undefined;
}

/** Any of our threads: the CLI must not run in them. */
export const isPoolThread = (): boolean => workerRole() !== undefined;

/** The file-level part, separate from the thread plumbing so that it can be tested in-process. */
export interface FileScanner {
  lexiconVersion: string;
  /** stop the reader child process, if one was started */
  close(): Promise<void>;
  /** read one file (every record of it) and scan each document */
  scanFile(t: Task): Promise<FileResult>;
  /** scan one text that was read already, as a file's document is scanned */
  scanText(path: string, rd: ReadDocument, patient?: Patient): DocumentResult;
}

/**
 * A worker's progress, shared with the main thread without messages: which task it is on
 * (-1 between tasks) and a counter that moves whenever it gets on (a task started, a page read).
 * A worker that dies or stops moving is known by what it was doing.
 */
export const PROGRESS_SLOTS = 2;
export const CURRENT = 0;
export const BEAT = 1;

export function createFileScanner(cfg: WorkerConfig, progress?: Int32Array): FileScanner {
  const scanner: Scanner = createScanner({
    lexicons: cfg.lexicons && cfg.lexicons.length ? cfg.lexicons : undefined,
    thresholds: cfg.thresholds as Thresholds | undefined,
    includeText: cfg.includeText,
  });
  const lv = scanner.lexiconVersion;
  const readerOpts: ReaderOptions = { ...cfg.reader, maxBytes: cfg.maxBytes };
  // The settings that change results, hashed: with the file's bytes and the lexicons, the key of a recorded result.
  // Canonical: the same settings give the same hash whichever entry point spelt them out.
  const settingsJson = (r: ReaderOptions) =>
    JSON.stringify({
      thresholds: cfg.thresholds ? { ...DEFAULT_THRESHOLDS, ...cfg.thresholds } : DEFAULT_THRESHOLDS,
      includeText: !!cfg.includeText,
      maxBytes: r.maxBytes,
      reader: [r.textColumn, r.idColumn, r.patientNameColumn, r.nhsNumberColumn, r.textField, r.idField].map((x) => x ?? null),
      ocr: r.ocr !== false,
    });
  const runSettings = settingsJson(readerOpts);
  const settingsOf = (base: string, patient?: Patient) => createHash('sha256').update(base).update(JSON.stringify(patient ?? null)).digest('hex').slice(0, 16);
  const beat = () => {
    if (progress) Atomics.add(progress, BEAT, 1);
  };
  // Heavy formats are read in a reader child process of this worker (one, started on first use).
  const host = new ReaderHost(cfg.readerLimits ?? DEFAULT_READER_LIMITS);
  const heavy: HeavyReader = { read: (ext, bytes, o) => host.read(ext, bytes, { ...o, onProgress: beat }) };
  const render = cfg.render ? RENDER[cfg.render] : undefined;

  async function scanFile(t: Task): Promise<FileResult> {
    const out = (d: DocumentResult, text?: string): DocOut => {
      const o: DocOut = { meta: metaOf(d) };
      if (render) o.out = render(d);
      else o.doc = d;
      if (text !== undefined) o.text = text;
      return o;
    };
    if (progress) Atomics.store(progress, CURRENT, t.i);
    beat();
    // The same reader every entry point uses; it never throws (a failure is an error document).
    const opts = t.read?.options ?? readerOpts;
    const loaded = t.error ? { docs: [{ text: '', error: t.error }] } : t.read?.bytes ? loadGivenBytes(t.path, t.read.bytes, opts) : loadFile(t.abs, opts);
    let read: ReadDocument[];
    let input: DocumentResult['input'];
    if ('docs' in loaded) read = loaded.docs;
    else {
      input = { sha256: createHash('sha256').update(loaded.bytes).digest('hex'), settings: settingsOf(t.read ? settingsJson(loaded.options) : runSettings, t.patient) };
      const k = t.known;
      if (k && k.sha256 === input.sha256 && k.settings === input.settings && k.lexiconVersion === lv) {
        if (progress) Atomics.store(progress, CURRENT, -1);
        return { i: t.i, docs: [], unchanged: true };
      }
      if (t.read?.sha256 && t.read.sha256 !== input.sha256) read = [{ text: '', error: 'the file changed after it was enqueued (its bytes are not the ones recorded): enqueue it again' }];
      else read = await readBytes(t.abs, loaded.bytes, loaded.options, heavy);
    }
    const docs: DocOut[] = [];
    const want = cfg.returnText;
    for (const rd of read) {
      const d = scanText(t.path, rd, t.patient, input);
      const give = !!want && !!d.sha256 && (want === 'findings' ? d.findings.length > 0 : verdictAtLeast(d.verdict, want as Verdict));
      docs.push(out(d, give ? rd.text : undefined));
    }
    if (progress) Atomics.store(progress, CURRENT, -1);
    return { i: t.i, docs };
  }
  function scanText(path: string, rd: ReadDocument, given?: Patient, input?: DocumentResult['input']): DocumentResult {
    const extra = { record: rd.record, encoding: rd.encoding, parts: rd.parts, ocr: rd.ocr, incomplete: rd.incomplete, hiddenText: rd.flags?.includes('hidden-text'), input };
    if (rd.error) return errorResult(path, rd.error, lv, extra);
    if (looksBinary(rd.text)) return errorResult(path, 'binary content (NUL bytes or control characters), not a text document', lv, extra);
    const patient = given || rd.patient ? { ...given, ...rd.patient } : undefined;
    // No kind: whether it is a letter is the text layer's decision, as for every entry point.
    return fromScan(path, rd.text, scanner.scan(rd.text, { patient }), extra);
  }
  return { lexiconVersion: lv, scanFile, scanText, close: () => host.close() };
}

/**
 * Expand the inputs off the main thread: globbing 100,000 files leaves tens of MB of garbage,
 * which dies with this thread instead of staying in the main thread's heap for the whole run.
 */
function startExpand(port: NonNullable<typeof parentPort>): void {
  const { patterns, options } = workerData as { patterns: string[]; options: Parameters<typeof expandInputs>[1] };
  try {
    port.postMessage({ ok: expandInputs(patterns, options) });
  } catch (err) {
    port.postMessage({ error: err instanceof Error ? err.message : String(err) });
  }
}

/**
 * Keep a worker's heap near its live size. Left alone, V8 lets a busy worker's old space fill
 * with garbage to several times its live data before collecting (measured: 35 MB live, 110 MB
 * used per worker by the end of a 100,000-file run, 340-390 MB RSS in all). So once the heap
 * has grown 32 MB past what the last full collection left, collect between batches: about 30 ms
 * every second or two (~4% of a worker's time), peak RSS of that run ~270 MB.
 * `gc` is taken from a fresh context with --expose-gc set for that moment only, so that no
 * other context of the host process gets it.
 */
const GC_SLACK = 32 * 1024 * 1024;
let gcFn: (() => void) | undefined;
let gcAt = 0;

function collectIfGrown(): void {
  const used = getHeapStatistics().used_heap_size;
  if (gcAt === 0) gcAt = used + GC_SLACK;
  if (used < gcAt) return;
  if (!gcFn) {
    setFlagsFromString('--expose-gc');
    try {
      gcFn = runInNewContext('gc') as () => void;
    } finally {
      setFlagsFromString('--no-expose-gc');
    }
  }
  gcFn?.();
  gcAt = getHeapStatistics().used_heap_size + GC_SLACK;
}

/** Run as one of our worker threads: called at load time of the bundle (or worker-entry.ts) inside a worker thread. */
export function startWorker(): void {
  const port = parentPort;
  if (!port) return;
  if (workerRole() === 'expand') return startExpand(port);
  const cfg = (workerData as Record<string, unknown>).config as WorkerConfig;
  const progress = (workerData as Record<string, unknown>).progress as Int32Array | undefined;
  let fs: ReturnType<typeof createFileScanner>;
  try {
    fs = createFileScanner(cfg, progress);
  } catch (err) {
    port.postMessage({ type: 'fatal', message: err instanceof Error ? err.message : String(err) } satisfies FromWorker);
    return;
  }
  // Batches are processed one at a time, in the order they arrive.
  let chain: Promise<void> = Promise.resolve();
  port.on('message', (m: ToWorker) => {
    if (m.type !== 'batch') return;
    chain = chain.then(async () => {
      const results: FileResult[] = [];
      for (const t of m.tasks) results.push(await fs.scanFile(t));
      port.postMessage({ type: 'done', id: m.id, results } satisfies FromWorker);
      collectIfGrown();
    });
  });
  port.postMessage({ type: 'ready', lexiconVersion: fs.lexiconVersion } satisfies FromWorker);
}
