import { resolve } from 'node:path';
import type { DocumentResult } from '../model/index.js';
import { prepareJob, type BatchOptions } from './job.js';
import { readJournal, resumeFromKeys, type ResumeState } from './journal.js';

export interface ScanFilesOptions extends BatchOptions {
  /**
   * Resume a run: the path of a jsonl journal (the CLI's `-o FILE.jsonl`; a half-written last
   * line is cut off, so that the caller can go on appending), or the keys of the documents
   * already done (`documentKey(path, record)`). Documents already recorded are not yielded again.
   */
  resumeFrom?: string | Iterable<string>;
  /** called for each named or matched file of a type that cannot be read */
  onSkip?: (path: string, reason: string) => void;
}

/**
 * Scan files, directories and globs with the backlog runner (worker threads, readers, errors
 * recorded as documents with verdict `review`), yielding one result per document in order of
 * path, then record. Work is dispatched only as the consumer pulls: a slow consumer does not
 * make memory grow. Breaking out of the loop stops the workers.
 *
 * Throws `BatchUsageError` when a pattern matches nothing, and `LexiconError` for a bad lexicon,
 * before any document is yielded.
 *
 * The workers are threads of the calling process, started from this package's own built file.
 * The library does not change a host's V8 flags, and needs none.
 */
export async function* scanFiles(patterns: string | string[], options: ScanFilesOptions = {}): AsyncGenerator<DocumentResult, void, undefined> {
  const { resumeFrom, onSkip, ...opts } = options;
  let resume: ResumeState | undefined;
  if (typeof resumeFrom === 'string') resume = await readJournal(resolve(opts.cwd ?? process.cwd(), resumeFrom));
  else if (resumeFrom) resume = resumeFromKeys(resumeFrom);
  const job = await prepareJob(Array.isArray(patterns) ? patterns : [patterns], opts, { resume });
  if (onSkip) for (const s of job.skipped) onSkip(s.path, s.reason);
  for await (const e of job.run()) yield e.doc!;
}
