import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { BatchUsageError } from '../batch/job.js';
import { JournalError } from '../batch/journal.js';
import { ManifestError } from '../batch/manifest.js';
import { OutputError } from '../batch/output.js';
import { PoolError } from '../batch/pool.js';
import { ConfigError, OUTPUT_FORMATS } from '../config.js';
import { describeProblem, LexiconError } from '../lexicon/errors.js';
import { InputFileError, printable } from '../report/index.js';
import { toolVersion } from '../version.js';
import { calibrateCommand, type CalibrateFlags } from './commands/calibrate.js';
import { checkCommand } from './commands/check.js';
import { impactCommand, type ImpactFlags } from './commands/impact.js';
import { lexiconLint, lexiconStats, lexiconTest } from './commands/lexicon.js';
import { redactCommand, type RedactFlags } from './commands/redact.js';
import { scanCommand, type ScanFlags } from './commands/scan.js';
import { serveCommand, type ServeFlags } from './commands/serve.js';
import { EXIT, processIo, say, UsageError, type CliIo } from './io.js';

export { EXIT } from './io.js';

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

/** --timeout 30s, 500ms, 2m (a bare number is seconds) */
function duration(v: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*(ms|s|m)?$/i.exec(v.trim());
  if (!m) throw new InvalidArgumentError('give a time, e.g. 30s, 500ms or 2m');
  const unit = (m[2] ?? 's').toLowerCase();
  const ms = Math.round(Number(m[1]) * (unit === 'ms' ? 1 : unit === 'm' ? 60_000 : 1000));
  if (ms < 1) throw new InvalidArgumentError('must be at least 1 ms');
  return ms;
}

function port(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('give a port number from 0 to 65535');
  return n;
}

/**
 * The options of every command that reads files as scan reads them (scan, redact, impact,
 * enqueue): record columns and fields, the patient manifest, OCR and the config file.
 */
function readingOptions(cmd: Command): Command {
  return cmd
    .option('--text-column <name>', 'csv: the column holding the text')
    .option('--id-column <name>', 'csv: the column holding the record id')
    .option('--patient-name-column <name>', "csv: the column holding the patient's name")
    .option('--nhs-number-column <name>', "csv: the column holding the patient's NHS number")
    .option('--text-field <name>', 'jsonl: the field holding the text')
    .option('--id-field <name>', 'jsonl: the field holding the record id')
    .option('--patients <file.csv>', 'patient manifest: path,name,nhsNumber,dateOfBirth[,sex]')
    .option('--no-ocr', 'do not OCR scanned PDF pages and images (they are then errors to review)')
    .option('--config <file>', 'config file (default: safeguard-scan.config.json from here upward)');
}

