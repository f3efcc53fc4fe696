import { closeSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { extname, resolve } from 'node:path';
import { BatchUsageError, prepareJob, type BatchOptions } from '../../batch/job.js';
import { compactJournal, emptyResume, readJournal, tallyJournal, type ResumeState } from '../../batch/journal.js';
import { openFileSink, streamSink, type FileSink, type Sink, type StreamSink } from '../../batch/output.js';
import { Progress } from '../../batch/progress.js';
import type { RecordFieldOptions } from '../../batch/readers/types.js';
import type { Emitted } from '../../batch/run.js';
import { formatSummary, Tally } from '../../batch/tally.js';
import { renderDoc, type RenderFormat } from '../../batch/worker.js';
import { findConfig, loadConfig, OUTPUT_FORMATS, type Config, type OutputFormat } from '../../config.js';
import { documentKey, maxVerdict, type Verdict } from '../../model/index.js';
import {
  applyDecision,
  csvHeader,
  decisionFor,
  FHIR_COLLECTION_OPEN,
  fhirCollectionClose,
  fhirEntry,
  htmlReportChunks,
  JSON_OPEN,
  jsonClose,
  jsonItem,
  labelsFor,
  parseDecisions,
  printable,
  sarifChunks,
  stylishLine,
  type Decisions,
  type ReportDocument,
} from '../../report/index.js';
import { toolVersion } from '../../version.js';
import { EXIT, say, UsageError, type CliIo } from '../io.js';

export interface ScanFlags extends RecordFieldOptions {
  format?: OutputFormat;
  output?: string;
  failOn?: Verdict;
  includeText?: boolean;
  lexicons?: string[];
  ignore?: string[];
  concurrency?: number;
  resume?: boolean;
  maxBytes?: number;
  patients?: string;
  config?: string;
  /** false with --no-ocr */
  ocr?: boolean;
  /** overwrite an output file that already holds results */
  force?: boolean;
  /** recorded decisions (decisions.jsonl from the html report) */
  decisions?: string;
}

export const FORMAT_OF_EXT: Record<string, OutputFormat> = { '.jsonl': 'jsonl', '.ndjson': 'jsonl', '.json': 'json', '.csv': 'csv', '.sarif': 'sarif', '.html': 'html', '.htm': 'html' };

/** The format an output file's name asks for: `x.fhir.json` is FHIR, otherwise by its extension. */
export function formatOfFile(file: string): OutputFormat | undefined {
  if (/\.fhir\.json$/i.test(file)) return 'fhir';
  return FORMAT_OF_EXT[extname(file).toLowerCase()];
}

/** A format written as documents arrive; csv too. sarif and html need the whole run (they hold its results in memory). */
interface Writer {
  doc(e: Emitted): void;
  end(summaryText: string): void;
}

/** Formats rendered in the workers: the main thread only writes their text. */
const RENDERED: Partial<Record<OutputFormat, RenderFormat>> = { jsonl: 'jsonl', json: 'json', stylish: 'stylish', csv: 'csv', fhir: 'fhir' };

/**
 * `--format fhir`: a run whose input is one FHIR resource (one .json file, or a one-line NDJSON
 * file) writes that resource back, labelled (a Bundle in gives the Bundle out); any other run
 * writes a Bundle of type collection: each input resource labelled, and a DocumentReference for
 * each document that was not FHIR. At most one resource is held back, to tell the two apart.
 */
function fhirWriter(sink: Sink): Writer {
  let held: { fromFhir: boolean; json: string } | undefined;
  let opened = false;
  let first = true;
  let worst: Verdict = 'visible';
  const entry = (json: string) => {
    sink.write(fhirEntry(json, first));
    first = false;
  };
  const open = () => {
    opened = true;
    sink.write(FHIR_COLLECTION_OPEN);
    if (held) entry(held.json);
    held = undefined;
  };
  return {
    doc: (e) => {
      worst = maxVerdict(worst, e.meta.verdict);
      const f = e.fhir;
      if (!f) return;
      for (const json of f.resources) {
        if (opened) entry(json);
        else if (!held) held = { fromFhir: f.fromFhir, json };
        else {
          open();
          entry(json);
        }
      }
    },
    end: () => {
      if (!opened && held?.fromFhir) {
        sink.write(held.json + '\n');
        return;
      }
      if (!opened) open();
      const labels = labelsFor([{ verdict: worst, findings: [] }]);
      sink.write(fhirCollectionClose(labels.security.length || labels.tag.length ? { security: labels.security, tag: labels.tag } : undefined, !first));
    },
  };
}

function makeWriter(format: OutputFormat, sink: Sink, opts: { summaryInStylish: boolean; lexiconVersion: () => string; decisionColumn?: boolean }): Writer {
  // Rendered in the workers, or (when decisions are applied here first) rendered now.
  const text = (e: Emitted): string =>
    e.out ?? (format === 'stylish' ? stylishLine(e.doc!, { decisionColumn: opts.decisionColumn }) : renderDoc(RENDERED[format]!, e.doc!));
  switch (format) {
    case 'jsonl':
      return { doc: (e) => sink.write(text(e)), end: () => undefined };
    case 'json': {
      let first = true;
      sink.write(JSON_OPEN);
      return {
        doc: (e) => {
          sink.write(jsonItem(text(e), first));
          first = false;
        },
        end: () => sink.write(jsonClose(!first)),
      };
    }
    case 'csv':
      sink.write(csvHeader());
      return { doc: (e) => sink.write(text(e)), end: () => undefined };
    case 'fhir':
      return fhirWriter(sink);
    case 'sarif':
    case 'html': {
      const docs: ReportDocument[] = [];
      return {
        doc: (e) => docs.push({ ...e.doc!, ...(e.text !== undefined ? { text: e.text } : {}), ...(e.decided ? { decided: e.decided } : {}) }),
        end: () => {
          const chunks =
            format === 'sarif' ? sarifChunks(docs, { toolVersion: toolVersion(), lexiconVersion: opts.lexiconVersion() }) : htmlReportChunks(docs, {});
          for (const c of chunks) sink.write(c);
        },
      };
    }
    default:
      return {
        doc: (e) => sink.write(text(e)),
        end: (s) => {
          if (opts.summaryInStylish) sink.write('\n' + s + '\n');
        },
      };
  }
}

/** A decisions file, read and checked whole before any work: a problem names the file, the line and the field. */
export function loadDecisions(abs: string, shown: string): Decisions {
  let text: string;
  try {
    text = readFileSync(abs, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read the decisions file ${shown} (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  return parseDecisions(text, shown);
}

/** The config file for a command: `--config FILE`, or the nearest one from the working directory upward. */
export function loadConfigFor(flags: { config?: string }, cwd: string): { config: Config; file?: string } {
  const file = flags.config ? resolve(cwd, flags.config) : findConfig(cwd);
  if (!file) return { config: {} };
  return { config: loadConfig(file), file };
}

/** The reading options of a command that reads paths as scan does (scan, redact, impact): flags over the config; list options add to it. */
export type ReadingFlags = Pick<ScanFlags, keyof RecordFieldOptions | 'includeText' | 'lexicons' | 'ignore' | 'concurrency' | 'maxBytes' | 'patients' | 'ocr'>;

export function batchOptions(flags: ReadingFlags, config: Config, cwd: string): BatchOptions {
  return {
    cwd,
    ignore: [...(config.ignore ?? []), ...(flags.ignore ?? [])],
    lexicons: [...(config.lexicons ?? []), ...(flags.lexicons ?? [])],
    thresholds: config.thresholds,
    includeText: !!flags.includeText,
    concurrency: flags.concurrency ?? config.concurrency,
    maxBytes: flags.maxBytes ?? config.maxBytes,
    textColumn: flags.textColumn ?? config.textColumn,
    idColumn: flags.idColumn ?? config.idColumn,
    patientNameColumn: flags.patientNameColumn ?? config.patientNameColumn,
    nhsNumberColumn: flags.nhsNumberColumn ?? config.nhsNumberColumn,
    textField: flags.textField ?? config.textField,
    idField: flags.idField ?? config.idField,
    patients: flags.patients ?? config.patients,
    ocr: flags.ocr === false ? false : (config.ocr ?? true),
  };
}

/** Does a file already hold results of a run (a jsonl journal)? Its first line is read, nothing more. */
function holdsResults(file: string): boolean {
  try {
    if (!statSync(file).isFile() || statSync(file).size === 0) return false;
    const fd = openSync(file, 'r');
    try {
      const buf = Buffer.alloc(4096);
      const n = readSync(fd, buf, 0, buf.length, 0);
      return /^\{"path":/.test(buf.subarray(0, n).toString('utf8'));
    } finally {
      closeSync(fd);
    }
  } catch {
    return false;
  }
}

export async function scanCommand(patterns: string[], flags: ScanFlags, io: CliIo): Promise<number> {
  const t0 = performance.now();
  const { config, file: configFile } = loadConfigFor(flags, io.cwd);
  // Flags override the config; list options (lexicons, ignore) add to it.
  const output = flags.output;
  const ext = output ? extname(output).toLowerCase() : '';
  if (output && !flags.format && !formatOfFile(output))
    throw new UsageError(`cannot tell the format of ${output} from its extension${ext ? ` ${ext}` : ''}: add --format (${OUTPUT_FORMATS.join(', ')}) or use one of ${[...Object.keys(FORMAT_OF_EXT), '.fhir.json'].join(', ')}`);
  const format: OutputFormat = flags.format ?? (output ? formatOfFile(output) : undefined) ?? config.format ?? 'stylish';
  const failOn: Verdict = flags.failOn ?? config.failOn ?? 'withhold';
  if (format === 'html' && !output) throw new UsageError('the html report holds record text and is written only to a file: add -o report.html');
  if (flags.resume && !output) throw new UsageError('--resume needs -o FILE.jsonl (the output file is the journal of the run)');
  if (flags.resume && format !== 'jsonl') throw new UsageError(`--resume works with --format jsonl only (the journal), not ${format}`);
  if (flags.resume && flags.decisions)
    throw new UsageError('--decisions cannot be combined with --resume: documents already recorded are not read again, so their decisions could not be checked; run the scan with --resume first, then scan again with --decisions (or without -o)');
  const decisions = flags.decisions !== undefined ? loadDecisions(resolve(io.cwd, flags.decisions), flags.decisions) : undefined;
  if (output && !flags.resume && !flags.force && holdsResults(resolve(io.cwd, output)))
    throw new UsageError(`${output} already holds the results of a run: add --resume to finish or update it, or --force to start again`);

  const opts = batchOptions(flags, config, io.cwd);

  // The output is opened before any work: an unwritable path fails here, with nothing lost.
  let file: FileSink | undefined;
  if (output) {
    try {
      file = openFileSink(resolve(io.cwd, output));
    } catch (err) {
      throw new UsageError((err as Error).message);
    }
  }
  let resume: ResumeState = emptyResume();
  try {
    if (flags.resume && file) resume = await readJournal(file.path);
    const controller = new AbortController();
    opts.signal = controller.signal;
    const exclude = output ? [{ path: resolve(io.cwd, output), reason: 'the output file of this run' }] : [];
    if (decisions && flags.decisions) exclude.push({ path: resolve(io.cwd, flags.decisions), reason: 'the decisions file of this run' });
    // A .json file is read as FHIR: the run's own config file is not a document.
    if (configFile) exclude.push({ path: configFile, reason: 'the config file of this run' });
    // With decisions, rows are rendered here, after each document's decision is applied (FHIR
    // output is put together in the workers, file by file).
    const job = await prepareJob(patterns, opts, { resume, exclude, returnText: format === 'html' ? 'review' : format === 'sarif' ? 'findings' : undefined, render: decisions && format !== 'fhir' ? undefined : RENDERED[format] });
    return await execute(job, controller, io, { format, failOn, file, resume, t0, output, decisions });
  } catch (err) {
    file?.discard();
    throw err;
  }
}

async function execute(
  job: Awaited<ReturnType<typeof prepareJob>>,
  controller: AbortController,
  io: CliIo,
  o: { format: OutputFormat; failOn: Verdict; file?: FileSink; resume: ResumeState; t0: number; output?: string; decisions?: Decisions },
): Promise<number> {
  const log = say(io);
  const progress = new Progress(io.stderr as NodeJS.WriteStream, job.paths.length);
  for (const s of job.skipped) log.err(`skipped ${printable(s.path)}: ${s.reason}`);
  for (const w of job.warnings) log.err(`warning: ${printable(w)}`);
  if (job.matchedFiles === 0) {
    // Every input was skipped: "0 documents, exit 0" would read as a clean run.
    throw new UsageError(`no file to scan: every input was skipped (${job.skipped.length} file${job.skipped.length === 1 ? '' : 's'} of types that are not read, or the run's own files)`);
  }
  if (o.resume.repairedBytes) log.err(`resume: cut a half-written last line (${o.resume.repairedBytes} bytes) from ${o.output}`);
  if (o.resume.recorded.size) log.err(`resume: ${o.resume.tally.documents} documents from ${o.resume.recorded.size} files already recorded in ${o.output}; files that changed since, or were recorded with other settings or lexicons, are scanned again`);

  let interrupted: NodeJS.Signals | undefined;
  const onSignal = (sig: NodeJS.Signals) => {
    if (interrupted) {
      // A second signal: stop now. Every line written so far is whole, and --resume repairs a half one.
      o.file?.flush();
      process.exit(sig === 'SIGINT' ? EXIT.sigint : EXIT.sigterm);
    }
    interrupted = sig;
    progress.clear();
    log.err(`safeguard-scan: ${sig}: finishing the documents in progress (for up to 5 s), then stopping (again to stop at once)`);
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  const std: StreamSink | undefined = o.file ? undefined : streamSink(io.stdout);
  const sink: Sink = o.file ?? std!;
  const resumed = o.resume.recorded.size > 0;
  o.file?.begin(resumed ? 'append' : 'truncate');
  const summaryInStylish = !!o.file || !io.stdout.isTTY;
  const writer = makeWriter(o.format, sink, { summaryInStylish, lexiconVersion: () => job.lexiconVersion ?? '', decisionColumn: !!o.decisions });
  const matched = new Set<string>();
  const run = new Tally();
  let total = new Tally();
  let warnedVersion = false;
  try {
    for await (const e of job.run()) {
      if (!warnedVersion && job.lexiconVersion && o.resume.lexiconVersions.size && [...o.resume.lexiconVersions].some((v) => v !== job.lexiconVersion)) {
        warnedVersion = true;
        progress.clear();
        log.err(`resume: ${o.output} holds results of other lexicons (${[...o.resume.lexiconVersions].filter((v) => v !== job.lexiconVersion).join(', ')}); those documents are scanned again with ${job.lexiconVersion}`);
      }
      if (o.decisions && e.doc) {
        const s = decisionFor(e.doc, o.decisions);
        if (s.state !== 'none') matched.add(documentKey(e.doc.path, e.doc.record));
        e.doc = applyDecision(e.doc, s);
        if (e.doc.decision !== undefined) e.meta = { ...e.meta, decision: e.doc.decision };
        if (s.state !== 'none') e.decided = s;
      }
      writer.doc(e);
      run.add(e.meta);
      if (!resumed) total.add(e.meta);
      progress.update(job.state.filesDone, run.documents);
    }
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    progress.clear();
  }
  if (o.decisions && !interrupted) {
    const unmatched = [...o.decisions.values()].filter((d) => !matched.has(documentKey(d.path, d.record ?? undefined)));
    if (unmatched.length)
      log.err(`warning: ${unmatched.length} of ${o.decisions.size} recorded decisions match no document of this run (paths are as the report showed them, relative to where it was scanned), e.g. ${unmatched.slice(0, 3).map((d) => JSON.stringify(printable(d.path))).join(', ')}`);
  }
  const seconds = (performance.now() - o.t0) / 1000;
  const makeSummary = () =>
    formatSummary({
      total,
      run,
      files: job.matchedFiles,
      skipped: job.skipped.length,
      resumed: o.resume.tally.documents,
      seconds,
      interrupted,
      peakRssMb: process.resourceUsage().maxRSS / 1024,
      cpuSeconds: (process.cpuUsage().user + process.cpuUsage().system) / 1e6,
    });
  // An interrupted run leaves a jsonl journal to resume; whole-run formats would be incomplete, so they are not finished.
  if (!interrupted || o.format === 'jsonl' || o.format === 'stylish' || o.format === 'csv') writer.end(resumed ? '' : makeSummary());
  sink.flush();
  o.file?.close();
  std?.close();
  if (resumed && o.file) {
    // Files scanned again supersede their older lines: the journal is left as a fresh run writes it.
    if (run.documents > 0 && !interrupted) await compactJournal(o.file.path);
    total = await tallyJournal(o.file.path);
  }
  const summary = makeSummary();
  log.err(summary);
  // A write to a file on stdout that fails (a full disk) may report its error on the next turn.
  if (std) await new Promise((r) => setImmediate(r));
  const failed = std?.failure();
  if (failed) {
    log.err(`safeguard-scan: cannot write the results to standard output (${failed}); nothing after that point was written`);
    return EXIT.error;
  }
  if (interrupted) {
    if (o.output && o.format === 'jsonl') log.err(`safeguard-scan: stopped; run the same command with --resume to finish`);
    return interrupted === 'SIGINT' ? EXIT.sigint : EXIT.sigterm;
  }
  if (total.errors) return EXIT.error;
  return total.atLeast(o.failOn) ? EXIT.failOn : EXIT.ok;
}

export { BatchUsageError };
