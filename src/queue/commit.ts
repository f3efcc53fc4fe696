/**
 * The one write of the queue: the result rows of finished files, the scans that link each file
 * to its rows, and the completion of their jobs, in ONE transaction. Either all of it is there
 * or none of it: a worker killed before the commit leaves its job active (it expires and is
 * tried again) and no row; killed after, the job is complete and the rows are there.
 *
 * A row is never written twice: results are unique on (path, record, text sha256, lexicon
 * version), so a retried or duplicated job inserts nothing new and links the rows already there.
 * pg-boss's `complete` runs on our client (its `db` option) so that it is part of the transaction.
 */
import type { PoolClient } from 'pg';
import type { DocumentResult } from '../model/index.js';
import { jsonlLine } from '../report/index.js';
import { bossDb, withTransaction, type QueueDb } from './connection.js';
import type { JobData } from './jobs.js';
import { pathKey, recordKey, shownText, textKey } from './keys.js';
import { SCHEMA, type QueueName } from './names.js';

export interface QueueJob {
  id: string;
  name: QueueName;
  data: JobData;
}

export type Outcome =
  /** read and scanned: its rows */
  | { kind: 'scanned'; docs: DocumentResult[] }
  /** given up after its last try: one error row */
  | { kind: 'failed'; docs: DocumentResult[] }
  /** already scanned with this lexicon version (a duplicate job, or a retry of work that was committed): complete it */
  | { kind: 'done-before' }
  /** not scanned, through no fault of its own (the worker's threads kept dying): fail the job so that it is tried again */
  | { kind: 'lost'; why: string }
  /** for other lexicons than this worker's (a rescan during an upgrade): put back, to be taken after `seconds` by a worker that has them */
  | { kind: 'deferred'; seconds: number };

type Settle = (name: string, ids: string[], data: object | null, options: { db: ReturnType<typeof bossDb> }) => Promise<unknown>;

export interface Finished {
  job: QueueJob;
  outcome: Outcome;
}

interface Row {
  item: number;
  d: DocumentResult;
  pk: Buffer;
  rk: Buffer;
  tk: string;
}

const hex = (b: Buffer) => b.toString('hex');
const keyOf = (pk: Buffer, rk: Buffer, tk: string) => `${hex(pk)}/${hex(rk)}/${tk}`;

async function writeRows(c: PoolClient, rows: Row[], lexiconVersion: string, jobs: string[], worker: string): Promise<Map<string, string>> {
  const ids = new Map<string, string>();
  if (rows.length === 0) return ids;
  // The line without its newline: exactly what a local scan writes for this document.
  const lines = rows.map((r) => jsonlLine(r.d).slice(0, -1));
  await c.query(
    `INSERT INTO ${SCHEMA}.results (path, record, path_key, record_key, text_sha256, lexicon_version, verdict, score, error, line, job_id, worker)
     SELECT p, r, pk, rk, tk, lv, v, sc, e, l, j, $12 FROM unnest($1::text[], $2::text[], $3::bytea[], $4::bytea[], $5::text[], $6::text[], $7::text[], $8::float8[], $9::text[], $10::text[], $11::uuid[])
       AS t(p, r, pk, rk, tk, lv, v, sc, e, l, j)
     ON CONFLICT ON CONSTRAINT results_once DO NOTHING`,
    [
      rows.map((r) => r.d.path),
      rows.map((r) => (r.d.record === undefined ? null : shownText(r.d.record))),
      rows.map((r) => r.pk),
      rows.map((r) => r.rk),
      rows.map((r) => r.tk),
      rows.map((r) => r.d.lexiconVersion),
      rows.map((r) => r.d.verdict),
      rows.map((r) => r.d.score),
      rows.map((r) => (r.d.error === undefined ? null : shownText(r.d.error))),
      lines,
      jobs,
      worker,
    ],
  );
  // A statement of its own (a fresh snapshot): it sees the rows just inserted and the rows
  // another worker committed while this insert waited on them.
  const { rows: found } = await c.query<{ id: string; path_key: Buffer; record_key: Buffer; text_sha256: string }>(
    `SELECT id, path_key, record_key, text_sha256 FROM ${SCHEMA}.results
     WHERE lexicon_version = $4 AND (path_key, record_key, text_sha256) IN (SELECT * FROM unnest($1::bytea[], $2::bytea[], $3::text[]))`,
    [rows.map((r) => r.pk), rows.map((r) => r.rk), rows.map((r) => r.tk), lexiconVersion],
  );
  for (const f of found) ids.set(keyOf(f.path_key, f.record_key, f.text_sha256), String(f.id));
  return ids;
}

