/**
 * Our tables, and the queues in pg-boss. Created on first use by any queue command, under an
 * advisory lock so that several workers starting at once do not race.
 *
 * - `sources`: a file as enqueued, once per (path, sha256 of its bytes): where to read it, how
 *   (reading options, the patient), and its bytes with `enqueue --store-bytes`.
 * - `results`: one row per (path, record, sha256 of the text scanned, lexiconVersion): the
 *   jsonl line a local scan writes for that document, byte for byte, and a few of its fields
 *   for queries. Written in the same transaction that completes the job.
 * - `decisions`: clinicians' recorded decisions (decisions.jsonl), applied by `results`.
 * - `scans`: a source read and scanned with a lexicon version, and the result rows it gave (a
 *   row already written for the same text is shared, not written twice). What `results` and
 *   `status` report, and what `enqueue --rescan` looks for.
 */
import type PgBoss from 'pg-boss';
import type { Pool } from 'pg';
import { withTransaction } from './connection.js';
import { DEFAULT_QUEUE_SETTINGS, QUEUE, RETENTION_MINUTES, SCHEMA, SCHEMA_VERSION, type QueueSettings } from './names.js';

export class QueueSchemaError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'QueueSchemaError';
  }
}

const S = SCHEMA;

const TABLES = `
CREATE SCHEMA IF NOT EXISTS ${S};
CREATE TABLE IF NOT EXISTS ${S}.meta (key text PRIMARY KEY, value text NOT NULL);
CREATE TABLE IF NOT EXISTS ${S}.sources (
  id bigserial PRIMARY KEY,
  -- as given to enqueue (relative to its working directory): the path of every result row
  path text NOT NULL,
  -- of the file's bytes; '' when enqueue could not read them (the worker then records why)
  sha256 text NOT NULL,
  size bigint,
  -- where workers read the file (a shared filesystem), unless bytes holds it
  abs text NOT NULL,
  -- reading options (columns, fields, max bytes, OCR), JSON
  read text NOT NULL,
  -- whose record it is (a patient manifest), JSON kept as written: its hash is part of the result
  patient text,
  -- a folder that could not be listed: the error row the worker writes
  error text,
  bytes bytea,
  enqueued_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT sources_once UNIQUE (path, sha256)
);
CREATE INDEX IF NOT EXISTS sources_latest ON ${S}.sources (path, id DESC);
CREATE TABLE IF NOT EXISTS ${S}.results (
  id bigserial PRIMARY KEY,
  path text NOT NULL,
  record text,
  -- path and record as sort keys: byte order of these is the order of a local run
  -- (UTF-16 code units; numeric record ids in numeric order). See keys.ts.
  path_key bytea NOT NULL,
  record_key bytea NOT NULL,
  -- the row's sha256 (of the text scanned); for a document with no text, 'bytes:' and the file's
  text_sha256 text NOT NULL,
  lexicon_version text NOT NULL,
  verdict text NOT NULL CHECK (verdict IN ('visible', 'review', 'withhold')),
  score double precision NOT NULL,
  error text,
  -- the jsonl line, exactly as a local scan writes it (without the newline)
  line text NOT NULL,
  job_id uuid,
  worker text,
  written_at timestamptz NOT NULL DEFAULT now(),
  -- one row per (path, record, text sha256, lexiconVersion): the keys encode path and record one to one
  CONSTRAINT results_once UNIQUE (path_key, record_key, text_sha256, lexicon_version)
);
-- clinicians' decisions (decisions.jsonl), one per document; results apply them (decisions.ts)
CREATE TABLE IF NOT EXISTS ${S}.decisions (
  path text NOT NULL,
  record text NOT NULL DEFAULT '',
  sha256 text NOT NULL,
  verdict_shown text NOT NULL CHECK (verdict_shown IN ('visible', 'review', 'withhold')),
  decision text NOT NULL CHECK (decision IN ('show', 'withhold', 'redact-and-show')),
  decided_at timestamptz NOT NULL,
  note text,
  recorded_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (path, record)
);
CREATE TABLE IF NOT EXISTS ${S}.scans (
  source_id bigint NOT NULL REFERENCES ${S}.sources (id) ON DELETE CASCADE,
  lexicon_version text NOT NULL,
  result_ids bigint[] NOT NULL,
  -- 'scanned', or 'failed': given up after the last try (its one row is an error, verdict review)
  outcome text NOT NULL CHECK (outcome IN ('scanned', 'failed')),
  job_id uuid,
  worker text,
  finished_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (source_id, lexicon_version)
);
`;

