/**
 * The queue commands: enqueue, worker, results, status. This module is imported by main.ts only
 * when one of them runs, and the queue folder loads pg and pg-boss only when it connects, so a
 * local `scan` never loads either.
 */
import { availableParallelism } from 'node:os';
import { extname, resolve } from 'node:path';
import { planInputs, resolveLexicons, type BatchOptions } from '../../batch/job.js';
import { openFileSink, streamSink, type FileSink, type Sink, type StreamSink } from '../../batch/output.js';
import type { RecordFieldOptions } from '../../batch/readers/types.js';
import { Tally } from '../../batch/tally.js';
import { loadLexicons } from '../../lexicon/load.js';
import { DocumentResultSchema, maxVerdict, type DocumentResult, type Verdict } from '../../model/index.js';
import { applyDecision, csvHeader, csvRow, decisionFor, documentReferenceFor, jsonlLine, type DecisionState, FHIR_COLLECTION_OPEN, fhirCollectionClose, fhirEntry, htmlReportChunks, labelsFor, printable } from '../../report/index.js';
import {
  attachTexts,
  connect,
  DEFAULT_QUEUE_SETTINGS,
  enqueuePlan,
  ensureQueues,
  ensureTables,
  exportRows,
  formatStatus,
  hasDecisionsTable,
  isConnectionLoss,
  loadStoredDecisions,
  maintenanceSeconds,
  pendingFiles,
  QueueConnectionError,
  QueueSchemaError,
  queueStatus,
  queueTimeout,
  requireTables,
  rescanAll,
  runQueueWorker,
  storeDecisions,
  type QueueDb,
  type QueueSettings,
} from '../../queue/index.js';
import { EXIT, say, UsageError, type CliIo } from '../io.js';

/**
 * A failure of the database that is not ours to explain further (a permission, the server going
 * away for good): one line, exit 2, never a query's data. Other errors pass through as they are.
 */
function dbFailure(db: QueueDb, err: unknown): unknown {
  if (err instanceof Error && /^Queue\w*Error$/.test(err.name)) return err;
  const fromServer = typeof (err as { severity?: unknown })?.severity === 'string';
  if (fromServer || isConnectionLoss(err)) return new QueueConnectionError(`the database ${db.shown} failed: ${db.describe(err)}`);
  return err;
}
import { batchOptions, loadConfigFor, loadDecisions } from './scan.js';

export interface EnqueueFlags extends RecordFieldOptions {
  db: string;
  rescan?: boolean;
  storeBytes?: boolean;
  lexicons?: string[];
  ignore?: string[];
  maxBytes?: number;
  patients?: string;
  ocr?: boolean;
  config?: string;
}

export interface WorkerFlags {
  db: string;
  concurrency?: number;
  lexicons?: string[];
  config?: string;
}

export interface ResultsFlags {
  db: string;
  /** decisions.jsonl to record in the database (every export applies what is recorded) */
  decisions?: string;
  format?: 'jsonl' | 'csv' | 'html' | 'fhir';
  output?: string;
  failOn?: Verdict;
  config?: string;
}

const RESULT_FORMATS = ['jsonl', 'csv', 'html', 'fhir'] as const;
const RESULT_EXT: Record<string, (typeof RESULT_FORMATS)[number]> = { '.jsonl': 'jsonl', '.ndjson': 'jsonl', '.csv': 'csv', '.html': 'html', '.htm': 'html' };
/** `x.fhir.json` is FHIR, as for scan. */
const resultFormatOf = (file: string): (typeof RESULT_FORMATS)[number] | undefined => (/\.fhir\.json$/i.test(file) ? 'fhir' : RESULT_EXT[extname(file).toLowerCase()]);

function settingsOf(config: { queue?: Partial<QueueSettings> }): QueueSettings {
  return { ...DEFAULT_QUEUE_SETTINGS, ...config.queue };
}

/** Messages about the database arrive while the command runs (a restart of the server): one line each, rate-limited. */
function backgroundLog(io: CliIo): (what: string) => void {
  let last = '';
  let at = 0;
  return (what) => {
    if (what === last && Date.now() - at < 10_000) return;
    last = what;
    at = Date.now();
    io.stderr.write(`safeguard-scan: ${printable(what)}\n`);
  };
}

