import { compareRuns, type ImpactPair } from '../../authoring/impact.js';
import { prepareJob } from '../../batch/job.js';
import { readResultsFile } from '../../batch/results-file.js';
import { comparePaths, documentKey, type DocumentResult } from '../../model/index.js';
import { impactText, printable, withoutText } from '../../report/index.js';
import { resolve } from 'node:path';
import { EXIT, say, UsageError, type CliIo } from '../io.js';
import { batchOptions, loadConfigFor, type ReadingFlags } from './scan.js';

export interface ImpactFlags extends ReadingFlags {
  /** the candidate lexicon files or globs (repeatable) */
  lexicons?: string[];
  results?: string;
  allowLaxer?: boolean;
  format?: 'text' | 'json';
  config?: string;
}

/**
 * `impact --lexicons GLOB <paths...> | --results FILE [--allow-laxer]`: every document scanned
 * with the current lexicons (built-in and the config's) and with the candidate files added on
 * top, as `scan --lexicons` adds them; or, with --results, a recorded run compared with a scan
 * of the same documents with the candidates on top. Prints the from -> to table and each moved
 * document with the rules that made the difference. Exit 1 when a document became less strict
 * (unless --allow-laxer), 2 when a document could not be read or an input is bad.
 */
export async function impactCommand(patterns: string[], flags: ImpactFlags, io: CliIo): Promise<number> {
  const log = say(io);
  const candidates = flags.lexicons ?? [];
  if (candidates.length === 0) throw new UsageError('impact needs the candidate lexicon files: --lexicons "candidate/*.yaml"');
  if (flags.results && patterns.length) throw new UsageError('give either paths to scan or --results FILE (the paths recorded in it are scanned again), not both');
  if (!flags.results && patterns.length === 0) throw new UsageError('give the paths to scan, or --results FILE to compare with a recorded run');
  const { config } = loadConfigFor(flags, io.cwd);
  // The current lexicons are the config's; the candidates go on top of them.
  const base = batchOptions({ ...flags, lexicons: [] }, config, io.cwd);
  const withCandidates = [...(base.lexicons ?? []), ...candidates];
  const pairs: ImpactPair[] = [];
  const changedText: { path: string; record?: string }[] = [];
  const missing: { path: string; record?: string }[] = [];
  const clean = (d: DocumentResult) => (flags.includeText ? d : withoutText(d));

  if (flags.results) {
    const recorded = await readResultsFile(resolve(io.cwd, flags.results), flags.results);
    const paths = [...new Set([...recorded.values()].map((d) => d.path))].sort(comparePaths);
    if (paths.length === 0) throw new UsageError(`${flags.results} holds no results`);
    const job = await prepareJob(paths, { ...base, lexicons: withCandidates });
    const seen = new Set<string>();
    for await (const e of job.run()) {
      const after = e.doc!;
      const key = documentKey(after.path, after.record);
      const before = recorded.get(key);
      if (!before) continue; // a record added since: nothing to compare with
      seen.add(key);
      if (before.sha256 !== after.sha256) changedText.push({ path: after.path, ...(after.record !== undefined ? { record: after.record } : {}) });
      else pairs.push({ before, after: clean(after) });
    }
    for (const [k, d] of recorded) if (!seen.has(k)) missing.push({ path: d.path, ...(d.record !== undefined ? { record: d.record } : {}) });
  } else {
    const job = await prepareJob(patterns, base, { compare: { lexicons: withCandidates } });
    for (const s of job.skipped) log.err(`skipped ${printable(s.path)}: ${s.reason}`);
    if (job.matchedFiles === 0) throw new UsageError('no file to scan: every input was skipped');
    for await (const e of job.run()) pairs.push({ before: clean(e.doc!), after: clean(e.alt!) });
  }

  const impact = compareRuns(pairs, { changedText, missing });
  if (flags.format === 'json') io.stdout.write(JSON.stringify(impact, null, 2) + '\n');
  else io.stdout.write(impactText(impact, { candidates, allowLaxer: flags.allowLaxer }));
  if (impact.errors || missing.length) return EXIT.error;
  return impact.laxer && !flags.allowLaxer ? EXIT.failOn : EXIT.ok;
}