/**
 * Commit finished files (any mix of queues and outcomes) in one transaction. `lexiconVersion` is
 * this worker's: the version its rows carry and its scans are recorded under.
 */
export async function commitFinished(db: QueueDb, items: Finished[], lexiconVersion: string, worker: string): Promise<void> {
  if (items.length === 0) return;
  await withTransaction(db.pool, (c) => writeFinished(db, c, items, lexiconVersion, worker));
}

/** The same, on a client whose transaction the caller holds (triage adds its own steps to it). */
export async function writeFinished(db: QueueDb, c: PoolClient, items: Finished[], lexiconVersion: string, worker: string): Promise<void> {
  const rows: Row[] = [];
  items.forEach((it, item) => {
    if (it.outcome.kind !== 'scanned' && it.outcome.kind !== 'failed') return;
    for (const d of it.outcome.docs) {
      if (d.lexiconVersion !== lexiconVersion) throw new Error('internal error: a result of another lexicon version');
      rows.push({ item, d, pk: pathKey(d.path), rk: recordKey(d.record), tk: textKey(d, it.job.data.sha256) });
    }
  });
  {
    const ids = await writeRows(
      c,
      rows,
      lexiconVersion,
      rows.map((r) => items[r.item].job.id),
      worker,
    );
    const scans: { source: number; ids: string[]; job: string; outcome: string }[] = [];
    items.forEach((it, item) => {
      if (it.outcome.kind !== 'scanned' && it.outcome.kind !== 'failed') return;
      const mine = rows.filter((r) => r.item === item).map((r) => ids.get(keyOf(r.pk, r.rk, r.tk)));
      if (mine.some((id) => id === undefined)) throw new Error('internal error: a result row was neither written nor found');
      scans.push({ source: it.job.data.source, ids: mine as string[], job: it.job.id, outcome: it.outcome.kind });
    });
    if (scans.length)
      await c.query(
        `INSERT INTO ${SCHEMA}.scans (source_id, lexicon_version, result_ids, outcome, job_id, worker)
         SELECT x.source, $2, ARRAY(SELECT jsonb_array_elements_text(x.ids)::bigint), x.outcome, x.job, $3
         FROM jsonb_to_recordset($1::jsonb) AS x(source bigint, ids jsonb, job uuid, outcome text)
         ON CONFLICT (source_id, lexicon_version) DO NOTHING`,
        [JSON.stringify(scans), lexiconVersion, worker],
      );
    const boss = db.boss!;
    const byQueue = new Map<QueueName, { complete: string[]; fail: string[]; why: string }>();
    const deferred = items.filter((it) => it.outcome.kind === 'deferred');
    if (deferred.length)
      await boss.insert(
        deferred.map((it) => ({ name: it.job.name, data: it.job.data, startAfter: new Date(Date.now() + (it.outcome as { seconds: number }).seconds * 1000).toISOString() })),
        { db: bossDb(c) },
      );
    for (const it of items) {
      const q = byQueue.get(it.job.name) ?? { complete: [], fail: [], why: '' };
      byQueue.set(it.job.name, q);
      if (it.outcome.kind === 'lost') {
        q.fail.push(it.job.id);
        q.why = it.outcome.why;
      } else q.complete.push(it.job.id);
    }
    // complete(name, ids, data, { db }) and fail(...) likewise: the options must be the FOURTH
    // argument (pg-boss 10's types only list three, and with three the options are taken for
    // the job's output and the call runs outside our transaction).
    const complete = boss.complete.bind(boss) as unknown as Settle;
    const fail = boss.fail.bind(boss) as unknown as Settle;
    for (const [name, q] of byQueue) {
      if (q.complete.length) await complete(name, q.complete, null, { db: bossDb(c) });
      if (q.fail.length) await fail(name, q.fail, { message: q.why }, { db: bossDb(c) });
    }
  }
}
