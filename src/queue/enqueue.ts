/**
 * `enqueue`: record each file of a plan (batch/job.ts `planInputs`, as a local run sees them) as
 * a source, once per (path, sha256 of its bytes), and queue a job for each new one, in the same
 * transaction: a source recorded is a job queued. Enqueueing the same files again finds every
 * source recorded and queues nothing. With `rescan`, sources already recorded that have no
 * result for the current lexicon version (and no job waiting) are queued again.
 *
 * Files are enqueued whole: a record file (CSV, JSONL) is one job, and the worker writes one
 * result row per record. Its record ids are given over the whole file (a repeated id becomes
 * `5~2`, a missing one the row number), so any record needs the whole file read anyway; one job
 * reads it once, where a job per record would read it once per record.
 */
import { createHash } from 'node:crypto';
import { createReadStream, readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { PoolClient } from 'pg';
import type { Plan } from '../batch/job.js';
import { errorKind } from '../model/index.js';
import { bossDb, retrying, withTransaction, type QueueDb } from './connection.js';
import { jobDataOf, SOURCE_COLUMNS, type SourceRow } from './jobs.js';
import { BOSS_SCHEMA, QUEUE, SCHEMA, type QueueSettings } from './names.js';

export interface EnqueueOptions {
  /** keep each file's bytes in the database (workers then need no shared filesystem) */
  storeBytes?: boolean;
  /** also queue sources already recorded that have no result for `lexiconVersion` */
  rescan?: boolean;
  lexiconVersion: string;
  settings: QueueSettings;
  /** how long to keep trying when the database goes away mid-run (ms) */
  retryForMs?: number;
  onNote?: (line: string) => void;
}

export interface EnqueueReport {
  /** files and unlisted folders of the plan */
  files: number;
  /** new sources, each with a job */
  queued: number;
  /** sources already recorded (same path and bytes) */
  known: number;
  /** known sources queued again by --rescan */
  requeued: number;
  /** known sources recorded with other reading options or another patient: they keep those (the key is path and bytes) */
  otherSettings: number;
  /** files enqueue could not read (queued all the same: the worker records why, as a local run does) */
  unreadable: { path: string; code: string }[];
}

interface Pending {
  path: string;
  sha256: string;
  size: number | null;
  abs: string;
  patient: string | null;
  error: string | null;
  bytes: Buffer | null;
}

/** One transaction records at most this many files, or this many stored bytes (--store-bytes). */
const CHUNK_FILES = 500;
const CHUNK_BYTES = 32 * 1024 * 1024;

async function hashStream(abs: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(abs)) h.update(chunk as Buffer);
  return h.digest('hex');
}

async function describeFile(plan: Plan, path: string, storeBytes: boolean): Promise<Pending & { unreadable?: string }> {
  const abs = resolve(plan.cwd, path);
  const patient = plan.patientOf?.(abs);
  const base = { path, abs, patient: patient ? JSON.stringify(patient) : null, bytes: null, error: null };
  const folderError = plan.unreadable.get(path);
  if (folderError !== undefined) return { ...base, sha256: '', size: null, error: folderError };
  try {
    const size = statSync(abs).size;
    if (size > plan.reader.maxBytes) {
      // Never read by a worker; with --store-bytes the worker may not see the file at all, so
      // the error a local run records for it is recorded now, in the same words.
      const over = storeBytes ? `file is ${size} bytes, over --max-bytes ${plan.reader.maxBytes}` : null;
      return { ...base, sha256: await hashStream(abs), size, error: over };
    }
    const bytes = readFileSync(abs);
    return { ...base, sha256: createHash('sha256').update(bytes).digest('hex'), size: bytes.byteLength, bytes: storeBytes ? bytes : null };
  } catch (err) {
    // Queued all the same, without a hash: the worker tries to read it and records the error a local run would.
    return { ...base, sha256: '', size: null, unreadable: errorKind(err) };
  }
}

async function queueJobs(db: QueueDb, c: PoolClient, rows: SourceRow[], tries: number, lexiconVersion?: string): Promise<void> {
  if (rows.length === 0) return;
  await db.boss!.insert(
    rows.map((r) => ({ name: QUEUE.scan, data: jobDataOf(r, tries, lexiconVersion) })),
    { db: bossDb(c) },
  );
}

/** Sources (by id) with no scan for `lexiconVersion` and no job waiting or running. */
const WITHOUT_RESULT = `
  NOT EXISTS (SELECT 1 FROM ${SCHEMA}.scans c WHERE c.source_id = s.id AND c.lexicon_version = $LV)
  AND s.id NOT IN (SELECT (j.data->>'source')::bigint FROM ${BOSS_SCHEMA}.job j
                   WHERE j.name IN ('${QUEUE.scan}', '${QUEUE.isolated}', '${QUEUE.suspect}') AND j.state < 'completed')`;

