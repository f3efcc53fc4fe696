/**
 * `status`: where the backlog stands. Files waiting and running come from pg-boss (its live
 * jobs); files done and failed from our own tables, which keep them for good (pg-boss archives
 * finished jobs after a while). Throughput from when scans were recorded.
 */
import type { Pool } from 'pg';
import { BOSS_SCHEMA, QUEUE, SCHEMA } from './names.js';

export interface QueueStatus {
  /** jobs waiting: new files, and retries of files whose worker died */
  queued: number;
  /** of those, retries waiting to run alone */
  retrying: number;
  /** jobs being worked on */
  active: number;
  /** files (the latest version of each path) */
  files: number;
  /** files with a result */
  done: number;
  /** of those, given up after their last try (one error row each, verdict review) */
  failed: number;
  /** documents in the results of the files done, by verdict, and how many are errors */
  documents: number;
  verdicts: { visible: number; review: number; withhold: number };
  errors: number;
  /** documents by the lexicon version they were scanned with */
  lexicons: Record<string, number>;
  /** documents recorded in the last minute, and since the first result (per second) */
  lastMinutePerSecond: number;
  overallPerSecond: number;
}

export async function queueStatus(pool: Pool): Promise<QueueStatus> {
  const jobs = { queued: 0, retrying: 0, active: 0 };
  const { rows: hasBoss } = await pool.query<{ t: string | null }>(`SELECT to_regclass('${BOSS_SCHEMA}.job')::text AS t`);
  if (hasBoss[0]?.t) {
    const { rows } = await pool.query<{ name: string; state: string; n: number }>(
      `SELECT name, state::text AS state, count(*)::int AS n FROM ${BOSS_SCHEMA}.job
       WHERE name IN ($1, $2, $3) AND state < 'completed' GROUP BY name, state`,
      [QUEUE.scan, QUEUE.suspect, QUEUE.isolated],
    );
    for (const r of rows) {
      if (r.state === 'active' && r.name !== QUEUE.suspect) jobs.active += r.n;
      else {
        jobs.queued += r.n;
        if (r.name !== QUEUE.scan) jobs.retrying += r.n;
      }
    }
  }
  const { rows: files } = await pool.query<{ files: number; done: number; failed: number }>(
    `WITH latest AS (SELECT DISTINCT ON (path) id FROM ${SCHEMA}.sources ORDER BY path, id DESC),
     chosen AS (SELECT DISTINCT ON (c.source_id) c.source_id, c.outcome FROM ${SCHEMA}.scans c JOIN latest l ON l.id = c.source_id ORDER BY c.source_id, c.finished_at DESC)
     SELECT (SELECT count(*) FROM latest)::int AS files, (SELECT count(*) FROM chosen)::int AS done,
            (SELECT count(*) FROM chosen WHERE outcome = 'failed')::int AS failed`,
  );
  const { rows: docs } = await pool.query<{ lexicon_version: string; verdict: string; errors: number; n: number }>(
    `WITH latest AS (SELECT DISTINCT ON (path) id FROM ${SCHEMA}.sources ORDER BY path, id DESC),
     chosen AS (SELECT DISTINCT ON (c.source_id) c.source_id, c.result_ids FROM ${SCHEMA}.scans c JOIN latest l ON l.id = c.source_id ORDER BY c.source_id, c.finished_at DESC),
     ids AS (SELECT unnest(result_ids) AS id FROM chosen)
     SELECT r.lexicon_version, r.verdict, count(*) FILTER (WHERE r.error IS NOT NULL)::int AS errors, count(*)::int AS n
     FROM ids JOIN ${SCHEMA}.results r ON r.id = ids.id GROUP BY r.lexicon_version, r.verdict`,
  );
  const { rows: rate } = await pool.query<{ recent: number; total: number; span: number | null }>(
    `SELECT coalesce(sum(cardinality(result_ids)) FILTER (WHERE finished_at > now() - interval '60 seconds'), 0)::int AS recent,
            coalesce(sum(cardinality(result_ids)), 0)::int AS total,
            extract(epoch FROM max(finished_at) - min(finished_at))::float8 AS span
     FROM ${SCHEMA}.scans`,
  );
  const verdicts = { visible: 0, review: 0, withhold: 0 };
  const lexicons: Record<string, number> = {};
  let documents = 0;
  let errors = 0;
  for (const r of docs) {
    if (r.verdict in verdicts) verdicts[r.verdict as keyof typeof verdicts] += r.n;
    lexicons[r.lexicon_version] = (lexicons[r.lexicon_version] ?? 0) + r.n;
    documents += r.n;
    errors += r.errors;
  }
  const span = rate[0].span ?? 0;
  return {
    ...jobs,
    files: files[0].files,
    done: files[0].done,
    failed: files[0].failed,
    documents,
    verdicts,
    errors,
    lexicons,
    lastMinutePerSecond: rate[0].recent / 60,
    overallPerSecond: span > 0 ? rate[0].total / span : 0,
  };
}

const n = (x: number) => x.toLocaleString('en-GB');

/** The lines `status` prints. */
export function formatStatus(s: QueueStatus): string {
  const lines = [
    `queued      ${n(s.queued)} files${s.retrying ? ` (${n(s.retrying)} of them retries, run one at a time)` : ''}`,
    `active      ${n(s.active)} files`,
    `done        ${n(s.done)} of ${n(s.files)} files: ${n(s.documents)} documents (${n(s.verdicts.withhold)} withhold, ${n(s.verdicts.review)} review, ${n(s.verdicts.visible)} visible; ${n(s.errors)} with errors)`,
    `failed      ${n(s.failed)} files (given up after their last try: an error row each, verdict review)`,
    `throughput  ${s.lastMinutePerSecond.toFixed(1)} documents/s in the last minute; ${s.overallPerSecond.toFixed(1)} documents/s from the first result to the last`,
  ];
  const versions = Object.entries(s.lexicons);
  if (versions.length) lines.push(`lexicons    ${versions.map(([v, k]) => `${v}: ${n(k)} documents`).join('; ')}`);
  const unaccounted = s.files - s.done - s.queued - s.active;
  if (unaccounted > 0) lines.push(`note        ${n(unaccounted)} files have no result and no job waiting for them (run enqueue --rescan to queue them)`);
  return lines.join('\n') + '\n';
}
