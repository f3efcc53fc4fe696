/**
 * Triage of the suspect queue: jobs whose worker died or ran past the job time limit (pg-boss
 * puts them there as their dead letter), and jobs failed because the worker's threads kept
 * dying. Each is, in one transaction with its fetch:
 * - completed, if its file has been scanned with this lexicon version meanwhile (the stale
 *   worker committed after all, or a duplicate job did);
 * - sent to the isolated queue for another try, if it has tries left;
 * - after its last try, recorded as an error row (verdict review: never visible) and a scan
 *   with outcome `failed`, so that it is reported and not queued again for this lexicon version.
 * The fetch is part of the transaction: a worker that dies during triage leaves the job waiting.
 */
import type PgBoss from 'pg-boss';
import { errorResult } from '../batch/results.js';
import { bossDb, withTransaction, type QueueDb } from './connection.js';
import { writeFinished, type Finished } from './commit.js';
import { JobDataSchema, type JobData } from './jobs.js';
import { QUEUE, SCHEMA } from './names.js';

export interface TriageReport {
  retried: number;
  failed: { path: string; tries: number }[];
  alreadyDone: number;
  /** jobs whose data could not be read (not ours, or damaged): completed and reported */
  unreadable: number;
}

/** Why the last try ended, in words, from what pg-boss recorded (never record text: these are our messages or pg-boss's). */
function lastFailure(output: unknown): string {
  const o = output as { message?: unknown; value?: { message?: unknown } } | null;
  if (o && typeof o.message === 'string' && o.message.startsWith('internal error')) return o.message;
  return 'each time the worker stopped before finishing it (it died, or ran past the job time limit)';
}

/** The error row of a file given up on: as a local run records a file that could not be read. */
export function givenUpRow(data: JobData, lexiconVersion: string, tries: number, why: string) {
  return errorResult(data.path, `could not be scanned: tried ${tries} time${tries === 1 ? '' : 's'}; ${why}`, lexiconVersion);
}

export async function triage(db: QueueDb, lexiconVersion: string, worker: string, batch = 20): Promise<TriageReport> {
  const report: TriageReport = { retried: 0, failed: [], alreadyDone: 0, unreadable: 0 };
  const boss = db.boss!;
  await withTransaction(db.pool, async (c) => {
    const jobs = (await boss.fetch(QUEUE.suspect, { batchSize: batch, includeMetadata: true, db: bossDb(c) } as PgBoss.FetchOptions & { includeMetadata: true })) as PgBoss.JobWithMetadata<unknown>[];
    if (!jobs?.length) return;
    const parsed = jobs.map((j) => ({ j, data: JobDataSchema.safeParse(j.data) }));
    const ok = parsed.filter((p) => p.data.success).map((p) => ({ j: p.j, data: p.data.data! }));
    report.unreadable = parsed.length - ok.length;
    const { rows } = await c.query<{ source_id: string }>(`SELECT source_id FROM ${SCHEMA}.scans WHERE lexicon_version = $1 AND source_id = ANY($2::bigint[])`, [
      lexiconVersion,
      ok.map((p) => p.data.source),
    ]);
    const done = new Set(rows.map((r) => Number(r.source_id)));
    const finished: Finished[] = [];
    const again: { name: string; data: JobData }[] = [];
    for (const { j, data } of ok) {
      if (done.has(data.source)) {
        report.alreadyDone++;
        continue;
      }
      const tried = data.attempt ?? 1;
      if (tried >= data.tries) {
        report.failed.push({ path: data.path, tries: tried });
        const row = givenUpRow(data, lexiconVersion, tried, lastFailure(j.output));
        // Recorded as if it were a job of the suspect queue: that job is the one completed.
        finished.push({ job: { id: j.id, name: QUEUE.suspect, data }, outcome: { kind: 'failed', docs: [row] } });
        done.add(data.source);
      } else {
        again.push({ name: QUEUE.isolated, data: { ...data, attempt: tried + 1 } });
        report.retried++;
      }
    }
    await writeFinished(db, c, finished, lexiconVersion, worker);
    if (again.length) await boss.insert(again, { db: bossDb(c) });
    const complete = boss.complete.bind(boss) as unknown as (n: string, ids: string[], d: null, o: { db: ReturnType<typeof bossDb> }) => Promise<unknown>;
    const rest = jobs.filter((j) => !finished.some((f) => f.job.id === j.id)).map((j) => j.id);
    if (rest.length) await complete(QUEUE.suspect, rest, null, { db: bossDb(c) });
  });
  return report;
}
