/**
 * Clinicians' recorded decisions (decisions.jsonl from the html report), kept in the queue's
 * database beside the results they were made on: `results --decisions FILE` records them, and
 * every `results` export applies what is recorded as `scan --decisions` does (a decision holds
 * while the document's text is unchanged and its verdict no stricter than the one shown).
 * One decision per document; for the same document the later `decidedAt` wins.
 */
import type { Pool } from 'pg';
import { addDecision, type Decisions } from '../report/decisions.js';
import { DecisionSchema, type Decision } from '../model/index.js';
import { withTransaction } from './connection.js';
import { SCHEMA } from './names.js';

const S = SCHEMA;

/** Record decisions; a decision older than the one recorded for its document is ignored. Returns how many were recorded. */
export async function storeDecisions(pool: Pool, decisions: Decisions): Promise<number> {
  let n = 0;
  await withTransaction(pool, async (c) => {
    for (const d of decisions.values()) {
      const r = await c.query(
        `INSERT INTO ${S}.decisions (path, record, sha256, verdict_shown, decision, decided_at, note) VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (path, record) DO UPDATE SET sha256 = EXCLUDED.sha256, verdict_shown = EXCLUDED.verdict_shown, decision = EXCLUDED.decision,
           decided_at = EXCLUDED.decided_at, note = EXCLUDED.note, recorded_at = now()
         WHERE ${S}.decisions.decided_at <= EXCLUDED.decided_at`,
        [d.path, d.record ?? '', d.sha256, d.verdictShown, d.decision, d.decidedAt, d.note ?? null],
      );
      n += r.rowCount ?? 0;
    }
  });
  return n;
}

interface DecisionRow {
  path: string;
  record: string;
  sha256: string;
  verdict_shown: string;
  decision: string;
  decided_at: Date;
  note: string | null;
}

/** Every recorded decision, checked as a decisions file's lines are (a row changed by hand is an error, not a decision). */
export async function loadStoredDecisions(pool: Pool): Promise<Decisions> {
  const { rows } = await pool.query<DecisionRow>(`SELECT path, record, sha256, verdict_shown, decision, decided_at, note FROM ${S}.decisions`);
  const map: Decisions = new Map();
  for (const r of rows) {
    const d: Decision = DecisionSchema.parse({
      path: r.path,
      ...(r.record !== '' ? { record: r.record } : {}),
      sha256: r.sha256,
      verdictShown: r.verdict_shown,
      decision: r.decision,
      decidedAt: r.decided_at.toISOString(),
      ...(r.note ? { note: r.note } : {}),
    });
    addDecision(map, d);
  }
  return map;
}

/** A database set up before decisions were kept has no table for them (results only reads). */
export async function hasDecisionsTable(pool: Pool): Promise<boolean> {
  const { rows } = await pool.query<{ t: string | null }>(`SELECT to_regclass('${S}.decisions')::text AS t`);
  return !!rows[0]?.t;
}