export async function enqueueCommand(patterns: string[], flags: EnqueueFlags, io: CliIo): Promise<number> {
  const log = say(io);
  if (patterns.length === 0 && !flags.rescan) throw new UsageError('enqueue needs paths or globs (or --rescan alone, to queue every file without a result for the current lexicons)');
  const { config } = loadConfigFor(flags, io.cwd);
  const settings = settingsOf(config);
  // scan's reading options; only the reading is planned here, nothing is scanned, so no threads.
  const opts: BatchOptions = { ...batchOptions(flags, config, io.cwd), concurrency: 1 };
  // Everything that can be wrong with the inputs is found before the database is touched.
  const plan = patterns.length ? await planInputs(patterns, opts) : undefined;
  const lexiconFiles = plan ? plan.lexicons : resolveLexicons(io.cwd, opts.lexicons);
  const lexiconVersion = loadLexicons({ builtin: true, files: lexiconFiles ?? [] }).version;
  if (plan) {
    for (const s of plan.skipped) log.err(`skipped ${printable(s.path)}: ${s.reason}`);
    for (const w of plan.warnings) log.err(`warning: ${printable(w)}`);
    if (plan.matchedFiles === 0) throw new UsageError(`no file to enqueue: every input was skipped (${plan.skipped.length} file${plan.skipped.length === 1 ? '' : 's'} of types that are not read)`);
  }
  const db = await connect(flags.db, { boss: 'client', onBackgroundError: backgroundLog(io) });
  try {
    await ensureTables(db.pool);
    // The queue's settings follow the config of whoever fills it, when it says anything about them.
    await ensureQueues(db.boss!, settings, config.queue !== undefined);
    const note = (l: string) => log.err(`safeguard-scan: ${printable(l)}`);
    let unreadable = 0;
    if (plan) {
      const r = await enqueuePlan(db, plan, { storeBytes: !!flags.storeBytes, rescan: !!flags.rescan, lexiconVersion, settings, onNote: note });
      for (const u of r.unreadable) log.err(`cannot read ${printable(u.path)} (${u.code}): queued all the same; its result will be an error row`);
      if (r.otherSettings)
        log.err(
          `warning: ${r.otherSettings} file${r.otherSettings === 1 ? ' was' : 's were'} recorded before with other reading options or another patient; ` +
            `a file is recorded once for its path and bytes, so ${r.otherSettings === 1 ? 'it keeps' : 'they keep'} those and ${r.otherSettings === 1 ? 'its result stands' : 'their results stand'}`,
        );
      unreadable = r.unreadable.length;
      log.err(
        `enqueued ${r.queued} new file${r.queued === 1 ? '' : 's'} of ${r.files}; ${r.known} already recorded` +
          (flags.rescan ? `, ${r.requeued} of them queued again (no result for lexicons ${lexiconVersion})` : '') +
          (flags.storeBytes ? '; bytes kept in the database' : ''),
      );
    } else {
      const n = await rescanAll(db, { lexiconVersion, settings, onNote: note });
      log.err(`queued ${n} file${n === 1 ? '' : 's'} again: no result for lexicons ${lexiconVersion}`);
    }
    return unreadable ? EXIT.error : EXIT.ok;
  } catch (err) {
    throw dbFailure(db, err);
  } finally {
    await db.close();
  }
}