/** The commands and their options only: each command's work is in commands/. */
export function buildProgram(io: CliIo, done: (code: number) => void): Command {
  const program = new Command('safeguard-scan')
    .description('Decide which GP record entries and letters may be shown to patients online')
    .version(toolVersion())
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) });

  const failOnOpt = () => new Option('--fail-on <verdict>', 'exit 1 when a document is at or above this (default withhold)').choices(['review', 'withhold']);

  readingOptions(
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
      .option('--resume', 'with -o FILE.jsonl: keep the results in FILE whose files, settings and lexicons are unchanged; scan the rest')
      .option('--force', 'overwrite an output file that already holds the results of a run')
      .option('--max-bytes <size>', 'files larger than this are recorded as errors (default 10M)', byteSize)
  )
    .option('--decisions <file>', 'recorded decisions (decisions.jsonl from the html report): decided documents are marked and leave the review queue and the exit code')
    .action(async (paths: string[], o: ScanFlags) => done(await scanCommand(paths, o, io)));

  readingOptions(
    program
      .command('redact')
      .description('write each document with its affirmed findings replaced by category labels, and a log of what was redacted (no text)')
      .argument('<paths...>', 'files, directories or globs')
      .requiredOption('--out-dir <dir>', 'where DIR/<path>.redacted.txt and DIR/<path>.redaction.json go')
      .option('--categories <list>', 'comma-separated: thirdParty, safeguarding, sensitive, harm (default thirdParty)')
      .addOption(new Option('--operator <operator>', 'replace: a label such as [third party] (default); redact: nothing in its place').choices(['replace', 'redact']))
      .option('--lexicons <glob>', 'extra lexicon files (repeatable)', collect)
      .option('--ignore <glob>', 'glob of files to leave out (repeatable)', collect)
      .option('--concurrency <n>', 'worker threads (default: the number of cores)', positiveInt('--concurrency'))
      .option('--max-bytes <size>', 'files larger than this are errors (default 10M)', byteSize)
  )
    .action(async (paths: string[], o: RedactFlags) => done(await redactCommand(paths, o, io)));

  program
    .command('check')
    .description('scan one document: a file, a text given as the argument, or stdin')
    .argument('[text]', 'a file to read, or the text itself (stdin when absent)')
    .addOption(new Option('-f, --format <format>', 'output format').choices(['stylish', 'json', 'jsonl']).default('stylish'))
    .addOption(failOnOpt())
    .option('--include-text', 'put matched record text in the output (patient data)')
    .option('--lexicons <glob>', 'extra lexicon files (repeatable)', collect)
    .option('--patient-name <name>', "the patient's name, so it is not reported as a third party")
    .option('--no-ocr', 'do not OCR a scanned PDF or an image (it is then an error to review)')
    .option('--config <file>', 'config file (lexicons, thresholds, failOn)')
    .action(async (text: string | undefined, o) => done(await checkCommand(text, o, io)));

  program
    .command('calibrate')
    .description("precision and recall of the review and withhold thresholds against clinicians' decisions, and the thresholds that would have kept every withheld document out of visible")
    .requiredOption('--results <file>', 'results of a scan (scan --format jsonl)')
    .requiredOption('--decisions <file>', 'decisions.jsonl exported from the html report')
    .option('--html <file>', 'also write the curves as a self-contained HTML page')
    .addOption(new Option('-f, --format <format>', 'output format').choices(['text', 'json']).default('text'))
    .option('--config <file>', 'config file (its thresholds are the current ones)')
    .action(async (o: CalibrateFlags) => done(await calibrateCommand(o, io)));

  readingOptions(
    program
      .command('impact')
      .description('what a lexicon change does: documents scanned with the current lexicons and with the candidates on top, a from -> to table, and each moved document with the rules that moved it')
      .argument('[paths...]', 'files, directories or globs (or --results FILE)')
      .requiredOption('--lexicons <glob>', 'the candidate lexicon files (repeatable), added on top of the built-in and config lexicons', collect)
      .option('--results <file>', 'compare with a recorded run (scan --format jsonl); its documents are scanned again with the candidates on top')
      .option('--allow-laxer', 'do not fail when a document becomes less strict (a reviewed, deliberate change)')
      .addOption(new Option('-f, --format <format>', 'output format').choices(['text', 'json']).default('text'))
      .option('--include-text', 'show the matched text of the rules that made a difference (patient data)')
      .option('--ignore <glob>', 'glob of files to leave out (repeatable)', collect)
      .option('--concurrency <n>', 'worker threads (default: the number of cores)', positiveInt('--concurrency'))
      .option('--max-bytes <size>', 'files larger than this are errors (default 10M)', byteSize)
  )
    .action(async (paths: string[], o: ImpactFlags) => done(await impactCommand(paths, o, io)));

  program
    .command('serve')
    .description('run the HTTP service (POST /scan, POST /fhir, POST /redact, GET /healthz, GET /openapi.json) until SIGTERM')
    .option('--host <host>', 'address to listen on (other than loopback only with --token-file)', '127.0.0.1')
    .option('--port <port>', 'port to listen on (0: any free port)', port, 8787)
    .option('--token-file <file>', 'file holding the bearer token every request but /healthz must carry')
    .option('--max-body <size>', 'largest request body, e.g. 10mb (default 10mb)', byteSize)
    .option('--timeout <time>', 'answer 504 after this long, e.g. 30s (default 30s)', duration)
    .option('--concurrency <n>', 'worker threads scanning (default 1)', positiveInt('--concurrency'))
    .option('--max-pending <n>', 'requests waiting or scanning at once before 503 (default 32 per worker)', positiveInt('--max-pending'))
    .option('--lexicons <glob>', 'extra lexicon files (repeatable)', collect)
    .option('--no-ocr', 'do not OCR scanned PDF attachments and images (they are then errors to review)')
    .option('--config <file>', 'config file (lexicons, thresholds, concurrency, ocr)')
    .action(async (o: ServeFlags) => done(await serveCommand(o, io)));
  registerQueueCommands(program, io, done, { collect, positiveInt, byteSize, failOnOpt });

  const lexicon = program.command('lexicon').description('test, lint and count lexicon entries');
  const lines = { ...say(io), cwd: io.cwd };
  lexicon
    .command('test')
    .description("run every entry's and rule's examples (built-in, or the given files with the built-ins), then POLICY.md's rows against the lexicons in force")
    .argument('[globs...]', 'lexicon files')
    .option('--allow-laxer', 'do not fail when a POLICY row comes out less strict (a reviewed, deliberate change)')
    .action((globs: string[], o: { allowLaxer?: boolean }) => done(lexiconTest(globs, lines, { allowLaxer: !!o.allowLaxer })));
  lexicon
    .command('lint')
    .description('duplicate terms, entries without examples, unsafe patterns, switched-off or weakened built-in entries')
    .argument('[globs...]', 'lexicon files')
    .action((globs: string[]) => done(lexiconLint(globs, lines)));
  lexicon
    .command('stats')
    .description('entries and terms per category')
    .argument('[globs...]', 'lexicon files')
    .action((globs: string[]) => done(lexiconStats(globs, lines)));
  return program;
}

