/**
 * The worker side of the pool: each worker thread builds its own scanner (same lexicons and
 * options as the others), reads, decodes and hashes its own files, and sends back finished
 * DocumentResult objects, one message per batch of files.
 */
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import { createScanner, type Scanner } from '../scanner.js';
import type { Patient, Thresholds, Verdict } from '../schemas.js';
import { verdictAtLeast } from '../score/verdict.js';
import { looksBinary } from './decode.js';
import { errorResult, fromScan, type DocumentResult } from './document.js';
import { readDocuments, type ReadDocument, type ReaderOptions } from './read.js';

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
  docs: DocumentResult[];
  /** only with returnText: the text of each document that qualifies (same order as docs) */
  texts?: (string | undefined)[];
}

export type ToWorker = { type: 'batch'; id: number; tasks: Task[] };
export type FromWorker =
  | { type: 'ready'; lexiconVersion: string }
  | { type: 'fatal'; message: string }
  | { type: 'done'; id: number; results: FileResult[] };

export function isScanWorker(): boolean {
  return !isMainThread && !!workerData && typeof workerData === 'object' && (workerData as Record<string, unknown>)[WORKER_FLAG] === true;
}

const LETTER = /^\s*[\s\S]{0,2000}?\bdear\b/i;

/** The file-level part, separate from the thread plumbing so that it can be tested in-process. */
export function createFileScanner(cfg: WorkerConfig): { lexiconVersion: string; scanFile(t: Task): Promise<FileResult> } {
  const scanner: Scanner = createScanner({
    lexicons: cfg.lexicons && cfg.lexicons.length ? cfg.lexicons : undefined,
    thresholds: cfg.thresholds as Thresholds | undefined,
    includeText: cfg.includeText,
  });
  const lv = scanner.lexiconVersion;
  const readerOpts: ReaderOptions = { ...cfg.reader, maxBytes: cfg.maxBytes };

  async function scanFile(t: Task): Promise<FileResult> {
    const fail = (error: string): FileResult => ({ i: t.i, docs: [errorResult(t.path, error, lv)] });
    let read: ReadDocument[];
    try {
      read = await readDocuments(t.abs, readerOpts);
    } catch (err) {
      // Readers should not throw; if one does, its message may quote the file: name the error only.
      return fail(`the reader failed (${err instanceof Error ? err.name : typeof err})`);
    }
    const docs: DocumentResult[] = [];
    const want = cfg.returnText;
    const texts: (string | undefined)[] | undefined = want ? [] : undefined;
    for (const rd of read) {
      const extra = { record: rd.record, encoding: rd.encoding };
      let d: DocumentResult;
      if (rd.error) d = errorResult(t.path, rd.error, lv, extra);
      else if (looksBinary(rd.text)) d = errorResult(t.path, 'binary content (NUL bytes or control characters), not a text document', lv, extra);
      else {
        const patient = t.patient || rd.patient ? { ...t.patient, ...rd.patient } : undefined;
        const r = scanner.scan(rd.text, { patient, kind: LETTER.test(rd.text) ? 'letter' : 'entry' });
        d = fromScan(t.path, rd.text, r, extra);
      }
      docs.push(d);
      if (texts) {
        const give = !!d.sha256 && (want === 'findings' ? d.findings.length > 0 : verdictAtLeast(d.verdict, want as Verdict));
        texts.push(give ? rd.text : undefined);
      }
    }
    return texts ? { i: t.i, docs, texts } : { i: t.i, docs };
  }
  return { lexiconVersion: lv, scanFile };
}

/** Run as a pool worker: called at load time of the bundle (or worker-entry.ts) inside a worker thread. */
export function startWorker(): void {
  const port = parentPort;
  if (!port) return;
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
    });
  });
  port.postMessage({ type: 'ready', lexiconVersion: fs.lexiconVersion } satisfies FromWorker);
}