export async function workerCommand(flags: WorkerFlags, io: CliIo): Promise<number> {
  const log = say(io);
  const { config } = loadConfigFor(flags, io.cwd);
  const lexicons = resolveLexicons(io.cwd, [...(config.lexicons ?? []), ...(flags.lexicons ?? [])]);
  const concurrency = flags.concurrency ?? config.concurrency ?? availableParallelism();
  const settings = settingsOf(config);
  const db = await connect(flags.db, { boss: 'worker', maintenanceSeconds: maintenanceSeconds(settings.jobTimeoutSeconds), onBackgroundError: backgroundLog(io), poolSize: 4 });
  const controller = new AbortController();
  let stoppedBy: NodeJS.Signals | undefined;
  const onSignal = (sig: NodeJS.Signals) => {
    if (stoppedBy) {
      // A second signal: stop now. Jobs in progress are not lost: past the time limit they are tried again.
      process.exit(sig === 'SIGINT' ? EXIT.sigint : EXIT.sigterm);
    }
    stoppedBy = sig;
    log.err(`safeguard-scan: ${sig}: finishing the files in progress, then stopping (again to stop at once)`);
    controller.abort();
  };
  // pg-boss's own timers may reject while the server restarts; that must not end a worker.
  const onRejection = (err: unknown) => backgroundLog(io)(`background database call failed: ${db.describe(err)}`);
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  process.on('unhandledRejection', onRejection);
  try {
    await ensureTables(db.pool);
    await ensureQueues(db.boss!, settings, false);
    const jobTimeoutSeconds = await queueTimeout(db.boss!);
    const r = await runQueueWorker(db, { concurrency, lexicons, thresholds: config.thresholds, jobTimeoutSeconds, signal: controller.signal, log: (l) => log.err(`safeguard-scan: ${printable(l)}`) });
    log.err(`safeguard-scan: worker stopped: ${r.files} files (${r.documents} documents) scanned and committed`);
  } catch (err) {
    throw dbFailure(db, err);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await db.close();
    process.off('unhandledRejection', onRejection);
  }
  return stoppedBy === 'SIGINT' ? EXIT.sigint : EXIT.sigterm;
}

