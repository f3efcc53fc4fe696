/**
 * The queue against a real PostgreSQL (test/support/pg.ts): the CLI's enqueue, worker, results
 * and status as separate processes of the built bundle, compared with a local `scan` of the same
 * documents. "Identical" is DESIGN.md's: the jsonl rows sorted by (path, record) agree byte for
 * byte (a row has no timing fields). Each test has a database of its own.
 */
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DocumentResult } from '../src/model/index.js';
import { csvHeader, csvRow } from '../src/report/index.js';
import { ensureBuilt, jsonLines, rmrf, runCli, tempDir } from './batch-helpers.js';
import { query, testServer, whyNoDatabase, type Server } from './support/pg.js';
import { allDone, CRASH_ENV, CSV_OPTIONS, progress, startWorker, stopWorker, waitFor, writeBacklog } from './support/queue.js';

const skip = whyNoDatabase();
if (skip) console.warn(`queue.test: skipped: ${skip}`);

const cli = (args: string[], cwd: string) => runCli(args, { cwd, env: CRASH_ENV });
const n = (x: number) => x.toLocaleString('en-GB');
const FILES_NOT_DOCS = 11; // 12 CSV records are one file

describe.skipIf(!!skip)('the queue on PostgreSQL', () => {
  let server: Server;
  let dir: string;
  let documents: number;
  let files: number;
  let local: string;

  beforeAll(async () => {
    await ensureBuilt();
    dir = tempDir('sgs-queue-');
    server = await testServer();
    // 985 text entries, 12 CSV records (one id repeated, one missing), a docx, a scanned PDF
    // (read by OCR) and a file that kills the pool thread reading it: 1,000 documents.
    documents = await writeBacklog(dir, 'backlog', { texts: 985, csvRecords: 12, docx: true, scannedPdf: true, poisonThread: true });
    files = documents - FILES_NOT_DOCS;
    const l = await cli(['scan', 'backlog', ...CSV_OPTIONS, '--format', 'jsonl', '-o', 'local.jsonl', '--concurrency', '2'], dir);
    expect(l.code, l.stderr).toBe(2); // the poison file is an error row: exit 2, as for any input that could not be read
    local = readFileSync(join(dir, 'local.jsonl'), 'utf8');
    writeFileSync(join(dir, 'fast.json'), JSON.stringify({ queue: { jobTimeoutSeconds: 3 } }));
  }, 180_000);

  afterAll(async () => {
    await server?.close();
    if (dir) rmrf(dir);
  });

  it('the local run has what the queue must match: 1,000 documents, CSV records, a docx, an OCR page, an error row', () => {
    const rows = jsonLines(local);
    expect(rows.length).toBe(documents);
    expect(documents).toBe(1000);
    const records = rows.filter((r) => r.path === 'backlog/records.csv').map((r) => r.record);
    expect(records.length).toBe(12);
    expect(new Set(records).size).toBe(12);
    expect(records).toContain('5~2');
    expect(rows.find((r) => r.path === 'backlog/letter.docx')).toMatchObject({ verdict: 'withhold' });
    expect(rows.find((r) => r.path === 'backlog/scanned-letter.pdf')).toMatchObject({ ocr: { pages: 1 } });
    expect(rows.find((r) => r.path === 'backlog/poison-thread.txt')).toMatchObject({ verdict: 'review', error: 'internal error: the worker scanning this file stopped: exit code 70' });
  });

  async function enqueue(url: string, extra: string[] = []): Promise<void> {
    const e = await cli(['enqueue', 'backlog', '--db', url, ...CSV_OPTIONS, ...extra], dir);
    expect(e.code, e.stderr).toBe(0);
    expect(e.stderr).toContain(`enqueued ${files} new files of ${files}`);
  }

  it('one worker: the same jsonl as the local scan, byte for byte; enqueueing again adds nothing; status; SIGTERM exits 143', async () => {
    const url = await server.database();
    await enqueue(url);
    const w = startWorker(url, dir);
    await waitFor(url, allDone, 120_000);
    const again = await cli(['enqueue', 'backlog', '--db', url, ...CSV_OPTIONS], dir);
    expect(again.code).toBe(0);
    expect(again.stderr).toContain(`enqueued 0 new files of ${files}; ${files} already recorded`);
    const [jobs] = await query<{ n: number }>(url, `SELECT count(*)::int AS n FROM safeguard_scan_jobs.job WHERE name = 'scan'`);
    expect(jobs.n).toBe(files);
    const r = await cli(['results', '--db', url], dir);
    expect(r.code).toBe(2); // an error row, as the local scan
    expect(r.stdout).toBe(local);
    const csv = await cli(['results', '--db', url, '--format', 'csv'], dir);
    expect(csv.stdout).toBe(csvHeader() + jsonLines(local).map((d) => csvRow(d as unknown as DocumentResult)).join(''));
    const [rows] = await query<{ n: number; keys: number }>(url, `SELECT count(*)::int AS n, count(DISTINCT (path, record))::int AS keys FROM safeguard_scan.results`);
    expect(rows).toEqual({ n: documents, keys: documents });
    const st = await cli(['status', '--db', url], dir);
    expect(st.code).toBe(0);
    expect(st.stdout).toMatch(new RegExp(`^queued +0 files\\nactive +0 files\\ndone +${n(files)} of ${n(files)} files: ${n(documents)} documents \\(.*; 1 with errors\\)\\nfailed +0 files`, 'm'));
    expect(st.stdout).toMatch(/^throughput +\d+\.\d documents\/s in the last minute; \d+\.\d documents\/s from the first result to the last$/m);
    const stopped = await stopWorker(w);
    expect(stopped.code).toBe(143);
    expect(stopped.stderr).toContain(`worker stopped: ${files} files (${documents} documents) scanned and committed`);
    const [active] = await query<{ n: number }>(url, `SELECT count(*)::int AS n FROM safeguard_scan_jobs.job WHERE state = 'active'`);
    expect(active.n).toBe(0);
  }, 180_000);

  it('three workers: the same jsonl as the local scan, each worker doing part of it', async () => {
    const url = await server.database();
    await enqueue(url);
    const procs = [startWorker(url, dir), startWorker(url, dir), startWorker(url, dir)];
    await waitFor(url, allDone, 120_000);
    const r = await cli(['results', '--db', url, '-o', 'three.jsonl'], dir);
    expect(r.code).toBe(2);
    expect(readFileSync(join(dir, 'three.jsonl'), 'utf8')).toBe(local);
    const by = await query<{ worker: string }>(url, `SELECT DISTINCT worker FROM safeguard_scan.scans`);
    expect(by.length).toBe(3);
    for (const p of procs) expect((await stopWorker(p)).code).toBe(143);
  }, 180_000);

  it('a worker killed with SIGKILL while its jobs are active: another does them, once; nothing lost, nothing written twice', async () => {
    const url = await server.database();
    await enqueue(url, ['--config', 'fast.json']);
    const a = startWorker(url, dir, ['--config', 'fast.json']);
    await waitFor(url, (p) => p.done > 100 && p.active > 0, 60_000, 10);
    a.child.kill('SIGKILL');
    expect((await a.done).signal).toBe('SIGKILL');
    const left = await progress(url);
    expect(left.active).toBeGreaterThan(0); // the dead worker's jobs are still active in the database
    expect(left.done).toBeLessThan(left.files);
    const b = startWorker(url, dir, ['--config', 'fast.json']);
    await waitFor(url, allDone, 120_000);
    expect((await stopWorker(b)).code).toBe(143);
    expect((await cli(['results', '--db', url], dir)).stdout).toBe(local);
    const [rows] = await query<{ n: number }>(url, `SELECT count(*)::int AS n FROM safeguard_scan.results`);
    expect(rows.n).toBe(documents);
    // The jobs the dead worker held came back after the time limit and were tried again, alone.
    const [iso] = await query<{ n: number }>(url, `SELECT count(*)::int AS n FROM safeguard_scan_jobs.job WHERE name = 'scan-isolated' AND state = 'completed'`);
    expect(iso.n).toBeGreaterThanOrEqual(left.active);
  }, 180_000);

  it('a file that kills its worker process every time ends as an error row (review) after its tries; the others are as in a local scan', async () => {
    const url = await server.database();
    const sub = tempDir('sgs-poison-');
    try {
      await writeBacklog(sub, 'p', { texts: 12, poisonProcess: true });
      writeFileSync(join(sub, 'fast.json'), JSON.stringify({ queue: { jobTimeoutSeconds: 2, tries: 2 } }));
      const l = await cli(['scan', 'p', '--ignore', 'p/poison-process.txt', '--format', 'jsonl'], sub);
      expect(l.code).toBe(1);
      expect((await cli(['enqueue', 'p', '--db', url, '--config', 'fast.json'], sub)).code).toBe(0);
      // A supervisor, as systemd would be: a worker that dies is started again.
      let deaths = 0;
      let w = startWorker(url, sub, ['--config', 'fast.json']);
      const end = Date.now() + 120_000;
      for (;;) {
        const p = await progress(url);
        if (allDone(p)) break;
        if (Date.now() > end) throw new Error(`not done: ${JSON.stringify(p)}`);
        if (w.child.exitCode !== null || w.child.signalCode !== null) {
          expect(w.child.signalCode).toBe('SIGKILL');
          deaths++;
          w = startWorker(url, sub, ['--config', 'fast.json']);
        }
        await new Promise((r) => setTimeout(r, 50));
      }
      expect((await stopWorker(w)).code).toBe(143);
      expect(deaths).toBe(2); // its first try, and its one retry alone
      const r = await cli(['results', '--db', url], sub);
      expect(r.code).toBe(2);
      const poison = jsonLines(r.stdout).find((x) => x.path === 'p/poison-process.txt');
      expect(poison).toMatchObject({ verdict: 'review', error: expect.stringMatching(/^could not be scanned: tried 2 times; each time the worker stopped before finishing it/) });
      const others = r.stdout.split('\n').filter((line) => line && !line.startsWith('{"path":"p/poison-process.txt"'));
      expect(others.join('\n') + '\n').toBe(l.stdout);
      const st = await cli(['status', '--db', url], sub);
      expect(st.stdout).toMatch(/^failed +1 files/m);
    } finally {
      rmrf(sub);
    }
  }, 180_000);

  it('--store-bytes: workers read the bytes from the database (the files gone); html gets its text from them; --rescan queues what has no result for the lexicons in force', async () => {
    const url = await server.database();
    const sub = tempDir('sgs-bytes-');
    try {
      await writeBacklog(sub, 'b', { texts: 20, csvRecords: 12, docx: true });
      writeFileSync(join(sub, 'fast.json'), JSON.stringify({ queue: { jobTimeoutSeconds: 3 } }));
      const l = await cli(['scan', 'b', ...CSV_OPTIONS, '--format', 'jsonl'], sub);
      expect((await cli(['enqueue', 'b', '--db', url, ...CSV_OPTIONS, '--store-bytes', '--config', 'fast.json'], sub)).code).toBe(0);
      renameSync(join(sub, 'b'), join(sub, 'gone'));
      const w = startWorker(url, sub);
      await waitFor(url, allDone, 60_000);
      expect((await cli(['results', '--db', url], sub)).stdout).toBe(l.stdout);
      const h = await cli(['results', '--db', url, '-o', 'report.html'], sub);
      expect(h.code).toBe(1);
      const html = readFileSync(join(sub, 'report.html'), 'utf8');
      const risky = jsonLines(l.stdout).filter((x) => x.verdict !== 'visible').length;
      expect(risky).toBeGreaterThan(3);
      expect((html.match(/<pre class="text"/g) ?? []).length).toBe(risky);
      expect(html).not.toContain('Text not included in this report');
      // Nothing to rescan for the same lexicons; a lexicon file of the practice's own makes every file due.
      expect((await cli(['enqueue', '--rescan', '--db', url], sub)).stderr).toContain('queued 0 files again');
      writeFileSync(
        join(sub, 'extra.yaml'),
        '- id: sensitive/invented-term\n  category: sensitive\n  type: invented\n  weight: 0.5\n  terms: [zorbix syndrome]\n  source: "invented for a test"\n' +
          '  examples:\n    match: ["zorbix syndrome"]\n    noMatch: ["zorbas"]\n',
      );
      const [before] = await query<{ n: number }>(url, `SELECT count(*)::int AS n FROM safeguard_scan.scans`);
      const due = await cli(['enqueue', '--rescan', '--db', url, '--lexicons', 'extra.yaml'], sub);
      expect(due.code, due.stderr).toBe(0);
      expect(due.stderr).toContain('queued 22 files again');
      // The worker still running has the old lexicons: it leaves these jobs for one that has the new.
      const until = Date.now() + 20_000;
      while (!w.stderr().includes('are left for a worker that has them') && Date.now() < until) await new Promise((res) => setTimeout(res, 50));
      expect(w.stderr()).toContain('are left for a worker that has them');
      expect((await stopWorker(w)).code).toBe(143);
      const w2 = startWorker(url, sub, ['--lexicons', 'extra.yaml']);
      const end = Date.now() + 90_000;
      for (;;) {
        const [c] = await query<{ n: number }>(url, `SELECT count(*)::int AS n FROM safeguard_scan.scans`);
        if (c.n === before.n + 22) break;
        if (Date.now() > end) throw new Error(`rescan not done: ${c.n} scans of ${before.n + 22}`);
        await new Promise((res) => setTimeout(res, 100));
      }
      expect((await stopWorker(w2)).code).toBe(143);
      const after = jsonLines((await cli(['results', '--db', url], sub)).stdout);
      const old = jsonLines(l.stdout);
      expect(after.map((x) => [x.path, x.record])).toEqual(old.map((x) => [x.path, x.record]));
      expect(new Set(after.map((x) => x.lexiconVersion))).toEqual(new Set([after[0].lexiconVersion]));
      expect(after[0].lexiconVersion).not.toBe(old[0].lexiconVersion);
      expect((await cli(['enqueue', '--rescan', '--db', url, '--lexicons', 'extra.yaml'], sub)).stderr).toContain('queued 0 files again');
    } finally {
      rmrf(sub);
    }
  }, 180_000);

  it('our own unique constraints hold the line, whatever pg-boss does', async () => {
    const url = await server.database();
    expect((await cli(['enqueue', 'backlog/part-000/doc-000001.txt', '--db', url], dir)).code).toBe(0);
    const w = startWorker(url, dir);
    await waitFor(url, allDone, 60_000);
    expect((await stopWorker(w)).code).toBe(143);
    await expect(query(url, `INSERT INTO safeguard_scan.sources (path, sha256, abs, read) SELECT path, sha256, abs, read FROM safeguard_scan.sources`)).rejects.toMatchObject({ code: '23505' });
    await expect(
      query(
        url,
        `INSERT INTO safeguard_scan.results (path, record, path_key, record_key, text_sha256, lexicon_version, verdict, score, line)
         SELECT path, record, path_key, record_key, text_sha256, lexicon_version, verdict, score, line FROM safeguard_scan.results`,
      ),
    ).rejects.toMatchObject({ code: '23505' });
  }, 60_000);
});