const EXPECTED = [LexiconError, UsageError, BatchUsageError, ConfigError, ManifestError, JournalError, OutputError, PoolError, InputFileError];
/**
 * The queue commands (PostgreSQL + pg-boss). Their module is imported when one of them runs, not
 * before: a local scan must never load the database packages, nor need a server.
 */
function registerQueueCommands(
  program: Command,
  io: CliIo,
  done: (code: number) => void,
  h: { collect: typeof collect; positiveInt: typeof positiveInt; byteSize: typeof byteSize; failOnOpt: () => Option },
): void {
  const queue = () => import('./commands/queue.js');
  const db = () => new Option('--db <url>', 'the PostgreSQL database of the queue: postgres://user@host:5432/name (a password is better in PGPASSWORD or ~/.pgpass than in the URL)').makeOptionMandatory();
  readingOptions(
    program
      .command('enqueue')
      .description('record files in the queue, one job per file; the same file (path and bytes) is recorded once')
      .argument('[paths...]', 'files, directories or globs (optional with --rescan)')
      .addOption(db())
      .option('--rescan', 'also queue files already recorded that have no result for the current lexicons (alone: every such file)')
      .option('--store-bytes', "keep each file's bytes in the database, for workers without the shared filesystem")
      .option('--lexicons <glob>', 'extra lexicon files (repeatable): the lexicons whose results --rescan looks for', h.collect)
      .option('--ignore <glob>', 'glob of files to leave out (repeatable)', h.collect)
      .option('--max-bytes <size>', 'files larger than this are recorded as errors (default 10M)', h.byteSize)
  )
    .action(async (paths: string[], o) => done(await (await queue()).enqueueCommand(paths, o, io)));
  program
    .command('worker')
    .description('scan queued files until stopped (SIGTERM: finish the files in progress, then exit 143)')
    .addOption(db())
    .option('--concurrency <n>', 'scanning threads (default: the number of cores)', h.positiveInt('--concurrency'))
    .option('--lexicons <glob>', 'extra lexicon files (repeatable)', h.collect)
    .option('--config <file>', 'config file (lexicons, thresholds, concurrency, queue)')
    .action(async (o) => done(await (await queue()).workerCommand(o, io)));
  program
    .command('results')
    .description('export what is done, sorted as a local run is: jsonl (default), csv, the html report or FHIR; recorded decisions applied')
    .addOption(db())
    .addOption(new Option('-f, --format <format>', 'output format (default jsonl, or from the -o extension)').choices(['jsonl', 'csv', 'html', 'fhir']))
    .option('--decisions <file>', 'decisions.jsonl from the html report: recorded in the database; every export applies the recorded decisions')
    .option('-o, --output <file>', 'write to a file instead of stdout (html: required)')
    .addOption(h.failOnOpt())
    .option('--config <file>', 'config file (failOn)')
    .action(async (o) => done(await (await queue()).resultsCommand(o, io)));
  program
    .command('status')
    .description('files queued, active, done and failed, and throughput')
    .addOption(db())
    .action(async (o) => done(await (await queue()).statusCommand(o, io)));
}

/** Errors of the queue commands that mean bad usage or an unusable database (exit 2), known by name so that this file need not import them. */
const QUEUE_ERRORS = new Set(['QueueConnectionError', 'QueueUsageError', 'QueueSchemaError']);

/** Run the CLI with `argv` (node, script, args...) and return its exit code; never throws. */
export async function main(argv = process.argv, io: CliIo = processIo()): Promise<number> {
  let code: number = EXIT.ok;
  try {
    await buildProgram(io, (c) => (code = c)).parseAsync(argv);
    return code;
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version exit 0; usage errors exit 2 (commander already printed why).
      return err.exitCode === 0 ? 0 : 2;
    }
    if (EXPECTED.some((E) => err instanceof E) || (err instanceof Error && QUEUE_ERRORS.has(err.name))) {
      // One line per problem, each escaped: a file name cannot forge a line of its own.
      const lines = err instanceof LexiconError && err.problems.length > 1 ? [`${err.problems.length} problems in the lexicons:`, ...err.problems.map((p) => `  ${describeProblem(p)}`)] : [(err as Error).message];
      io.stderr.write(lines.map((l, i) => `${i === 0 ? 'safeguard-scan: ' : ''}${printable(l)}`).join('\n') + '\n');
      return EXIT.error;
    }
    // Unexpected: name the error, not its message (which could quote input).
    io.stderr.write(`safeguard-scan: internal error (${err instanceof Error ? err.name : typeof err})${process.env.SAFEGUARD_SCAN_DEBUG ? `\n${(err as Error)?.stack}` : ''}\n`);
    return EXIT.error;
  }
}

// Run directly in development (`npx tsx src/cli/main.ts ...`); the built bin is dist/cli.js.
if (process.argv[1] && /src[\\/]cli[\\/]main\.ts$/.test(process.argv[1])) {
  main().then((code) => {
    process.exitCode = code;
  });
}