async function openOutput(flags: ResultsFlags, io: CliIo): Promise<{ sink: Sink; file?: FileSink; std?: StreamSink }> {
  if (!flags.output) {
    const std = streamSink(io.stdout);
    return { sink: std, std };
  }
  try {
    const file = openFileSink(resolve(io.cwd, flags.output));
    file.begin('truncate');
    return { sink: file, file };
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

/** A result row crosses from the database: checked before it is written anywhere. */
function resultOf(line: string): DocumentResult {
  let raw: unknown;
  try {
    raw = JSON.parse(line);
  } catch {
    raw = undefined;
  }
  const parsed = DocumentResultSchema.safeParse(raw);
  if (!parsed.success) throw new QueueSchemaError('a result row in the database is not a result (was the table changed by hand?)');
  return raw as DocumentResult;
}

export async function resultsCommand(flags: ResultsFlags, io: CliIo): Promise<number> {
  const log = say(io);
  const { config } = loadConfigFor(flags, io.cwd);
  const ext = flags.output ? extname(flags.output).toLowerCase() : '';
  if (flags.output && !flags.format && !resultFormatOf(flags.output))
    throw new UsageError(`cannot tell the format of ${flags.output} from its extension${ext ? ` ${ext}` : ''}: add --format (${RESULT_FORMATS.join(', ')})`);
  const format = flags.format ?? (flags.output ? resultFormatOf(flags.output) : undefined) ?? 'jsonl';
  if (format === 'html' && !flags.output) throw new UsageError('the html report holds record text and is written only to a file: add -o report.html');
  const failOn: Verdict = flags.failOn ?? config.failOn ?? 'withhold';
  // Read and checked whole before anything is written: a problem names the file, line and field.
  const given = flags.decisions !== undefined ? loadDecisions(resolve(io.cwd, flags.decisions), flags.decisions) : undefined;
  const db: QueueDb = await connect(flags.db, { onBackgroundError: backgroundLog(io) });
  try {
    await requireTables(db.pool, db.shown);
    if (given) {
      await ensureTables(db.pool);
      const n = await storeDecisions(db.pool, given);
      log.err(`recorded ${n} of ${given.size} decisions in ${db.shown} (a decision older than the one recorded for its document is left out)`);
    }
    const decisions = (await hasDecisionsTable(db.pool)) ? await loadStoredDecisions(db.pool) : new Map();
    /** A row with its recorded decision applied (as scan --decisions does), and its jsonl line. */
    const decide = (r: { line: string }, doc: DocumentResult): { doc: DocumentResult; line: string; decided?: DecisionState } => {
      if (decisions.size === 0) return { doc, line: r.line };
      const st = decisionFor(doc, decisions);
      if (st.state === 'none') return { doc, line: r.line };
      const d = applyDecision(doc, st);
      return { doc: d, line: jsonlLine(d).replace(/\n$/, ''), decided: st };
    };
    const out = await openOutput(flags, io);
    const tally = new Tally();
    const files = new Set<string>();
    try {
      if (format === 'html') {
        const docs: { doc: DocumentResult & { text?: string }; source: string }[] = [];
        for await (const r of exportRows(db.pool)) {
          const { doc, decided } = decide(r, resultOf(r.line));
          docs.push({ doc: decided ? { ...doc, decided } as DocumentResult : doc, source: r.source });
          tally.add(doc);
          files.add(r.source);
        }
        const missing = await attachTexts(db.pool, docs);
        if (missing) log.err(`warning: the text of ${missing} document${missing === 1 ? '' : 's'} at or above review could not be read again (the file moved or changed): shown without it`);
        for (const c of htmlReportChunks(docs.map((d) => d.doc), {})) out.sink.write(c);
      } else if (format === 'fhir') {
        // One labelled DocumentReference per document (the database keeps no record text, so
        // none is put in), in a collection Bundle labelled with the strictest of them, as
        // `scan --format fhir` writes documents that were not FHIR resources.
        let first = true;
        let worst: Verdict = 'visible';
        out.sink.write(FHIR_COLLECTION_OPEN);
        for await (const r of exportRows(db.pool)) {
          const { doc } = decide(r, resultOf(r.line));
          out.sink.write(fhirEntry(JSON.stringify(documentReferenceFor(doc)), first));
          first = false;
          worst = maxVerdict(worst, doc.verdict);
          tally.add(doc);
          files.add(r.source);
        }
        const labels = labelsFor([{ verdict: worst, findings: [] }]);
        out.sink.write(fhirCollectionClose(labels.security.length || labels.tag.length ? { security: labels.security, tag: labels.tag } : undefined, !first));
      } else {
        if (format === 'csv') out.sink.write(csvHeader());
        for await (const r of exportRows(db.pool)) {
          const { doc, line } = decide(r, resultOf(r.line));
          // jsonl: the line as the worker stored it, which is the line a local scan writes
          // (with a recorded decision, the line scan --decisions writes).
          out.sink.write(format === 'jsonl' ? line + '\n' : csvRow(doc));
          tally.add(doc);
          files.add(r.source);
        }
      }
      out.sink.flush();
    } finally {
      out.file?.close();
      out.std?.close();
    }
    const pending = await pendingFiles(db.pool);
    log.err(
      `${tally.documents} documents from ${files.size} files; ${tally.verdicts.withhold} withhold, ${tally.verdicts.review} review, ${tally.verdicts.visible} visible` +
        `${tally.errors ? `, ${tally.errors} with errors` : ''}` +
        (pending ? `\n  ${pending} file${pending === 1 ? ' is' : 's are'} not done yet (queued or in progress): not in this export` : ''),
    );
    if (out.std) await new Promise((r) => setImmediate(r));
    const failed = out.std?.failure();
    if (failed) {
      log.err(`safeguard-scan: cannot write the results to standard output (${failed})`);
      return EXIT.error;
    }
    if (tally.errors) return EXIT.error;
    return tally.atLeast(failOn) ? EXIT.failOn : EXIT.ok;
  } catch (err) {
    throw dbFailure(db, err);
  } finally {
    await db.close();
  }
}

export async function statusCommand(flags: { db: string }, io: CliIo): Promise<number> {
  const db = await connect(flags.db, { onBackgroundError: backgroundLog(io) });
  try {
    await requireTables(db.pool, db.shown);
    io.stdout.write(formatStatus(await queueStatus(db.pool)));
    return EXIT.ok;
  } catch (err) {
    throw dbFailure(db, err);
  } finally {
    await db.close();
  }
}
