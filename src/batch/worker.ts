/**
 * The worker side of the pool: each worker thread builds its own scanner (same lexicons and
 * options as the others), reads, decodes and hashes its own files, and sends back finished
 * DocumentResult objects, one message per batch of files.
 */
import { getHeapStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import { compareRecords, POLICY_THRESHOLDS as DEFAULT_THRESHOLDS, verdictAtLeast, type Category, type DocumentResult, type Patient, type RedactOperator, type ScanContext, type ScanResult, type Thresholds, type Verdict } from '../model/index.js';
import { csvRow, documentReferenceFor, jsonBody, jsonlLine, labelRoot, redact, RedactionError, stylishLine, type DecisionState, type LabelTarget, type RedactResult } from '../report/index.js';
import { decodeDocument } from './readers/text.js';
import { createScanner, type Scanner } from '../scanner/index.js';
import { looksBinary } from './decode.js';
import { expandInputs } from './expand.js';
import { createHash } from 'node:crypto';
import { loadFile, loadGivenBytes, readBytes, type ReadDocument, type ReaderOptions } from './read.js';
import { DEFAULT_READER_LIMITS, ReaderHost, type ReaderLimits } from './reader-host.js';
import type { HeavyReader } from './readers/index.js';
import { errorResult, fromScan } from './results.js';
import { SPILL_ABOVE, SpillWriter } from './spill.js';

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
  /** where a record file of many records puts its results (spill.ts); without it they come back in the message */
  spillDir?: string;
  /** redact each document that was read and scanned (the redact command): the result comes back as `redaction` */
  redact?: { categories: Category[]; operator: RedactOperator };
  /** scan each document a second time with these lexicon files (the impact command): the result comes back as `alt` */
  compare?: { lexicons?: string[] };
}

export type RenderFormat = 'jsonl' | 'json' | 'stylish' | 'csv' | 'fhir';

/** What the main thread needs of every document: order, resume keys, the tally. */
export type DocMeta = Pick<DocumentResult, 'path' | 'record' | 'verdict' | 'bytes' | 'error' | 'categories' | 'decision'>;

export interface DocOut {
  meta: DocMeta;
  /** the result (absent when rendered) */
  doc?: DocumentResult;
  /** the rendered output text (with `render`) */
  out?: string;
  /** the scanned text (with `returnText`, when the document qualifies) */
  text?: string;
  /** with `redact`: the redacted text and its log, or why the document was not redacted */
  redaction?: RedactResult | { error: string };
  /** with `compare`: the same text scanned with the other lexicons */
  alt?: DocumentResult;
  /** set in the main thread (scan --decisions): the document's recorded decision, holding or void */
  decided?: DecisionState;
  /**
   * With `render: 'fhir'`, on one document of each file: the file's labelled resources (JSON),
   * and whether they are the input's own FHIR resources or DocumentReferences made for it.
   */
  fhir?: { fromFhir: boolean; resources: string[] };
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
  /** not a file: a text or a FHIR resource sent to the service, scanned here as a file's document is */
  inline?: InlineInput;
  /**
   * How to read this file when it is not as the run's settings say: the queue's jobs each carry
   * the reading options they were enqueued with, and may carry the file's bytes (kept in the
   * database). With `sha256`, bytes that hash otherwise make the document an error: the file
   * changed after it was enqueued, and a result must never stand for bytes nobody asked about.
   */
  read?: { options: ReaderOptions; bytes?: Uint8Array; sha256?: string };
}

/** What the service sends: a text with its scan context (POST /scan), or a FHIR resource as JSON (POST /fhir). */
export type InlineInput =
  | { kind: 'text'; text: string; context?: ScanContext }
  | { kind: 'fhir'; json: string }
  | { kind: 'redact'; text: string; context?: ScanContext; categories?: Category[] };

