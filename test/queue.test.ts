/**
 * The queue against a real PostgreSQL (test/support/pg.ts): the CLI's enqueue, worker, results
 * and status as separate processes of the built bundle, compared with a local `scan` of the same
 * documents. "Identical" is DESIGN.md's: the jsonl rows sorted by (path, record) agree byte for
 * byte (a row has no timing fields). Each test has a database of its own.
 */
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, type ExpectStatic } from 'vitest';
import type { DocumentResult } from '../src/model/index.js';
import { csvHeader, csvRow } from '../src/report/index.js';
import { ensureBuilt, jsonLines, rmrf, runCli, tempDir } from './batch-helpers.js';
import { query, testServer, whyNoDatabase, type Server } from './support/pg.js';
import { allDone, CRASH_ENV, CSV_OPTIONS, progress, startWorker, stopWorker, waitFor, writeBacklog } from './support/queue.js';

const skip = whyNoDatabase();
if (skip) console.warn(`queue.test: skipped: ${skip}`);
// The test that restarts its server needs a cluster of its own (in CI the binaries are there: .ci/run installs them).
const noOwn = skip ?? whyNoDatabase(true);
if (noOwn && !skip) console.warn(`queue.test: the restart test is skipped: ${noOwn}`);

const cli = (args: string[], cwd: string) => runCli(args, { cwd, env: CRASH_ENV });
const n = (x: number) => x.toLocaleString('en-GB');
const FILES_NOT_DOCS = 11; // 12 CSV records are one file

