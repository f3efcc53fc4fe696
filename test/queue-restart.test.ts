/**
 * PostgreSQL restarts mid-run (a fast restart, then an outage of two seconds): the workers stay
 * up, keep the files they finished, reconnect, and the result is the local scan's, each row
 * once. This test restarts its server, so it always runs a cluster of its own.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, rmrf, runCli, tempDir } from './batch-helpers.js';
import { query, testServer, whyNoDatabase, type Server } from './support/pg.js';
import { allDone, CRASH_ENV, startWorker, stopWorker, waitFor, writeBacklog } from './support/queue.js';

const skip = whyNoDatabase(true);
if (skip) console.warn(`queue-restart.test: skipped: ${skip}`);

const cli = (args: string[], cwd: string) => runCli(args, { cwd, env: CRASH_ENV });

describe.skipIf(!!skip)('the database restarting mid-run', () => {
  let server: Server;
  let dir: string;

  beforeAll(async () => {
    await ensureBuilt();
    server = await testServer({ ownCluster: true });
    dir = tempDir('sgs-restart-');
  }, 120_000);

  afterAll(async () => {
    await server?.close();
    if (dir) rmrf(dir);
  });

  it('two workers reconnect after a restart and after an outage; nothing is lost or written twice', async () => {
    const docs = await writeBacklog(dir, 'r', { texts: 400, scannedPdf: true });
    const l = await cli(['scan', 'r', '--format', 'jsonl', '-o', 'local.jsonl'], dir);
    expect(l.code).toBe(1);
    const url = await server.database();
    expect((await cli(['enqueue', 'r', '--db', url], dir)).code).toBe(0);
    const workers = [startWorker(url, dir), startWorker(url, dir)];
    await waitFor(url, (p) => p.done >= 60, 60_000, 20);
    await server.cluster!.restart();
    await waitFor(url, (p) => p.done >= 200, 60_000, 20);
    await server.cluster!.restart(2);
    for (const w of workers) expect(w.child.exitCode).toBeNull(); // still running through both
    await waitFor(url, allDone, 120_000);
    const stopped = [];
    for (const w of workers) stopped.push(await stopWorker(w));
    expect(stopped.map((r) => r.code)).toEqual([143, 143]);
    // They saw it go (a worker busy on a long file may not have needed it meanwhile, but not both).
    expect(stopped.some((r) => r.stderr.includes('the database is out of reach') && r.stderr.includes('the database is back'))).toBe(true);
    const r = await cli(['results', '--db', url], dir);
    expect(r.stdout).toBe(readFileSync(join(dir, 'local.jsonl'), 'utf8'));
    const [rows] = await query<{ n: number }>(url, `SELECT count(*)::int AS n FROM safeguard_scan.results`);
    expect(rows.n).toBe(docs);
  }, 240_000);
});
