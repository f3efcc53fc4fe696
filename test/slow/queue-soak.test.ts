/**
 * npm run test:slow: the queue under everything at once, longer. 5,000 documents, four worker
 * processes kept up by a supervisor while workers are killed with SIGKILL at random, the server
 * restarts and then goes away for five seconds, and one file kills every worker that reads it
 * (default tries: 3). The result must still be the local scan's, each row once, and the poison
 * file one error row. Also: a server that accepts connections and never answers.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, jsonLines, rmrf, runCli, tempDir } from '../batch-helpers.js';
import { query, testServer, whyNoDatabase, type Server } from '../support/pg.js';
import { allDone, CRASH_ENV, CSV_OPTIONS, progress, startWorker, stopWorker, writeBacklog, type Proc } from '../support/queue.js';

const skip = whyNoDatabase(true);
const cli = (args: string[], cwd: string) => runCli(args, { cwd, env: CRASH_ENV });
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('a database that never answers', () => {
  it('is a timeout, said so, exit 2, no password', async () => {
    await ensureBuilt();
    const silent = createServer(() => undefined);
    await new Promise<void>((res) => silent.listen(0, '127.0.0.1', () => res()));
    try {
      const port = (silent.address() as { port: number }).port;
      const r = await runCli(['status', '--db', `postgres://someone:s3cret-pw@127.0.0.1:${port}/x`], {});
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/cannot connect to the database postgres:\/\/someone:\*\*\*@127\.0\.0\.1:\d+\/x: the connection timed out/);
      expect(r.stderr).not.toContain('s3cret-pw');
    } finally {
      silent.close();
    }
  }, 60_000);
});

describe.skipIf(!!skip)('the queue under kills, restarts and a poison file', () => {
  let server: Server;
  let dir: string;

  beforeAll(async () => {
    await ensureBuilt();
    server = await testServer({ ownCluster: true });
    dir = tempDir('sgs-soak-');
  }, 120_000);

  afterAll(async () => {
    await server?.close();
    if (dir) rmrf(dir);
  });

  it('5,000 documents, four workers: the local scan, each row once', async () => {
    const docs = await writeBacklog(dir, 's', { texts: 4975, csvRecords: 20, docx: true, scannedPdf: true, poisonThread: true, poisonProcess: true });
    const l = await cli(['scan', 's', ...CSV_OPTIONS, '--ignore', 's/poison-process.txt', '--format', 'jsonl', '-o', 'local.jsonl'], dir);
    expect(l.code).toBe(2);
    writeFileSync(join(dir, 'cfg.json'), JSON.stringify({ queue: { jobTimeoutSeconds: 3 } }));
    const url = await server.database();
    expect((await cli(['enqueue', 's', '--db', url, ...CSV_OPTIONS, '--config', 'cfg.json'], dir)).code).toBe(0);
    const workers: Proc[] = [0, 1, 2, 3].map(() => startWorker(url, dir, ['--config', 'cfg.json']));
    let deaths = 0;
    let kills = 0;
    let outage = false;
    let restart = false;
    const end = Date.now() + 600_000;
    let lastKill = Date.now();
    for (;;) {
      let p;
      try {
        p = await progress(url);
      } catch {
        await pause(200);
        continue;
      }
      if (allDone(p)) break;
      if (Date.now() > end) throw new Error(`not done: ${JSON.stringify(p)}`);
      // The supervisor: a dead worker is replaced.
      for (let i = 0; i < workers.length; i++) {
        const w = workers[i];
        if (w.child.exitCode !== null || w.child.signalCode !== null) {
          deaths++;
          workers[i] = startWorker(url, dir, ['--config', 'cfg.json']);
        }
      }
      if (kills < 3 && Date.now() - lastKill > 3000 && p.active > 0) {
        workers[kills % workers.length].child.kill('SIGKILL');
        kills++;
        lastKill = Date.now();
      }
      if (!restart && p.done > p.files * 0.3) {
        restart = true;
        await server.cluster!.restart();
      }
      if (!outage && p.done > p.files * 0.6) {
        outage = true;
        await server.cluster!.restart(5);
      }
      await pause(100);
    }
    for (const w of workers) expect((await stopWorker(w)).code).toBe(143);
    expect(kills).toBe(3);
    expect(deaths).toBeGreaterThanOrEqual(kills + 3); // and three by the poison file
    const r = await cli(['results', '--db', url], dir);
    const poison = jsonLines(r.stdout).find((x) => x.path === 's/poison-process.txt');
    expect(poison).toMatchObject({ verdict: 'review', error: expect.stringMatching(/^could not be scanned: tried 3 times/) });
    const others = r.stdout.split('\n').filter((line) => line && !line.startsWith('{"path":"s/poison-process.txt"'));
    expect(others.join('\n') + '\n').toBe(readFileSync(join(dir, 'local.jsonl'), 'utf8'));
    const [rows] = await query<{ n: number }>(url, `SELECT count(*)::int AS n FROM safeguard_scan.results`);
    expect(rows.n).toBe(docs);
  }, 900_000);
});