describe.skipIf(!!skip)('the queue on PostgreSQL', () => {
  let server: Server;
  let dir: string;
  let documents: number;
  let files: number;
  let local: string;
  let ownServer: Promise<Server> | undefined;

  beforeAll(async () => {
    await ensureBuilt();
    dir = tempDir('sgs-queue-');
    if (!noOwn) ownServer = testServer({ ownCluster: true });
    server = await testServer();
    // 985 text entries, 12 CSV records (one id repeated, one missing), a docx, a scanned PDF
    // (read by OCR) and a file that kills the pool thread reading it: 1,000 documents.
    documents = await writeBacklog(dir, 'backlog', { texts: 985, csvRecords: 12, docx: true, scannedPdf: true, poisonThread: true });
    files = documents - FILES_NOT_DOCS;
    const l = await cli(['scan', 'backlog', ...CSV_OPTIONS, '--format', 'jsonl', '-o', 'local.jsonl', '--concurrency', '1'], dir);
    expect(l.code, l.stderr).toBe(2); // the poison file is an error row: exit 2, as for any input that could not be read
    local = readFileSync(join(dir, 'local.jsonl'), 'utf8');
    writeFileSync(join(dir, 'fast.json'), JSON.stringify({ queue: { jobTimeoutSeconds: 3 } }));
  }, 180_000);

  afterAll(async () => {
    if (ownServer) await (await ownServer).close();
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

  async function enqueue(url: string, extra: string[], ex: ExpectStatic): Promise<void> {
    const e = await cli(['enqueue', 'backlog', '--db', url, ...CSV_OPTIONS, ...extra], dir);
    ex(e.code, e.stderr).toBe(0);
    ex(e.stderr).toContain(`enqueued ${files} new files of ${files}`);
  }

  // These two run side by side (the second mostly waits for time limits): the suite stays short.
  it.concurrent('one worker at a time: the first killed with SIGKILL while its jobs are active in the database, a second finishes; the same jsonl as the local scan, byte for byte, each row once', async ({ expect }) => {
    const url = await server.database();
    await enqueue(url, ['--config', 'fast.json'], expect);
    const a = startWorker(url, dir, ['--config', 'fast.json']);
    await waitFor(url, (p) => p.done >= 100 && p.active > 0, 60_000, 5);
    a.child.kill('SIGKILL');
    expect((await a.done).signal).toBe('SIGKILL');
    const left = await progress(url);
    // The only worker is dead: every active job is one it held, still active in the database.
    expect(left.active).toBeGreaterThan(0);
    expect(left.done).toBeLessThan(left.files);
    const b = startWorker(url, dir, ['--config', 'fast.json']);
    await waitFor(url, allDone, 120_000);
    // They came back after the time limit and were tried again, each alone.
    const [iso] = await query<{ n: number }>(url, `SELECT count(*)::int AS n FROM safeguard_scan_jobs.job WHERE name = 'scan-isolated' AND state = 'completed'`);
    expect(iso.n).toBeGreaterThanOrEqual(left.active);
    const r = await cli(['results', '--db', url], dir);
    expect(r.code).toBe(2); // an error row, as the local scan
    expect(r.stdout).toBe(local);
    const [rows] = await query<{ n: number; keys: number }>(url, `SELECT count(*)::int AS n, count(DISTINCT (path, record))::int AS keys FROM safeguard_scan.results`);
    expect(rows).toEqual({ n: documents, keys: documents });
    const csv = await cli(['results', '--db', url, '--format', 'csv'], dir);
    expect(csv.stdout).toBe(csvHeader() + jsonLines(local).map((d) => csvRow(d as unknown as DocumentResult)).join(''));
    // Enqueueing the same files again records nothing and queues nothing.
    const again = await cli(['enqueue', 'backlog', '--db', url, ...CSV_OPTIONS], dir);
    expect(again.code).toBe(0);
    expect(again.stderr).toContain(`enqueued 0 new files of ${files}; ${files} already recorded`);
    // Enqueued again with other reading options: still nothing new (the key is path and bytes), and it says so.
    const other = await cli(['enqueue', 'backlog', '--db', url], dir);
    expect(other.stderr).toContain(`enqueued 0 new files of ${files}`);
    expect(other.stderr).toContain(`warning: ${files} files were recorded before with other reading options or another patient`);
    const [jobs] = await query<{ n: number }>(url, `SELECT count(*)::int AS n FROM safeguard_scan_jobs.job WHERE name = 'scan'`);
    expect(jobs.n).toBe(files);
    const st = await cli(['status', '--db', url], dir);
    expect(st.code).toBe(0);
    expect(st.stdout).toMatch(new RegExp(`^queued +0 files\\nactive +0 files\\ndone +${n(files)} of ${n(files)} files: ${n(documents)} documents \\(.*; 1 with errors\\)\\nfailed +0 files`, 'm'));
    expect(st.stdout).toMatch(/^throughput +\d+\.\d documents\/s in the last minute; \d+\.\d documents\/s from the first result to the last$/m);
    const stopped = await stopWorker(b);
    expect(stopped.code).toBe(143);
    expect(stopped.stderr).toMatch(/worker stopped: \d+ files \(\d+ documents\) scanned and committed/);
    const [active] = await query<{ n: number }>(url, `SELECT count(*)::int AS n FROM safeguard_scan_jobs.job WHERE state = 'active'`);
    expect(active.n).toBe(0);
    // The unique constraints are ours (not pg-boss's singleton keys): a duplicate source or row is refused.
    await expect(query(url, `INSERT INTO safeguard_scan.sources (path, sha256, abs, read) SELECT path, sha256, abs, read FROM safeguard_scan.sources LIMIT 1`)).rejects.toMatchObject({ code: '23505' });
    await expect(
      query(
        url,
        `INSERT INTO safeguard_scan.results (path, record, path_key, record_key, text_sha256, lexicon_version, verdict, score, line)
         SELECT path, record, path_key, record_key, text_sha256, lexicon_version, verdict, score, line FROM safeguard_scan.results LIMIT 1`,
      ),
    ).rejects.toMatchObject({ code: '23505' });
  }, 180_000);

  it.concurrent('a file that kills its worker process every time ends as an error row (review) after its tries; the others are as in a local scan', async ({ expect }) => {
    const url = await server.database();
    const sub = tempDir('sgs-poison-');
    try {
      await writeBacklog(sub, 'p', { texts: 12, poisonProcess: true });
      writeFileSync(join(sub, 'fast.json'), JSON.stringify({ queue: { jobTimeoutSeconds: 1, tries: 2 } }));
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

  it.skipIf(!!noOwn)('three workers, PostgreSQL down for 2 s and then restarting mid-run: the same jsonl as the local scan, each row once; the html report with the text of every document to review', async () => {
    // This test restarts its server: a cluster of its own (started with the local scan).
    const own = await ownServer!;
    try {
      const url = await own.database();
      await enqueue(url, [], expect);
      const procs = [startWorker(url, dir), startWorker(url, dir), startWorker(url, dir)];
      // Down for 2 s while every worker is busy (each has finished work to commit), later a fast restart.
      await waitFor(url, (p) => p.done >= 150, 60_000, 10);
      await own.cluster!.restart(2);
      await waitFor(url, (p) => p.done >= 450, 60_000, 10);
      await own.cluster!.restart();
      for (const w of procs) expect(w.child.exitCode).toBeNull(); // up through both
      await waitFor(url, allDone, 120_000);
      const stopped = [];
      for (const w of procs) stopped.push(await stopWorker(w));
      expect(stopped.map((x) => x.code)).toEqual([143, 143, 143]);
      // They saw it go and come back (one busy on a long file meanwhile may not have needed it; not all three).
      expect(stopped.some((x) => x.stderr.includes('the database is out of reach') && x.stderr.includes('the database is back'))).toBe(true);
      const r = await cli(['results', '--db', url, '-o', 'three.jsonl'], dir);
      expect(r.code).toBe(2);
      expect(readFileSync(join(dir, 'three.jsonl'), 'utf8')).toBe(local);
      const [rows] = await query<{ n: number }>(url, `SELECT count(*)::int AS n FROM safeguard_scan.results`);
      expect(rows.n).toBe(documents);
      const by = await query<{ worker: string }>(url, `SELECT DISTINCT worker FROM safeguard_scan.scans`);
      // The work was shared. All three usually take part, but on a loaded machine a worker that
      // starts late can find the queue drained: at least two is what the timing guarantees.
      expect(by.length).toBeGreaterThanOrEqual(2);
      expect(by.length).toBeLessThanOrEqual(3);
      const h = await cli(['results', '--db', url, '-o', 'report.html'], dir);
      expect(h.code).toBe(2);
      const html = readFileSync(join(dir, 'report.html'), 'utf8');
      const risky = jsonLines(local).filter((x) => x.verdict !== 'visible' && x.sha256).length;
      expect(risky).toBeGreaterThan(100);
      expect((html.match(/<pre class="text"/g) ?? []).length).toBe(risky);
      expect(html).not.toContain('Text not included in this report');
    } finally {
      await own.close();
      ownServer = undefined;
    }
  }, 240_000);

  it('--store-bytes: workers need no files (moved away), html takes its text from the stored bytes; --rescan queues what has no result for the lexicons in force, and a worker with other lexicons leaves those jobs to one that has them', async () => {
    const url = await server.database();
    const part = ['backlog/part-000/doc-00000*.txt', 'backlog/records.csv', 'backlog/letter.docx'];
    const pattern = /^\{"path":"backlog\/(part-000\/doc-00000\d\.txt|records\.csv|letter\.docx)"/;
    const lines = local.split('\n').filter((l) => pattern.test(l));
    const expected = jsonLines(lines.join('\n'));
    expect((await cli(['enqueue', ...part, '--db', url, ...CSV_OPTIONS, '--store-bytes', '--config', 'fast.json'], dir)).code).toBe(0);
    const gone = join(dir, 'backlog-moved');
    renameSync(join(dir, 'backlog'), gone);
    let w;
    try {
      w = startWorker(url, dir);
      await waitFor(url, allDone, 60_000);
      expect((await cli(['results', '--db', url], dir)).stdout).toBe(lines.join('\n') + '\n');
      const h = await cli(['results', '--db', url, '-o', 'part.html'], dir);
      expect(h.code).toBe(1);
      const html = readFileSync(join(dir, 'part.html'), 'utf8');
      const risky = expected.filter((x) => x.verdict !== 'visible').length;
      expect(risky).toBeGreaterThan(2);
      expect((html.match(/<pre class="text"/g) ?? []).length).toBe(risky);
      expect(html).not.toContain('Text not included in this report');
    } finally {
      renameSync(gone, join(dir, 'backlog'));
    }
    // Nothing to rescan for the same lexicons; a lexicon file of the practice's own makes every file due.
    expect((await cli(['enqueue', '--rescan', '--db', url], dir)).stderr).toContain('queued 0 files again');
    writeFileSync(
      join(dir, 'extra.yaml'),
      '- id: sensitive/invented-term\n  category: sensitive\n  type: invented\n  weight: 0.5\n  terms: [zorbix syndrome]\n  source: "invented for a test"\n' +
        '  examples:\n    match: ["zorbix syndrome"]\n    noMatch: ["zorbas"]\n',
    );
    const [before] = await query<{ n: number }>(url, `SELECT count(*)::int AS n FROM safeguard_scan.scans`);
    const due = await cli(['enqueue', '--rescan', '--db', url, '--lexicons', 'extra.yaml'], dir);
    expect(due.code, due.stderr).toBe(0);
    expect(due.stderr).toContain('queued 12 files again');
    // The worker still running has the old lexicons: it leaves these jobs for one that has the new.
    const until = Date.now() + 20_000;
    while (!w.stderr().includes('are left for a worker that has them') && Date.now() < until) await new Promise((res) => setTimeout(res, 50));
    expect(w.stderr()).toContain('are left for a worker that has them');
    expect((await stopWorker(w)).code).toBe(143);
    const w2 = startWorker(url, dir, ['--lexicons', 'extra.yaml']);
    const end = Date.now() + 90_000;
    for (;;) {
      const [c] = await query<{ n: number }>(url, `SELECT count(*)::int AS n FROM safeguard_scan.scans`);
      if (c.n === before.n + 12) break;
      if (Date.now() > end) throw new Error(`rescan not done: ${c.n} scans of ${before.n + 12}`);
      await new Promise((res) => setTimeout(res, 100));
    }
    expect((await stopWorker(w2)).code).toBe(143);
    const after = jsonLines((await cli(['results', '--db', url], dir)).stdout);
    expect(after.map((x) => [x.path, x.record])).toEqual(expected.map((x) => [x.path, x.record]));
    expect(new Set(after.map((x) => x.lexiconVersion)).size).toBe(1);
    expect(after[0].lexiconVersion).not.toBe(expected[0].lexiconVersion);
    expect((await cli(['enqueue', '--rescan', '--db', url, '--lexicons', 'extra.yaml'], dir)).stderr).toContain('queued 0 files again');
  }, 180_000);
});