async function insertChunk(db: QueueDb, chunk: Pending[], o: ChunkOptions): Promise<{ queued: number; requeued: number; otherSettings: number }> {
  return withTransaction(db.pool, async (c) => {
    const { rows } = await c.query<SourceRow>(
      `INSERT INTO ${SCHEMA}.sources (path, sha256, size, abs, read, patient, error, bytes)
       SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[], $4::text[], $5::text[], $6::text[], $7::text[], $8::bytea[])
       ON CONFLICT ON CONSTRAINT sources_once DO NOTHING
       RETURNING ${SOURCE_COLUMNS}`,
      [
        chunk.map((p) => p.path),
        chunk.map((p) => p.sha256),
        chunk.map((p) => p.size),
        chunk.map((p) => p.abs),
        chunk.map(() => o.readJson),
        chunk.map((p) => p.patient),
        chunk.map((p) => p.error),
        chunk.map((p) => p.bytes),
      ],
    );
    await queueJobs(db, c, rows, o.settings.tries);
    let requeued = 0;
    let otherSettings = 0;
    if (rows.length < chunk.length) {
      const fresh = new Set(rows.map((r) => `${r.path}\u0000${r.sha256}`));
      const known = chunk.filter((p) => !fresh.has(`${p.path}\u0000${p.sha256}`));
      // Recorded before with other options: said, not silently taken for the same thing.
      const { rows: before } = await c.query<{ path: string; sha256: string; read: string; patient: string | null }>(
        `SELECT path, sha256, read, patient FROM ${SCHEMA}.sources WHERE (path, sha256) IN (SELECT * FROM unnest($1::text[], $2::text[]))`,
        [known.map((p) => p.path), known.map((p) => p.sha256)],
      );
      const asked = new Map(known.map((p) => [`${p.path}\u0000${p.sha256}`, p]));
      for (const b of before) {
        const p = asked.get(`${b.path}\u0000${b.sha256}`);
        if (p && (b.read !== o.readJson || b.patient !== p.patient)) otherSettings++;
      }
      if (!o.rescan) return { queued: rows.length, requeued, otherSettings };
      const again = await c.query<SourceRow>(
        `SELECT ${SOURCE_COLUMNS} FROM ${SCHEMA}.sources s
         WHERE (s.path, s.sha256) IN (SELECT * FROM unnest($1::text[], $2::text[])) AND ${WITHOUT_RESULT.replace('$LV', '$3')}`,
        [known.map((p) => p.path), known.map((p) => p.sha256), o.lexiconVersion],
      );
      await queueJobs(db, c, again.rows, o.settings.tries, o.lexiconVersion);
      requeued = again.rows.length;
    }
    return { queued: rows.length, requeued, otherSettings };
  });
}

type ChunkOptions = EnqueueOptions & { readJson: string };

/** Enqueue the files of a plan. */
export async function enqueuePlan(db: QueueDb, plan: Plan, opts: EnqueueOptions): Promise<EnqueueReport> {
  const o: ChunkOptions = { ...opts, readJson: JSON.stringify(plan.reader) };
  const report: EnqueueReport = { files: plan.paths.length, queued: 0, known: 0, requeued: 0, otherSettings: 0, unreadable: [] };
  let chunk: Pending[] = [];
  let bytes = 0;
  const flush = async () => {
    if (chunk.length === 0) return;
    const c = chunk;
    chunk = [];
    bytes = 0;
    const r = await retrying('enqueue', opts.retryForMs ?? 60_000, () => insertChunk(db, c, o), opts.onNote, db.describe);
    report.queued += r.queued;
    report.requeued += r.requeued;
    report.otherSettings += r.otherSettings;
    report.known += c.length - r.queued;
  };
  let noted = Date.now();
  let seen = 0;
  for (const path of plan.paths) {
    // A long enqueue says how far it has got, every half minute.
    if (++seen % 1000 === 0 && Date.now() - noted > 30_000) {
      noted = Date.now();
      opts.onNote?.(`enqueue: ${seen} of ${plan.paths.length} files read so far`);
    }
    const p = await describeFile(plan, path, !!opts.storeBytes);
    if (p.unreadable) report.unreadable.push({ path, code: p.unreadable });
    chunk.push(p);
    bytes += p.bytes?.byteLength ?? 0;
    if (chunk.length >= CHUNK_FILES || bytes >= CHUNK_BYTES) await flush();
  }
  await flush();
  return report;
}

/**
 * `enqueue --rescan` without paths: every file (the latest version of each path) that has no
 * result for the current lexicon version and no job waiting or running, queued again.
 */
export async function rescanAll(db: QueueDb, opts: EnqueueOptions): Promise<number> {
  let after = 0;
  let total = 0;
  for (;;) {
    // A page at a time, by id: the backlog may be far larger than memory.
    const n = await retrying(
      'rescan',
      opts.retryForMs ?? 60_000,
      () =>
        withTransaction(db.pool, async (c) => {
          const { rows } = await c.query<SourceRow>(
            `SELECT ${SOURCE_COLUMNS} FROM ${SCHEMA}.sources s
             WHERE s.id > $2 AND NOT EXISTS (SELECT 1 FROM ${SCHEMA}.sources n WHERE n.path = s.path AND n.id > s.id)
               AND ${WITHOUT_RESULT.replace('$LV', '$1')}
             ORDER BY s.id LIMIT 1000`,
            [opts.lexiconVersion, after],
          );
          await queueJobs(db, c, rows, opts.settings.tries, opts.lexiconVersion);
          return rows;
        }),
      opts.onNote,
      db.describe,
    );
    if (n.length === 0) return total;
    total += n.length;
    after = Number(n[n.length - 1].id);
  }
}
