/**
 * The worker side of the pool: each worker thread builds its own scanner (same lexicons and
 * options as the others), reads, decodes and hashes its own files, and sends back finished
 * DocumentResult objects, one message per batch of files.
 */
import { getHeapStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import { verdictAtLeast, type DocumentResult, type Patient, type Thresholds, type Verdict } from '../model/index.js';
import { csvRow, jsonBody, jsonlLine, stylishLine } from '../report/index.js';
import { createScanner, type Scanner } from '../scanner/index.js';
import { looksBinary } from './decode.js';
import { expandInputs } from './expand.js';
import { readDocuments, type ReadDocument, type ReaderOptions } from './read.js';
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
}

export interface FileResult {
  i: number;
  docs: DocOut[];
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
  /** read one file (every record of it) and scan each document */
  scanFile(t: Task): Promise<FileResult>;
  /** scan one text that was read already, as a file's document is scanned */
  scanText(path: string, rd: ReadDocument, patient?: Patient): DocumentResult;
}

export function createFileScanner(cfg: WorkerConfig): FileScanner {
  const scanner: Scanner = createScanner({
    lexicons: cfg.lexicons && cfg.lexicons.length ? cfg.lexicons : undefined,
    thresholds: cfg.thresholds as Thresholds | undefined,
    includeText: cfg.includeText,
  });
  const lv = scanner.lexiconVersion;
  const readerOpts: ReaderOptions = { ...cfg.reader, maxBytes: cfg.maxBytes };
  const render = cfg.render ? RENDER[cfg.render] : undefined;

  async function scanFile(t: Task): Promise<FileResult> {
    const out = (d: DocumentResult, text?: string): DocOut => {
      const o: DocOut = { meta: metaOf(d) };
      if (render) o.out = render(d);
      else o.doc = d;
      if (text !== undefined) o.text = text;
      return o;
    };
    // The same reader every entry point uses; it never throws (a failure is an error document).
    const read = await readDocuments(t.abs, readerOpts);
    const docs: DocOut[] = [];
    const want = cfg.returnText;
    for (const rd of read) {
      const d = scanText(t.path, rd, t.patient);
      const give = !!want && !!d.sha256 && (want === 'findings' ? d.findings.length > 0 : verdictAtLeast(d.verdict, want as Verdict));
      docs.push(out(d, give ? rd.text : undefined));
    }
    return { i: t.i, docs };
  }
  function scanText(path: string, rd: ReadDocument, given?: Patient): DocumentResult {
    const extra = { record: rd.record, encoding: rd.encoding };
    if (rd.error) return errorResult(path, rd.error, lv, extra);
    if (looksBinary(rd.text)) return errorResult(path, 'binary content (NUL bytes or control characters), not a text document', lv, extra);
    const patient = given || rd.patient ? { ...given, ...rd.patient } : undefined;
    // No kind: whether it is a letter is the text layer's decision, as for every entry point.
    return fromScan(path, rd.text, scanner.scan(rd.text, { patient }), extra);
  }
  return { lexiconVersion: lv, scanFile, scanText };
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
  let fs: ReturnType<typeof createFileScanner>;
  try {
    fs = createFileScanner(cfg);
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
