import type { RecordFieldOptions } from '../batch/readers/types.js';
import { readFileSync } from 'node:fs';
import { extname, resolve } from 'node:path';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { BatchUsageError, prepareJob, type BatchOptions } from '../batch/job.js';
import { emptyResume, JournalError, readJournal, type ResumeState } from '../batch/journal.js';
import { ManifestError } from '../batch/manifest.js';
import { openFileSink, OutputError, stdoutSink, type FileSink, type Sink } from '../batch/output.js';
import { PoolError } from '../batch/pool.js';
import { Progress } from '../batch/progress.js';
import type { Emitted } from '../batch/run.js';
import { formatSummary, Tally } from '../batch/tally.js';
import { ConfigError, findConfig, loadConfig, OUTPUT_FORMATS, type Config, type OutputFormat } from '../config.js';
import { LexiconError } from '../lexicon/errors.js';
import { verdictAtLeast, type DocumentResult, type Verdict } from '../model/index.js';
import { csvHeader, htmlReportChunks, JSON_OPEN, jsonClose, jsonItem, jsonlLine, sarifChunks, stylishDetail, withoutText, type ReportDocument } from '../report/index.js';
import { createScanner } from '../scanner/index.js';
import { toolVersion } from '../version.js';
import type { RenderFormat } from '../batch/worker.js';
import { lexiconLint, lexiconStats, lexiconTest, type Io } from './lexicon-commands.js';

/** Thrown for bad usage or unreadable input: exit code 2 with a one-line message. */
class UsageError extends Error {}

/**
 * Exit codes (DESIGN.md): 0 done, nothing at or above --fail-on; 1 documents at or above it;
 * 2 bad usage, bad lexicon or config, or inputs that could not be read (2 wins over 1; a resumed
 * run answers for the whole job). A run stopped by SIGINT exits 130, by SIGTERM 143 (128 + the
 * signal number, as shells do), after flushing every finished document.
 */
export const EXIT = { ok: 0, failOn: 1, error: 2, sigint: 130, sigterm: 143 } as const;

const io: Io = { out: (s) => process.stdout.write(s + '\n'), err: (s) => process.stderr.write(s + '\n') };

function collect(v: string, prev: string[] = []) {
  return [...prev, v];
}

function positiveInt(name: string) {
  return (v: string) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`${name} must be a positive whole number`);
    return n;
  };
}

/** --max-bytes 5000000, 500k, 10M, 1G */
function byteSize(v: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*([kmg]i?b?|b)?$/i.exec(v.trim());
  if (!m) throw new InvalidArgumentError('give a number of bytes, e.g. 10M');
  const unit = (m[2] ?? '').toLowerCase()[0];
  const mult = unit === 'k' ? 1024 : unit === 'm' ? 1024 ** 2 : unit === 'g' ? 1024 ** 3 : 1;
  const n = Math.floor(Number(m[1]) * mult);
  if (n < 1) throw new InvalidArgumentError('must be at least 1 byte');
  return n;
}

const FORMAT_OF_EXT: Record<string, OutputFormat> = { '.jsonl': 'jsonl', '.ndjson': 'jsonl', '.json': 'json', '.csv': 'csv', '.sarif': 'sarif', '.html': 'html', '.htm': 'html' };

interface ScanFlags extends RecordFieldOptions {
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
}

/** A format written as documents arrive; csv too. sarif and html need the whole run (they hold its results in memory). */
interface Writer {
  doc(e: Emitted): void;
  end(summaryText: string): void;
}

/** Formats rendered in the workers: the main thread only writes their text. */
const RENDERED: Partial<Record<OutputFormat, RenderFormat>> = { jsonl: 'jsonl', json: 'json', stylish: 'stylish', csv: 'csv' };

