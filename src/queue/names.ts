/**
 * Where the queue lives in the database, and its defaults. Our own tables are in one schema and
 * pg-boss's in another, so that a database shared with other applications (or another pg-boss)
 * keeps them apart, and dropping both schemas removes every trace of us.
 */

/** Our tables: sources, results, scans. */
export const SCHEMA = 'safeguard_scan';
/** pg-boss's tables (its `schema` option). */
export const BOSS_SCHEMA = 'safeguard_scan_jobs';

/**
 * Three queues, so that a file that kills its worker cannot take innocent files down with it:
 * - `scan`: every file's first try, fetched in batches and scanned side by side;
 * - `scan-suspect`: pg-boss's dead letter for the other two: a job whose worker died (or which
 *   ran past the time limit) lands here. It is triaged at once: tried again (isolated) or, after
 *   the last try, recorded as an error row;
 * - `scan-isolated`: a retry, run by a worker with nothing else in flight, so that if it kills
 *   that worker again, it is the only job that loses a try.
 * A worker that dies with a batch in flight sends every job of the batch through isolation once;
 * only the file that really kills workers runs out of tries.
 */
export const QUEUE = { scan: 'scan', suspect: 'scan-suspect', isolated: 'scan-isolated' } as const;
export type QueueName = (typeof QUEUE)[keyof typeof QUEUE];

/** How our schema is versioned: a database set up by a newer safeguard-scan is refused, not altered. */
export const SCHEMA_VERSION = 2;

export interface QueueSettings {
  /** a job still active after this long is taken to have lost its worker */
  jobTimeoutSeconds: number;
  /** tries of a file before it is an error row */
  tries: number;
}

/**
 * Defaults: 15 minutes (pg-boss's own), far above a file's legitimate time (the reader stops a
 * file after 120 s without progress, and a page of OCR is about a second); 3 tries.
 */
export const DEFAULT_QUEUE_SETTINGS: QueueSettings = { jobTimeoutSeconds: 15 * 60, tries: 3 };

/**
 * Jobs wait in the queue as long as a backlog takes. pg-boss archives a job still waiting past
 * its retention (14 days by default): for a backlog of months that would drop files unscanned,
 * so queues keep jobs for ten years. (`enqueue --rescan` finds any file without a result all the same.)
 */
export const RETENTION_MINUTES = 10 * 365 * 24 * 60;

/**
 * How often a worker runs pg-boss's maintenance (which expires jobs of dead workers). A dead
 * worker's jobs return after the job time limit plus up to two of these intervals; pg-boss's
 * default (120 s) is longer than needed, and a tenth of the limit keeps recovery close to it.
 */
export const maintenanceSeconds = (jobTimeoutSeconds: number): number => Math.min(60, Math.max(1, Math.round(jobTimeoutSeconds / 10)));