/** Create our tables if missing; refuse a database set up by a newer version. */
export async function ensureTables(pool: Pool): Promise<void> {
  await withTransaction(pool, async (c) => {
    await c.query(`SELECT pg_advisory_xact_lock(hashtext('safeguard-scan schema'))`);
    await c.query(TABLES);
    const { rows } = await c.query<{ value: string }>(`SELECT value FROM ${S}.meta WHERE key = 'schema_version'`);
    const found = rows[0] ? Number(rows[0].value) : undefined;
    if (found === undefined) await c.query(`INSERT INTO ${S}.meta (key, value) VALUES ('schema_version', $1)`, [String(SCHEMA_VERSION)]);
    // Version 2 only added the decisions table, created above: nothing else to change.
    else if (found < SCHEMA_VERSION) await c.query(`UPDATE ${S}.meta SET value = $1 WHERE key = 'schema_version'`, [String(SCHEMA_VERSION)]);
    else if (found > SCHEMA_VERSION) throw new QueueSchemaError(`the queue in this database was set up by a newer safeguard-scan (schema version ${found}; this one knows ${SCHEMA_VERSION}): upgrade safeguard-scan`);
  });
}

/** For the commands that only read (results, status): is there a queue here at all? */
export async function requireTables(pool: Pool, shown: string): Promise<void> {
  const { rows } = await pool.query<{ t: string | null }>(`SELECT to_regclass('${S}.scans')::text AS t`);
  if (!rows[0]?.t) throw new QueueSchemaError(`there is no safeguard-scan queue in the database ${shown} (enqueue creates it)`);
}

const queueOptions = (s: QueueSettings) => ({
  // A job is tried once in its queue; a dead worker's jobs go to the suspect queue, which tries them again one at a time.
  retryLimit: 0,
  retryDelay: 0,
  expireInSeconds: s.jobTimeoutSeconds,
  retentionMinutes: RETENTION_MINUTES,
  deadLetter: QUEUE.suspect,
});

/**
 * The three queues, created if missing. `apply`: also set their options from these settings
 * (enqueue does, so that the queue follows the config of whoever fills it; workers only create).
 */
export async function ensureQueues(boss: PgBoss, settings: QueueSettings = DEFAULT_QUEUE_SETTINGS, apply = false): Promise<void> {
  // The dead letter first: the others refer to it.
  const suspect = { name: QUEUE.suspect, retryLimit: 0, expireInSeconds: 60, retentionMinutes: RETENTION_MINUTES };
  if (!(await boss.getQueue(QUEUE.suspect))) await boss.createQueue(QUEUE.suspect, suspect);
  for (const name of [QUEUE.scan, QUEUE.isolated]) {
    const o = { name, ...queueOptions(settings) };
    if (!(await boss.getQueue(name))) await boss.createQueue(name, o);
    else if (apply) await boss.updateQueue(name, o);
  }
}

/** The job time limit the queue has now (workers pace their maintenance on it). */
export async function queueTimeout(boss: PgBoss): Promise<number> {
  const q = await boss.getQueue(QUEUE.scan);
  return q?.expireInSeconds ?? DEFAULT_QUEUE_SETTINGS.jobTimeoutSeconds;
}