function makeWriter(format: OutputFormat, sink: Sink, opts: { summaryInStylish: boolean; lexiconVersion: () => string }): Writer {
  switch (format) {
    case 'jsonl':
      return { doc: (e) => sink.write(e.out!), end: () => undefined };
    case 'json': {
      let first = true;
      sink.write(JSON_OPEN);
      return {
        doc: (e) => {
          sink.write(jsonItem(e.out!, first));
          first = false;
        },
        end: () => sink.write(jsonClose(!first)),
      };
    }
    case 'csv':
      sink.write(csvHeader());
      return { doc: (e) => sink.write(e.out!), end: () => undefined };
    case 'sarif':
    case 'html': {
      const docs: ReportDocument[] = [];
      return {
        doc: (e) => docs.push(e.text !== undefined ? { ...e.doc!, text: e.text } : e.doc!),
        end: () => {
          const chunks =
            format === 'sarif'
              ? sarifChunks(docs, { toolVersion: toolVersion(), lexiconVersion: opts.lexiconVersion() })
              : htmlReportChunks(docs, {});
          for (const c of chunks) sink.write(c);
        },
      };
    }
    default:
      return {
        doc: (e) => sink.write(e.out!),
        end: (s) => {
          if (opts.summaryInStylish) sink.write('\n' + s + '\n');
        },
      };
  }
}

function loadConfigFor(flags: ScanFlags): { config: Config; file?: string } {
  const file = flags.config ? resolve(flags.config) : findConfig(process.cwd());
  if (!file) return { config: {} };
  return { config: loadConfig(file), file };
}

async function scanCommand(patterns: string[], flags: ScanFlags): Promise<number> {
  const t0 = performance.now();
  const { config } = loadConfigFor(flags);
  // Flags override the config; list options (lexicons, ignore) add to it.
  const output = flags.output;
  const format: OutputFormat = flags.format ?? (output ? FORMAT_OF_EXT[extname(output).toLowerCase()] : undefined) ?? config.format ?? 'stylish';
  const failOn: Verdict = flags.failOn ?? config.failOn ?? 'withhold';
  const includeText = !!flags.includeText;
  if (format === 'html' && !output) throw new UsageError('the html report holds record text and is written only to a file: add -o report.html');
  if (flags.resume && !output) throw new UsageError('--resume needs -o FILE.jsonl (the output file is the journal of the run)');
  if (flags.resume && format !== 'jsonl') throw new UsageError(`--resume works with --format jsonl only (the journal), not ${format}`);

  const opts: BatchOptions = {
    cwd: process.cwd(),
    ignore: [...(config.ignore ?? []), ...(flags.ignore ?? [])],
    lexicons: [...(config.lexicons ?? []), ...(flags.lexicons ?? [])],
    thresholds: config.thresholds,
    includeText,
    concurrency: flags.concurrency ?? config.concurrency,
    maxBytes: flags.maxBytes ?? config.maxBytes,
    textColumn: flags.textColumn ?? config.textColumn,
    idColumn: flags.idColumn ?? config.idColumn,
    patientNameColumn: flags.patientNameColumn ?? config.patientNameColumn,
    nhsNumberColumn: flags.nhsNumberColumn ?? config.nhsNumberColumn,
    textField: flags.textField ?? config.textField,
    idField: flags.idField ?? config.idField,
    patients: flags.patients ?? config.patients,
  };

  // The output is opened before any work: an unwritable path fails here, with nothing lost.
  let file: FileSink | undefined;
  if (output) {
    try {
      file = openFileSink(resolve(output));
    } catch (err) {
      throw new UsageError((err as Error).message);
    }
  }
  let resume: ResumeState = emptyResume();
  let job: Awaited<ReturnType<typeof prepareJob>>;
  try {
    if (flags.resume && file) resume = await readJournal(file.path);
    const controller = new AbortController();
    opts.signal = controller.signal;
    job = await prepareJob(patterns, opts, { resume, returnText: format === 'html' ? 'review' : format === 'sarif' ? 'findings' : undefined, render: RENDERED[format] });
    return await execute(job, controller, { format, failOn, includeText, file, resume, t0, output });
  } catch (err) {
    file?.discard();
    throw err;
  }
}

