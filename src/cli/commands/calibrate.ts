import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { calibrate } from '../../authoring/calibrate.js';
import { readResultsFile } from '../../batch/results-file.js';
import { calibrationHtml, calibrationText, parseDecisions } from '../../report/index.js';
import { EXIT, UsageError, type CliIo } from '../io.js';
import { loadConfigFor } from './scan.js';

export interface CalibrateFlags {
  results: string;
  decisions: string;
  html?: string;
  format?: 'text' | 'json';
  config?: string;
}

/**
 * `calibrate --results FILE --decisions FILE [--html FILE]`: precision and recall of the review
 * and withhold thresholds against clinicians' decisions, a confusion table, and the thresholds
 * that would have kept every withheld document out of visible with the fewest documents to look
 * at, never laxer than POLICY.md. Exit 0; 2 for a file that cannot be read or is not valid.
 */
export async function calibrateCommand(flags: CalibrateFlags, io: CliIo): Promise<number> {
  const { config } = loadConfigFor(flags, io.cwd);
  const results = await readResultsFile(resolve(io.cwd, flags.results), flags.results);
  let text: string;
  try {
    text = readFileSync(resolve(io.cwd, flags.decisions), 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read the decisions file ${flags.decisions} (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  const decisions = parseDecisions(text, flags.decisions);
  const c = calibrate(results.values(), decisions.values(), config.thresholds);
  io.stdout.write(flags.format === 'json' ? JSON.stringify(c, null, 2) + '\n' : calibrationText(c));
  if (flags.html) {
    try {
      writeFileSync(resolve(io.cwd, flags.html), calibrationHtml(c));
    } catch (err) {
      throw new UsageError(`cannot write ${flags.html} (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
    }
    io.stderr.write(`calibrate: curves written to ${flags.html}\n`);
  }
  return EXIT.ok;
}