export interface FileResult {
  i: number;
  docs: DocOut[];
  /** a record file of many records: its results, in record order, are in this spill file (spill.ts) */
  spill?: { path: string; count: number };
  /** the journal's results for this file still hold (same bytes, settings and lexicons): nothing new */
  unchanged?: boolean;
  /** an inline task's answer: the library's ScanResult, the labelled FHIR resource (JSON), or the redacted text */
  reply?: { scan?: ScanResult; fhir?: string; redact?: RedactResult | { error: string } };
  /**
   * The file was not scanned for a reason that is not its own (the pool's workers kept
   * stopping, or it closed): its documents are errors saying so. A caller that can try again
   * later (the queue) does that instead of recording them.
   */
  lost?: string;
}

const RENDER: Record<RenderFormat, (d: DocumentResult) => string> = { jsonl: jsonlLine, json: jsonBody, stylish: stylishLine, csv: csvRow, fhir: () => '' };

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

/** The patient a document is scanned for: the caller's (a manifest), completed by what its record file says. */
const patientFor = (given: Patient | undefined, rd: ReadDocument): Patient | undefined => (given || rd.patient ? { ...given, ...rd.patient } : undefined);

export function createFileScanner(cfg: WorkerConfig, progress?: Int32Array): FileScanner {
  const scanner: Scanner = createScanner({
    lexicons: cfg.lexicons && cfg.lexicons.length ? cfg.lexicons : undefined,
    thresholds: cfg.thresholds as Thresholds | undefined,
    includeText: cfg.includeText,
  });
  const lv = scanner.lexiconVersion;
  const altScanner: Scanner | undefined = cfg.compare
    ? createScanner({ lexicons: cfg.compare.lexicons && cfg.compare.lexicons.length ? cfg.compare.lexicons : undefined, thresholds: cfg.thresholds as Thresholds | undefined, includeText: cfg.includeText })
    : undefined;
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
    if (t.inline) {
      const reply = await scanInline(t.inline);
      if (progress) Atomics.store(progress, CURRENT, -1);
      return { i: t.i, docs: [], reply };
    }
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
    const scanned: { rd: ReadDocument; d: DocumentResult }[] = [];
    const one = (rd: ReadDocument) => {
      const d = scanText(t.path, rd, t.patient, input);
      const give = !!want && !!d.sha256 && (want === 'findings' ? d.findings.length > 0 : verdictAtLeast(d.verdict, want as Verdict));
      const o = out(d, give ? rd.text : undefined);
      if (cfg.redact) o.redaction = redactDoc(rd, d, patientFor(t.patient, rd));
      if (altScanner) o.alt = scanWith(altScanner, t.path, rd, t.patient, input);
      if (cfg.render === 'fhir') scanned.push({ rd, d });
      return o;
    };
    // FHIR output labels the file's resources together, so it is never spilled.
    if (cfg.spillDir && read.length > SPILL_ABOVE && cfg.render !== 'fhir') {
      // Many records: in record order (as the run emits them) to a spill file, not one message.
      read.sort((a, b) => compareRecords(a.record, b.record));
      const spill = new SpillWriter(cfg.spillDir, t.i);
      for (let k = 0; k < read.length; k++) {
        spill.add(one(read[k]));
        if ((k & 1023) === 0) beat();
      }
      if (progress) Atomics.store(progress, CURRENT, -1);
      return { i: t.i, docs: [], spill: spill.finish() };
    }
    for (const rd of read) docs.push(one(rd));
    if (cfg.render === 'fhir' && docs.length) docs[0].fhir = fhirOutput(scanned, 'bytes' in loaded ? loaded.bytes : undefined);
    if (progress) Atomics.store(progress, CURRENT, -1);
    return { i: t.i, docs };
  }

  /**
   * A file's FHIR output: read from FHIR, its own resources labelled (parsed again here: the
   * reader kept where each document is, not the resource); otherwise a DocumentReference per
   * document (with its text only under --include-text).
   */
  function fhirOutput(scanned: { rd: ReadDocument; d: DocumentResult }[], bytes: Uint8Array | undefined): DocOut['fhir'] {
    const decoded = bytes && scanned.some((s) => s.rd.fhir) ? decodeDocument(bytes) : undefined;
    if (!decoded || 'error' in decoded) return { fromFhir: false, resources: scanned.map(({ rd, d }) => JSON.stringify(documentReferenceFor(d, cfg.includeText && d.sha256 ? rd.text : undefined))) };
    const targets = (line: number | undefined) =>
      scanned.filter((s) => s.rd.fhir && s.rd.fhir.line === line).map(({ rd, d }): LabelTarget => ({ path: rd.fhir!.path, also: rd.fhir!.also, result: d }));
    const hasLines = scanned.some((s) => s.rd.fhir?.line !== undefined);
    if (!hasLines) return { fromFhir: true, resources: [JSON.stringify(labelRoot(JSON.parse(decoded.text), targets(undefined)))] };
    const resources: string[] = [];
    decoded.text.split(/\r?\n/).forEach((line, i) => {
      if (!line.trim()) return;
      let value: unknown;
      try {
        value = JSON.parse(line);
      } catch {
        // A line that is not JSON cannot be labelled: it is listed as a DocumentReference holding its error.
        for (const s of scanned) if (s.rd.fhir?.line === i + 1) resources.push(JSON.stringify(documentReferenceFor(s.d)));
        return;
      }
      resources.push(JSON.stringify(labelRoot(value, targets(i + 1))));
    });
    return { fromFhir: true, resources };
  }

  /** A service request, scanned as the library and a file's documents are. */
  async function scanInline(input: InlineInput): Promise<FileResult['reply']> {
    if (input.kind === 'text') return { scan: scanner.scan(input.text, input.context ?? {}) };
    if (input.kind === 'redact') {
      // Scanned as /scan scans it, then redacted as the redact command does; a failed scan is not redacted.
      const result = scanner.scan(input.text, input.context ?? {});
      if (result.error) return { redact: { error: `the scan failed on this text, so it was not redacted (${result.error})` } };
      try {
        return { redact: redact(input.text, result, { scanner, ...(input.categories ? { categories: input.categories } : {}), ...(input.context?.patient ? { patient: input.context.patient } : {}) }) };
      } catch (err) {
        return { redact: { error: err instanceof RedactionError ? err.message : `redaction failed (${err instanceof Error ? err.name : typeof err})` } };
      }
    }
    const read = await readBytes('request.json', Buffer.from(input.json, 'utf8'), readerOpts, heavy);
    const targets: LabelTarget[] = [];
    for (const rd of read) {
      const d = scanText('request', rd);
      if (rd.fhir) targets.push({ path: rd.fhir.path, also: rd.fhir.also, result: d });
    }
    return { fhir: JSON.stringify(labelRoot(JSON.parse(input.json), targets)) };
  }
  function scanWith(sc: Scanner, path: string, rd: ReadDocument, given?: Patient, input?: DocumentResult['input']): DocumentResult {
    const extra = { record: rd.record, encoding: rd.encoding, parts: rd.parts, ocr: rd.ocr, incomplete: rd.incomplete, hiddenText: rd.flags?.includes('hidden-text'), input };
    if (rd.error) return errorResult(path, rd.error, sc.lexiconVersion, extra);
    if (looksBinary(rd.text)) return errorResult(path, 'binary content (NUL bytes or control characters), not a text document', sc.lexiconVersion, extra);
    // No kind: whether it is a letter is the text layer's decision, as for every entry point.
    return fromScan(path, rd.text, sc.scan(rd.text, { patient: patientFor(given, rd) }), extra);
  }
  function scanText(path: string, rd: ReadDocument, given?: Patient, input?: DocumentResult['input']): DocumentResult {
    return scanWith(scanner, path, rd, given, input);
  }
  /** A document whose reading or scan failed is not redacted at all: its findings cannot be trusted to cover it. */
  function redactDoc(rd: ReadDocument, d: DocumentResult, patient: Patient | undefined): DocOut['redaction'] {
    if (d.error) return { error: d.error };
    try {
      return redact(rd.text, d, { scanner, categories: cfg.redact!.categories, operator: cfg.redact!.operator, ...(patient ? { patient } : {}) });
    } catch (err) {
      return { error: err instanceof RedactionError ? err.message : `redaction failed (${err instanceof Error ? err.name : typeof err})` };
    }
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