async function execute(
  job: Awaited<ReturnType<typeof prepareJob>>,
  controller: AbortController,
  o: { format: OutputFormat; failOn: Verdict; includeText: boolean; file?: FileSink; resume: ResumeState; t0: number; output?: string },
): Promise<number> {
  const progress = new Progress(process.stderr, job.paths.length);
  for (const s of job.skipped) io.err(`skipped ${s.path}: ${s.reason}`);
  if (o.resume.repairedBytes) io.err(`resume: cut a half-written last line (${o.resume.repairedBytes} bytes) from ${o.output}`);
  if (o.resume.doneKeys.size) io.err(`resume: ${o.resume.doneKeys.size} documents already recorded in ${o.output}`);

  let interrupted: NodeJS.Signals | undefined;
  const onSignal = (sig: NodeJS.Signals) => {
    if (interrupted) {
      // A second signal: stop now. Every line written so far is whole, and --resume repairs a half one.
      o.file?.flush();
      process.exit(sig === 'SIGINT' ? EXIT.sigint : EXIT.sigterm);
    }
    interrupted = sig;
    progress.clear();
    io.err(`safeguard-scan: ${sig}: finishing the documents in progress, then stopping (again to stop at once)`);
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  const sink: Sink = o.file ?? stdoutSink();
  o.file?.begin(o.resume.doneKeys.size ? 'append' : 'truncate');
  const summaryInStylish = !!o.file || !process.stdout.isTTY;
  const writer = makeWriter(o.format, sink, { summaryInStylish, lexiconVersion: () => job.lexiconVersion ?? '' });
  const run = new Tally();
  const total = new Tally();
  total.merge(o.resume.tally);
  let warnedVersion = false;
  try {
    for await (const e of job.run()) {
      if (!warnedVersion && job.lexiconVersion && o.resume.lexiconVersions.size && !o.resume.lexiconVersions.has(job.lexiconVersion)) {
        warnedVersion = true;
        progress.clear();
        io.err(`warning: ${o.output} holds results of other lexicons (${[...o.resume.lexiconVersions].join(', ')}); this run uses ${job.lexiconVersion}`);
      }
      writer.doc(e);
      run.add(e.meta);
      total.add(e.meta);
      progress.update(job.state.filesDone, run.documents);
    }
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    progress.clear();
  }
  const seconds = (performance.now() - o.t0) / 1000;
  const summary = formatSummary({
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
  if (!interrupted || o.format === 'jsonl' || o.format === 'stylish' || o.format === 'csv') writer.end(summary);
  sink.flush();
  o.file?.close();
  io.err(summary);
  if (interrupted) {
    if (o.output && o.format === 'jsonl') io.err(`safeguard-scan: stopped; run the same command with --resume to finish`);
    return interrupted === 'SIGINT' ? EXIT.sigint : EXIT.sigterm;
  }
  if (total.errors) return EXIT.error;
  return total.atLeast(o.failOn) ? EXIT.failOn : EXIT.ok;
}

export function buildProgram(): Command {
  const program = new Command('safeguard-scan')
    .description('Decide which GP record entries and letters may be shown to patients online')
    .version(toolVersion())
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });

  const failOnOpt = () => new Option('--fail-on <verdict>', 'exit 1 when a document is at or above this (default withhold)').choices(['review', 'withhold']);

  program
    .command('scan')
    .description('scan files, directories or globs (a backlog: worker threads, resumable)')
    .argument('<paths...>', 'files, directories or globs')
    .addOption(new Option('-f, --format <format>', 'output format (default stylish, or from the -o extension)').choices([...OUTPUT_FORMATS]))
    .option('-o, --output <file>', 'write results to a file instead of stdout (html: required)')
    .addOption(failOnOpt())
    .option('--include-text', 'put matched record text in the findings (patient data)')
    .option('--lexicons <glob>', 'extra lexicon files (repeatable)', collect)
    .option('--ignore <glob>', 'glob of files to leave out (repeatable)', collect)
    .option('--concurrency <n>', 'worker threads (default: the number of cores)', positiveInt('--concurrency'))
    .option('--resume', 'with -o FILE.jsonl: skip documents already in FILE and append the rest')
    .option('--max-bytes <size>', 'files larger than this are recorded as errors (default 10M)', byteSize)
    .option('--text-column <name>', 'csv: the column holding the text')
    .option('--id-column <name>', 'csv: the column holding the record id')
    .option('--patient-name-column <name>', "csv: the column holding the patient's name")
    .option('--nhs-number-column <name>', "csv: the column holding the patient's NHS number")
    .option('--text-field <name>', 'jsonl: the field holding the text')
    .option('--id-field <name>', 'jsonl: the field holding the record id')
    .option('--patients <file.csv>', 'patient manifest: path,name,nhsNumber,dateOfBirth')
    .option('--config <file>', `config file (default: ${'safeguard-scan.config.json'} from here upward)`)
    .action(async (paths: string[], o: ScanFlags) => {
      process.exitCode = await scanCommand(paths, o);
    });

  program
    .command('check')
    .description('scan one text given as an argument, or stdin')
    .argument('[text]', 'the text (stdin when absent)')
    .addOption(new Option('-f, --format <format>', 'output format').choices(['stylish', 'json', 'jsonl']).default('stylish'))
    .addOption(failOnOpt())
    .option('--include-text', 'put matched record text in the output (patient data)')
    .option('--lexicons <glob>', 'extra lexicon files (repeatable)', collect)
    .option('--patient-name <name>', "the patient's name, so it is not reported as a third party")
    .option('--config <file>', 'config file (lexicons, thresholds, failOn)')
    .action((text: string | undefined, o) => {
      const cfgFile = o.config ? resolve(o.config) : findConfig(process.cwd());
      const config: Config = cfgFile ? loadConfig(cfgFile) : {};
      const input = text ?? readFileSync(0, 'utf8');
      const lexicons = [...(config.lexicons ?? []), ...(o.lexicons ?? [])];
      const scanner = createScanner({ lexicons: lexicons.length ? lexicons : undefined, includeText: !!o.includeText, thresholds: config.thresholds });
      const r = scanner.scan(input, { patient: o.patientName ? { name: o.patientName } : undefined });
      const doc: DocumentResult = {
        path: text === undefined ? '<stdin>' : '<argument>',
        sha256: '',
        bytes: Buffer.byteLength(input),
        verdict: r.verdict,
        score: r.score,
        categories: r.categories,
        reasons: r.reasons,
        findings: r.findings,
        lexiconVersion: r.lexiconVersion,
        version: toolVersion(),
        ...(r.error ? { error: r.error } : {}),
      };
      const clean = o.includeText ? doc : withoutText(doc);
      if (o.format === 'json') process.stdout.write(JSON.stringify([clean], null, 2) + '\n');
      else if (o.format === 'jsonl') process.stdout.write(jsonlLine(clean));
      else process.stdout.write(stylishDetail(clean));
      const failOn = (o.failOn ?? config.failOn ?? 'withhold') as Verdict;
      process.exitCode = r.error ? EXIT.error : verdictAtLeast(r.verdict, failOn) ? EXIT.failOn : EXIT.ok;
    });

  const lexicon = program.command('lexicon').description('test, lint and count lexicon entries');
  lexicon
    .command('test')
    .description("run every entry's examples (built-in, or the given files with the built-ins)")
    .argument('[globs...]', 'lexicon files')
    .action((globs: string[]) => {
      process.exitCode = lexiconTest(globs, io);
    });
  lexicon
    .command('lint')
    .description('duplicate terms, entries without examples, unsafe patterns')
    .argument('[globs...]', 'lexicon files')
    .action((globs: string[]) => {
      process.exitCode = lexiconLint(globs, io);
    });
  lexicon
    .command('stats')
    .description('entries and terms per category')
    .argument('[globs...]', 'lexicon files')
    .action((globs: string[]) => {
      process.exitCode = lexiconStats(globs, io);
    });
  return program;
}

const EXPECTED = [LexiconError, UsageError, BatchUsageError, ConfigError, ManifestError, JournalError, OutputError, PoolError];

export async function main(argv = process.argv): Promise<number> {
  try {
    await buildProgram().parseAsync(argv);
    return Number(process.exitCode ?? 0);
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version exit 0; usage errors exit 2 (commander already printed why).
      return err.exitCode === 0 ? 0 : 2;
    }
    if (EXPECTED.some((E) => err instanceof E)) {
      io.err(`safeguard-scan: ${(err as Error).message}`);
      return 2;
    }
    // Unexpected: name the error, not its message (which could quote input).
    io.err(`safeguard-scan: internal error (${err instanceof Error ? err.name : typeof err})${process.env.SAFEGUARD_SCAN_DEBUG ? `\n${(err as Error)?.stack}` : ''}`);
    return 2;
  }
}

// Run directly in development (`npx tsx src/cli/main.ts ...`); the built bin is dist/cli.js.
if (process.argv[1] && /src[\\/]cli[\\/]main\.ts$/.test(process.argv[1])) {
  main().then((code) => {
    process.exitCode = code;
  });
}
