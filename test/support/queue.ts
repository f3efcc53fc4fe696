/**
 * Shared by the queue tests and the queue benchmark: a backlog of invented documents of every
 * kind the queue must treat as a local run does, worker processes of the built CLI, and waiting
 * for the queue to finish.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { docText, ROOT, startCli as startBuiltCli, writeDocs, type RunResult } from '../batch-helpers.js';
import { makeDocx } from '../fixtures/make-fixtures.js';
import { jpeg, makePdf, renderPage } from '../fixtures/scans.js';
import { query } from './pg.js';

export const CRASH_PRELOAD = join(ROOT, 'test', 'support', 'crash-on.cjs');
/** The environment of every CLI process of these tests: the crash preload (it acts only on files named poison-*). */
export const CRASH_ENV = { NODE_OPTIONS: `--require ${CRASH_PRELOAD}` };

/** Reading options for the backlog's CSV, given alike to a local scan and to enqueue. */
export const CSV_OPTIONS = ['--text-column', 'entry', '--id-column', 'id'];

export interface BacklogSpec {
  /** plain text entries */
  texts: number;
  /** records of one CSV file (with a repeated and a missing id) */
  csvRecords?: number;
  docx?: boolean;
  scannedPdf?: boolean;
  /** a file that ends the pool thread reading it */
  poisonThread?: boolean;
  /** a file that kills the whole process reading it */
  poisonProcess?: boolean;
}

/** Write the backlog under `dir/name`; returns the number of documents a run gives. */
export async function writeBacklog(dir: string, name: string, spec: BacklogSpec): Promise<number> {
  const root = join(dir, name);
  mkdirSync(root, { recursive: true });
  writeDocs(root, spec.texts);
  let docs = spec.texts;
  if (spec.csvRecords) {
    const rows = ['id,entry'];
    for (let i = 0; i < spec.csvRecords; i++) {
      // Ids as a practice export has them: mostly numbers, one repeated, one missing.
      const id = i === 7 ? '5' : i === 9 ? '' : String(i + 1);
      rows.push(`${id},"${docText(10_000 + i).replace(/"/g, '""')}"`);
    }
    writeFileSync(join(root, 'records.csv'), rows.join('\r\n') + '\r\n');
    docs += spec.csvRecords;
  }
  if (spec.docx) {
    writeFileSync(join(root, 'letter.docx'), await makeDocx(['Re: Alex Example', 'Seen in clinic with her partner Dave Invented.', 'Disclosed that he hit her last month. MARAC referral made.']));
    docs++;
  }
  if (spec.scannedPdf) {
    const page = renderPage(['Re: Sam Sample', 'Reviewed in clinic today. Blood pressure well controlled.', 'Plan: continue ramipril, review in six months.'], 150);
    writeFileSync(join(root, 'scanned-letter.pdf'), await makePdf([{ jpeg: jpeg(page, 80, 150) }]));
    docs++;
  }
  if (spec.poisonThread) {
    writeFileSync(join(root, 'poison-thread.txt'), 'Seen today. Routine review.\n');
    docs++;
  }
  if (spec.poisonProcess) {
    writeFileSync(join(root, 'poison-process.txt'), 'Seen today. Routine review.\n');
    docs++;
  }
  return docs;
}

export interface Proc {
  child: ChildProcess;
  done: Promise<RunResult>;
  stderr(): string;
}

/** Start the built CLI (a worker, usually) with the crash preload. */
export const startCli = (args: string[], opts: { cwd: string; env?: NodeJS.ProcessEnv }): Proc => startBuiltCli(args, { cwd: opts.cwd, env: { ...CRASH_ENV, ...opts.env } });

export const startWorker = (url: string, cwd: string, extra: string[] = [], env?: NodeJS.ProcessEnv): Proc =>
  startCli(['worker', '--db', url, '--concurrency', '1', ...extra], { cwd, env });

/** Stop a worker with SIGTERM and return its exit. */
export async function stopWorker(w: Proc): Promise<RunResult> {
  if (w.child.exitCode === null && w.child.signalCode === null) w.child.kill('SIGTERM');
  return w.done;
}

export interface Progress {
  files: number;
  done: number;
  failed: number;
  rows: number;
  active: number;
}

/** Where the queue stands, read straight from the tables (independently of `status`). */
export async function progress(url: string): Promise<Progress> {
  const [r] = await query<{ files: number; done: number; failed: number; rows: number; active: number }>(
    url,
    `WITH latest AS (SELECT DISTINCT ON (path) id FROM safeguard_scan.sources ORDER BY path, id DESC)
     SELECT (SELECT count(*) FROM latest)::int AS files,
            (SELECT count(DISTINCT c.source_id) FROM safeguard_scan.scans c JOIN latest l ON l.id = c.source_id)::int AS done,
            (SELECT count(DISTINCT c.source_id) FROM safeguard_scan.scans c JOIN latest l ON l.id = c.source_id WHERE c.outcome = 'failed')::int AS failed,
            (SELECT count(*) FROM safeguard_scan.results)::int AS rows,
            (SELECT count(*) FROM safeguard_scan_jobs.job WHERE state = 'active')::int AS active`,
  );
  return r;
}

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Wait until every file has a result (or `until` says so); fails after `timeoutMs` with where it stood. */
export async function waitFor(url: string, until: (p: Progress) => boolean, timeoutMs: number, everyMs = 100): Promise<Progress> {
  const end = Date.now() + timeoutMs;
  let last: Progress | undefined;
  for (;;) {
    try {
      last = await progress(url);
      if (until(last)) return last;
    } catch {
      // the server may be restarting
    }
    if (Date.now() > end) throw new Error(`queue did not get there in ${timeoutMs} ms: ${JSON.stringify(last)}`);
    await pause(everyMs);
  }
}

export const allDone = (p: Progress) => p.files > 0 && p.done === p.files;
