import { readFileSync, writeFileSync } from 'node:fs';
import { relative } from 'node:path';
import { Command, CommanderError, Option } from 'commander';
import { expandInputs } from '../batch/expand.js';
import { type DocumentResult } from '../batch/document.js';
const scanTextFile: any = undefined;
import { LexiconError } from '../lexicon/errors.js';
import { createScanner } from '../scanner.js';
import { verdictAtLeast } from '../score/verdict.js';
import type { Verdict } from '../schemas.js';
import { toolVersion } from '../version.js';
import { FORMATS, stylishLine, summary, withoutText, type Format } from './formats.js';
import { lexiconLint, lexiconStats, lexiconTest, type Io } from './lexicon-commands.js';

/** Thrown for bad usage or unreadable input: exit code 2 with a one-line message. */
class UsageError extends Error {}

const io: Io = { out: (s) => process.stdout.write(s + '\n'), err: (s) => process.stderr.write(s + '\n') };

function collect(v: string, prev: string[] = []) {
  return [...prev, v];
}

function makeScanner(o: { lexicons?: string[]; includeText?: boolean }) {
  return createScanner({ lexicons: o.lexicons, includeText: !!o.includeText });
}

function emit(docs: DocumentResult[], format: Format, includeText: boolean, outFile?: string) {
  const clean = docs.map((d) => withoutText(d, includeText));
  let body: string;
  if (format === 'json') body = JSON.stringify(clean, null, 2) + '\n';
  else if (format === 'jsonl') body = clean.map((d) => JSON.stringify(d)).join('\n') + (clean.length ? '\n' : '');
  else body = clean.map(stylishLine).join('\n') + (clean.length ? '\n\n' : '') + summary(clean) + '\n';
  if (outFile) writeFileSync(outFile, body);
  else process.stdout.write(body);
}

export function buildProgram(): Command {
  const program = new Command('safeguard-scan')
    .description('Decide which GP record entries and letters may be shown to patients online')
    .version(toolVersion())
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });

  const formatOpt = () => new Option('-f, --format <format>', 'output format').choices([...FORMATS]).default('stylish');
  const failOnOpt = () => new Option('--fail-on <verdict>', 'exit 1 when a document is at or above this').choices(['review', 'withhold']).default('withhold');

  program
    .command('scan')
    .description('scan files, directories or globs')
    .argument('<paths...>', 'files, directories or globs')
    .addOption(formatOpt())
    .option('-o, --output <file>', 'write results to a file instead of stdout')
    .addOption(failOnOpt())
    .option('--include-text', 'put matched record text in the output (patient data)')
    .option('--lexicons <glob>', 'extra lexicon files (repeatable)', collect)
    .option('--ignore <glob>', 'glob of files to leave out (repeatable)', collect)
    .action((paths: string[], o) => {
      const scanner = makeScanner(o);
      const ex = expandInputs(paths, { ignore: o.ignore });
      if (ex.unmatched.length) throw new UsageError(`no files match: ${ex.unmatched.join(', ')}`);
      for (const s of ex.skipped) io.err(`skipped ${relative(process.cwd(), s.path)}: ${s.reason}`);
      const docs = ex.files.map((f) => scanTextFile(f, relative(process.cwd(), f) || f, scanner, { includeText: o.includeText }));
      emit(docs, o.format, !!o.includeText, o.output);
      const anyError = docs.some((d) => d.error);
      const failOn = o.failOn as Verdict;
      process.exitCode = anyError ? 2 : docs.some((d) => verdictAtLeast(d.verdict, failOn)) ? 1 : 0;
    });

  program
    .command('check')
    .description('scan one text given as an argument, or stdin')
    .argument('[text]', 'the text (stdin when absent)')
    .addOption(formatOpt())
    .addOption(failOnOpt())
    .option('--include-text', 'put matched record text in the output (patient data)')
    .option('--lexicons <glob>', 'extra lexicon files (repeatable)', collect)
    .option('--patient-name <name>', "the patient's name, so it is not reported as a third party")
    .action((text: string | undefined, o) => {
      const input = text ?? readFileSync(0, 'utf8');
      const scanner = makeScanner(o);
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
      if (o.format === 'stylish') {
        const lines = [stylishLine(doc)];
        for (const f of doc.findings) {
          const m = f.modifiers;
          const mods = [m.negated && 'negated', m.uncertain && 'uncertain', m.hypothetical && 'hypothetical', m.historical && 'historical', m.experiencer !== 'patient' && m.experiencer]
            .filter(Boolean)
            .join(',');
          lines.push(`  ${String(f.start).padStart(5)}-${String(f.end).padEnd(5)} ${f.category.padEnd(12)} ${f.type.padEnd(26)} ${f.score.toFixed(2)} ${mods}${f.text !== undefined ? '  ' + JSON.stringify(f.text) : ''}`);
        }
        for (const r2 of doc.reasons) lines.push(`  - ${r2}`);
        process.stdout.write(lines.join('\n') + '\n');
      } else emit([doc], o.format, !!o.includeText);
      process.exitCode = r.error ? 2 : verdictAtLeast(r.verdict, o.failOn as Verdict) ? 1 : 0;
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

export async function main(argv = process.argv): Promise<number> {
  try {
    await buildProgram().parseAsync(argv);
    return Number(process.exitCode ?? 0);
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version exit 0; usage errors exit 2 (commander already printed why).
      return err.exitCode === 0 ? 0 : 2;
    }
    if (err instanceof LexiconError || err instanceof UsageError) {
      io.err(`safeguard-scan: ${err.message}`);
      return 2;
    }
    io.err(`safeguard-scan: ${(err as Error).message ?? String(err)}`);
    return 2;
  }
}

// Run directly in development (`npx tsx src/cli/main.ts ...`); the built bin is dist/cli.js.
if (process.argv[1] && /src[\\/]cli[\\/]main\.ts$/.test(process.argv[1])) {
  main().then((code) => {
    process.exitCode = code;
  });
}
