/**
 * `results`: what is done, in the order of a local run. For each path the latest version
 * enqueued counts (a file that changed and was enqueued again is reported as it is now), with
 * its latest scan (a rescan with new lexicons replaces the old rows as it goes); a path whose
 * latest version has no result yet is left out and counted as pending.
 *
 * Rows come out of the database through a cursor, a page at a time, so that exporting a big
 * backlog to jsonl or csv keeps memory flat.
 */
import { createHash } from 'node:crypto';
import type { Pool } from 'pg';
import { loadFile, loadGivenBytes, readBytes, type ReaderOptions } from '../batch/read.js';
import { ReaderHost } from '../batch/reader-host.js';
import { verdictAtLeast, type DocumentResult } from '../model/index.js';
import { withTransaction } from './connection.js';
import { SCHEMA } from './names.js';

const S = SCHEMA;

const LATEST = `
  latest AS (SELECT DISTINCT ON (path) id FROM ${S}.sources ORDER BY path, id DESC),
  chosen AS (
    SELECT DISTINCT ON (c.source_id) c.source_id, c.result_ids, c.outcome FROM ${S}.scans c JOIN latest l ON l.id = c.source_id
    ORDER BY c.source_id, c.finished_at DESC, c.lexicon_version
  )`;

export interface ExportedRow {
  /** the jsonl line (without its newline) */
  line: string;
  source: string;
}

/** Every exported row, in the order of a local run. */
export async function* exportRows(pool: Pool, page = 500): AsyncGenerator<ExportedRow, void, undefined> {
  // A cursor lives in a transaction; the generator holds the client until it is done.
  const c = await pool.connect();
  let failed: unknown;
  const onError = (err: unknown) => {
    failed = err;
  };
  c.on('error', onError);
  try {
    await c.query('BEGIN READ ONLY');
    await c.query(
      `DECLARE exported NO SCROLL CURSOR FOR
       WITH ${LATEST}, ids AS (SELECT source_id, unnest(result_ids) AS id FROM chosen)
       SELECT r.line, ids.source_id::text AS source FROM ids JOIN ${S}.results r ON r.id = ids.id
       ORDER BY r.path_key, r.record_key`,
    );
    for (;;) {
      const { rows } = await c.query<ExportedRow>(`FETCH ${page} FROM exported`);
      if (rows.length === 0) break;
      for (const r of rows) yield r;
    }
    await c.query('COMMIT');
  } catch (err) {
    failed ??= err;
    await c.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    c.removeListener('error', onError);
    c.release(failed instanceof Error ? failed : undefined);
  }
}

/** Paths whose latest version has no result yet (queued, running, or lost: `enqueue --rescan`). */
export async function pendingFiles(pool: Pool): Promise<number> {
  const { rows } = await pool.query<{ n: string }>(
    `WITH ${LATEST} SELECT count(*)::text AS n FROM latest l WHERE NOT EXISTS (SELECT 1 FROM ${S}.scans c WHERE c.source_id = l.id)`,
  );
  return Number(rows[0].n);
}

interface SourceToRead {
  id: string;
  path: string;
  abs: string;
  sha256: string;
  read: string;
  bytes: Buffer | null;
}

const textSha = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');

/**
 * The html report shows the text of each document at or above review; the database keeps no
 * record text, so it is read again from the file (or the stored bytes) with the same readers,
 * and used only if it is the text that was scanned (same sha256), so that every highlight is
 * where the finding was. A document whose text cannot be had so is shown without it.
 * Returns how many documents needed text and could not get it.
 */
export async function attachTexts(pool: Pool, docs: { doc: DocumentResult & { text?: string }; source: string }[]): Promise<number> {
  const wanted = docs.filter((d) => d.doc.sha256 && verdictAtLeast(d.doc.verdict, 'review'));
  if (wanted.length === 0) return 0;
  const bySource = new Map<string, typeof wanted>();
  for (const d of wanted) bySource.set(d.source, [...(bySource.get(d.source) ?? []), d]);
  const host = new ReaderHost();
  let missing = 0;
  try {
    const ids = [...bySource.keys()];
    for (let i = 0; i < ids.length; i += 200) {
      const { rows } = await withTransaction(pool, (c) =>
        c.query<SourceToRead>(`SELECT id::text AS id, path, abs, sha256, read, bytes FROM ${S}.sources WHERE id = ANY($1::bigint[])`, [ids.slice(i, i + 200)]),
      );
      for (const s of rows) {
        const opts = JSON.parse(s.read) as ReaderOptions;
        const loaded = s.bytes ? loadGivenBytes(s.path, s.bytes, opts) : loadFile(s.abs, opts);
        if ('docs' in loaded) continue;
        if (s.sha256 && createHash('sha256').update(loaded.bytes).digest('hex') !== s.sha256) continue;
        const read = await readBytes(s.abs, loaded.bytes, loaded.options, host);
        for (const d of bySource.get(s.id) ?? []) {
          const rd = read.find((r) => r.record === d.doc.record && !r.error);
          if (rd && textSha(rd.text) === d.doc.sha256) d.doc.text = rd.text;
        }
      }
    }
  } finally {
    await host.close();
  }
  for (const d of wanted) if (d.doc.text === undefined) missing++;
  return missing;
}
