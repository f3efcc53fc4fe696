/**
 * A job: one file, as enqueued. It carries what a worker needs to read the file (where it is,
 * its size and the sha256 of its bytes, the reading options); whose record it is and the bytes
 * themselves (`--store-bytes`) stay in the `sources` row, which the worker reads with the job.
 * Job data crosses a process and machine boundary, so it is validated on the way in.
 */
import { z } from 'zod';
import { ReaderOptionsSchema, type ReaderOptions } from '../batch/read.js';

export const JobDataSchema = z.object({
  /** sources.id */
  source: z.number().int().positive(),
  /** the path of the results (as given to enqueue) */
  path: z.string().min(1),
  /** where the file is read (a shared filesystem), unless the database holds its bytes */
  abs: z.string().min(1),
  /** sha256 of the file's bytes at enqueue ('' if enqueue could not read them) */
  sha256: z.string(),
  size: z.number().int().nonnegative().nullable(),
  read: ReaderOptionsSchema,
  /** the database holds the bytes */
  stored: z.boolean(),
  /** a folder that could not be listed: its error row is all there is to write */
  error: z.string().optional(),
  /** how many tries a file gets (the queue's setting when it was enqueued) */
  tries: z.number().int().min(1),
  /** set on a retry: which try this is */
  attempt: z.number().int().min(2).optional(),
  /**
   * Set by `enqueue --rescan`: the lexicon version this job is for. A worker with other lexicons
   * (an old one, during an upgrade) leaves it for a worker that has them. A first enqueue sets
   * none: lexicons are the workers' setting, and any worker may take the job.
   */
  lexiconVersion: z.string().optional(),
});
export type JobData = z.infer<typeof JobDataSchema>;

/** A `sources` row, as the queue code reads it. */
export interface SourceRow {
  id: string | number;
  path: string;
  abs: string;
  sha256: string;
  size: string | number | null;
  read: string;
  error: string | null;
  stored: boolean;
}

export const SOURCE_COLUMNS = 'id, path, abs, sha256, size, read, error, (bytes IS NOT NULL) AS stored';

export function jobDataOf(s: SourceRow, tries: number, lexiconVersion?: string): JobData {
  return {
    source: Number(s.id),
    path: s.path,
    abs: s.abs,
    sha256: s.sha256,
    size: s.size === null ? null : Number(s.size),
    read: JSON.parse(s.read) as ReaderOptions,
    stored: s.stored,
    ...(s.error ? { error: s.error } : {}),
    tries,
    ...(lexiconVersion ? { lexiconVersion } : {}),
  };
}
