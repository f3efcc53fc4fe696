/**
 * The command-line face of the external scorers, called by scripts/eval.ts when one of
 * `--negex FILE`, `--physionet DIR` or `--codelists [DIR]` is given. Returns the exit code:
 * 0 done, 2 bad usage or unreadable input. Figures are measurements, never a pass/fail gate.
 */
import { existsSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createScanner } from '../src/scanner/index.js';
import { formatCodelists, readScope, runCodelists } from './eval-codelists.js';
import { externalArgs, flagValue, splitLabel, UsageError } from './eval-external.js';
import { formatNegex, readNegex, scoreNegex } from './eval-negex.js';
import { checkOffsets, formatOffsets, formatPhysionet, readPhysionet, scorePhysionet } from './eval-physionet.js';

export const EXTERNAL_MODES = ['--negex', '--physionet', '--codelists'];

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const show = (p: string) => relative(process.cwd(), p) || '.';

export function runExternal(args: string[], log: (s: string) => void = console.log, err: (s: string) => void = console.error): number {
  try {
    const modes = EXTERNAL_MODES.filter((m) => args.includes(m));
    if (modes.length !== 1) throw new UsageError(`give one of ${EXTERNAL_MODES.join(', ')} at a time`);
    const mode = modes[0];
    const opts = externalArgs(args);
    const scanner = createScanner();

    if (mode === '--negex') {
      const file = flagValue(args, '--negex');
      if (!file) throw new UsageError('--negex takes a file, e.g. ../shared/eval/external/negex-dev.tsv');
      if (!existsSync(file)) throw new UsageError(`--negex: no such file ${file}`);
      const rep = scoreNegex(readNegex(file), scanner.detectContext, opts.split);
      if (opts.json) log(JSON.stringify(rep, null, 2));
      else {
        log(`NegEx/ConText: ${show(file)}, ${splitLabel(opts.split, 'rows')}, lexicons ${scanner.lexiconVersion}`);
        log(formatNegex(rep, opts.details));
      }
      return 0;
    }

    if (mode === '--physionet') {
      const dir = flagValue(args, '--physionet');
      if (!dir) throw new UsageError('--physionet takes a directory holding id.text and id-phi.phrase, e.g. ../shared/eval/external/physionet-dev');
      for (const f of ['id.text', 'id-phi.phrase']) if (!existsSync(resolve(dir, f))) throw new UsageError(`--physionet: no ${f} in ${dir}`);
      const { notes, gold } = readPhysionet(dir);
      const offsets = checkOffsets(notes, gold);
      const rep = scorePhysionet(notes, gold, (t) => scanner.scan(t, { kind: 'entry' }), opts.split);
      if (opts.json) log(JSON.stringify({ offsets, ...rep }, null, 2));
      else {
        log(`PhysioNet deid: ${show(dir)}, ${notes.length} notes in the file, ${splitLabel(opts.split, 'notes')}, lexicons ${scanner.lexiconVersion}`);
        log(formatOffsets(offsets));
        log(formatPhysionet(rep, opts.details));
      }
      return 0;
    }

    // --codelists [DIR]
    const given = flagValue(args, '--codelists');
    const dir = given || resolve(root, '../shared/data/codelists');
    if (!existsSync(dir)) throw new UsageError(`--codelists: no such directory ${dir}`);
    const scopeFile = flagValue(args, '--scope') || resolve(root, 'scripts/codelists-scope.json');
    if (args.includes('--split')) throw new UsageError('--codelists has no split: the terms are vocabulary, not a held-out set');
    const scope = readScope(scopeFile);
    const reps = runCodelists(dir, scope, (t) => scanner.scan(t, { kind: 'entry' }), flagValue(args, '--list') || undefined);
    if (opts.json) log(JSON.stringify(reps, null, 2));
    else {
      log(`code lists: ${show(dir)}, scope ${show(scopeFile)}, lexicons ${scanner.lexiconVersion}`);
      log(formatCodelists(reps, scope, opts.details));
    }
    return 0;
  } catch (e) {
    err(`eval: ${e instanceof Error ? e.message : String(e)}`);
    return 2;
  }
}
