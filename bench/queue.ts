/**
 * npm run bench (last part): documents per second through the queue (PostgreSQL + pg-boss)
 * with 1, 2 and 4 worker processes, against a local `scan` of the same files in the same run.
 *
 * Each round: the local scan with 1 and with 2 threads (`scan DIR -o out.jsonl`), then for each
 * number of workers a fresh database, `enqueue DIR`, the workers started (one thread each), and
 * the time until every file has its result. Figures are medians over the rounds, with the range.
 * Throughput counts from the moment a quarter of the documents are done to the last (start-up:
 * a second or two per worker to compile the lexicons); wall time includes it.
 *
 * Also, for sizing: CPU per document of the worker processes and of PostgreSQL (its server
 * processes, from /proc), and the enqueue rate.
 *
 * The database: SAFEGUARD_SCAN_TEST_DB_URL, or a throwaway cluster of its own
 * (scripts/pg-test-cluster.sh; needs PostgreSQL's server binaries). Without either it says so
 * and stops. Usage: tsx bench/queue.ts [files=6000] [--reps=3]
 *
 * Why 6,000: each worker process warms its own JIT, and its first thousand or so documents run
 * slower; with fewer files, four workers would each be measured mostly warming up.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import pg from 'pg';
import { bytesOf, loadCorpus } from './corpus.js';
import { lineCounter } from './line-counter.js';

const run = promisify(execFile);
const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const CLI = join(root, 'dist', 'cli.js');
const SCRIPT = join(root, 'scripts', 'pg-test-cluster.sh');
const MB = 1024 * 1024;
const TICK = 1000 / 100; // clock ticks (USER_HZ) to ms

/** CPU ms (user + system) of a process and its threads, from /proc. */
function cpuMs(pid: number): number {
  try {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(f[11]) + Number(f[12])) * TICK;
  } catch {
    return 0;
  }
}

/** CPU ms of a PostgreSQL cluster: its postmaster and every server process it started. */
function clusterCpuMs(postmaster: number): number {
  let total = cpuMs(postmaster);
  for (const p of readdirSync('/proc')) {
    if (!/^\d+$/.test(p)) continue;
    try {
      const f = readFileSync(`/proc/${p}/stat`, 'utf8').split(') ')[1].split(' ');
      if (Number(f[1]) === postmaster) total += (Number(f[11]) + Number(f[12])) * TICK;
    } catch {
      /* gone */
    }
  }
  return total;
}

interface Db {
  url: string;
  postmaster?: number;
  fresh(): Promise<string>;
  close(): Promise<void>;
}

async function database(): Promise<Db | undefined> {
  const given = process.env.SAFEGUARD_SCAN_TEST_DB_URL;
  let stop: (() => Promise<void>) | undefined;
  let url = given;
  let postmaster: number | undefined;
  if (!url) {
    try {
      if (!readdirSync('/usr/lib/postgresql').some((v) => readdirSync(`/usr/lib/postgresql/${v}/bin`).includes('initdb'))) return undefined;
    } catch {
      return undefined;
    }
    const port = String(50_000 + (process.pid % 10_000));
    const env = { ...process.env, PGTEST_PORT: port, PGTEST_DIR: `/tmp/sgs-pg-bench-${port}` };
    url = (await run(SCRIPT, ['start'], { env })).stdout.trim().split('\n').pop()!;
    postmaster = Number(readFileSync(`/tmp/sgs-pg-bench-${port}/data/postmaster.pid`, 'utf8').split('\n')[0]);
    stop = async () => void (await run(SCRIPT, ['stop'], { env }));
  }
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const made: string[] = [];
  const sql = async (q: string) => {
    const c = new pg.Client({ connectionString: admin.toString() });
    await c.connect();
    try {
      await c.query(q);
    } finally {
      await c.end();
    }
  };
  return {
    url,
    postmaster,
    async fresh() {
      const name = `sgs_bench_${process.pid}_${made.length}`;
      await sql(`CREATE DATABASE ${name}`);
      made.push(name);
      const u = new URL(url!);
      u.pathname = `/${name}`;
      return u.toString();
    },
    async close() {
      if (stop) return stop();
      for (const m of made) await sql(`DROP DATABASE IF EXISTS ${m} WITH (FORCE)`);
    },
  };
}

function cli(args: string[], cwd: string): Promise<{ code: number | null; stderr: string }> {
  return new Promise((res, rej) => {
    const c = spawn(process.execPath, [CLI, ...args], { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    c.stderr.on('data', (d) => (stderr += d));
    c.on('error', rej);
    c.on('close', (code) => res({ code, stderr }));
  });
}

interface Round {
  rate: number;
  wall: number;
  workerCpuMsPerDoc?: number;
  pgCpuMsPerDoc?: number;
  enqueuePerSecond?: number;
}


async function localRound(dir: string, n: number, threads: number): Promise<Round> {
  const out = join(dir, '..', 'bench-local.jsonl');
  rmSync(out, { force: true });
  const t0 = performance.now();
  const child = cli(['scan', 'docs', '-o', out, '--concurrency', String(threads)], join(dir, '..'));
  let exited = false;
  void child.then(() => (exited = true));
  let tMark = 0;
  let atMark = 0;
  const linesIn = lineCounter(out);
  // Counted as the queue is: from a quarter of the documents written to the last.
  while (!exited) {
    const k = linesIn();
    if (!tMark && k >= n / 4) {
      tMark = performance.now();
      atMark = k;
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  const r = await child;
  const t1 = performance.now();
  const lines = linesIn();
  if (lines !== n) throw new Error(`local scan: ${lines} of ${n} documents (exit ${r.code})\n${r.stderr}`);
  return { rate: (n - atMark) / ((t1 - tMark) / 1000), wall: (t1 - t0) / 1000 };
}

async function queueRound(db: Db, dir: string, n: number, workers: number): Promise<Round> {
  const url = await db.fresh();
  const cwd = join(dir, '..');
  const te = performance.now();
  const e = await cli(['enqueue', 'docs', '--db', url], cwd);
  if (e.code !== 0) throw new Error(`enqueue: exit ${e.code}\n${e.stderr}`);
  const enqueuePerSecond = n / ((performance.now() - te) / 1000);
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  let pgMark = 0;
  let cpuMark = 0;
  const t0 = performance.now();
  const procs: ChildProcess[] = Array.from({ length: workers }, () => spawn(process.execPath, [CLI, 'worker', '--db', url, '--concurrency', '1'], { cwd, stdio: 'ignore' }));
  let tMark = 0;
  let atMark = 0;
  let done = 0;
  let cpu = 0;
  const cpuOf = () => procs.reduce((s, p) => s + cpuMs(p.pid!), 0);
  while (done < n) {
    const { rows } = await client.query<{ n: number }>('SELECT coalesce(sum(cardinality(result_ids)), 0)::int AS n FROM safeguard_scan.scans');
    done = rows[0].n;
    cpu = cpuOf();
    if (!tMark && done >= n / 4) {
      tMark = performance.now();
      atMark = done;
      cpuMark = cpu;
      pgMark = db.postmaster ? clusterCpuMs(db.postmaster) : NaN;
    }
    if (performance.now() - t0 > 900_000) throw new Error(`queue with ${workers} workers: ${done} of ${n} after 15 minutes`);
    if (done < n) await new Promise((r) => setTimeout(r, 50));
  }
  const t1 = performance.now();
  // Steady state, as the rate: from a quarter done to the end (start-up compiles the lexicons once per worker).
  const pgCpu = db.postmaster ? clusterCpuMs(db.postmaster) - pgMark : NaN;
  await Promise.all(procs.map((p) => new Promise((r) => (p.once('close', r), p.kill('SIGTERM')))));
  await client.end();
  return {
    rate: (n - atMark) / ((t1 - tMark) / 1000),
    wall: (t1 - t0) / 1000,
    workerCpuMsPerDoc: (cpu - cpuMark) / (n - atMark),
    pgCpuMsPerDoc: pgCpu / (n - atMark),
    enqueuePerSecond,
  };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
};
const range = (xs: number[], d = 0) => `${Math.min(...xs).toFixed(d)}-${Math.max(...xs).toFixed(d)}`;

async function main() {
  const args = process.argv.slice(2);
  const n = Number(args.find((a) => /^\d+$/.test(a)) ?? 6000);
  const reps = Number(args.find((a) => a.startsWith('--reps='))?.slice(7) ?? 3);
  const db = await database();
  if (!db) {
    console.log('queue: skipped: no database (set SAFEGUARD_SCAN_TEST_DB_URL, or install PostgreSQL: apt-get install postgresql)');
    return;
  }
  const corpus = loadCorpus();
  const base = mkdtempSync(join(tmpdir(), 'sgs-bench-queue-'));
  const dir = join(base, 'docs');
  try {
    const docs: string[] = [];
    for (let i = 0; i < n; i++) {
      const sub = join(dir, String(Math.floor(i / 1000)).padStart(3, '0'));
      if (i % 1000 === 0) mkdirSync(sub, { recursive: true });
      docs.push(corpus[i % corpus.length]);
      writeFileSync(join(sub, `doc-${String(i).padStart(6, '0')}.txt`), docs[i]);
    }
    console.log(
      `queue: ${n} files (corpus of ${corpus.length} repeated), ${(bytesOf(docs) / MB).toFixed(2)} MB; ${availableParallelism()} cores; ` +
        `database ${process.env.SAFEGUARD_SCAN_TEST_DB_URL ? 'from SAFEGUARD_SCAN_TEST_DB_URL' : 'a throwaway PostgreSQL cluster on this machine'}; ${reps} rounds`,
    );
    const rows: { label: string; rounds: Round[] }[] = [
      { label: 'local scan, 1 thread', rounds: [] },
      { label: 'local scan, 2 threads', rounds: [] },
      { label: 'queue, 1 worker', rounds: [] },
      { label: 'queue, 2 workers', rounds: [] },
      { label: 'queue, 4 workers', rounds: [] },
    ];
    await localRound(dir, n, 2); // warm the page cache
    for (let rep = 0; rep < reps; rep++) {
      rows[0].rounds.push(await localRound(dir, n, 1));
      rows[1].rounds.push(await localRound(dir, n, 2));
      rows[2].rounds.push(await queueRound(db, dir, n, 1));
      rows[3].rounds.push(await queueRound(db, dir, n, 2));
      rows[4].rounds.push(await queueRound(db, dir, n, 4));
      console.log(`  round ${rep + 1}: ${rows.map((r) => `${r.label} ${r.rounds[rep].rate.toFixed(0)}/s`).join('; ')}`);
    }
    for (const r of rows) {
      const rates = r.rounds.map((x) => x.rate);
      const walls = r.rounds.map((x) => x.wall);
      let line = `  ${r.label.padEnd(22)} ${median(rates).toFixed(0).padStart(5)} documents/s (range ${range(rates)}); wall ${median(walls).toFixed(1)} s with start-up (range ${range(walls, 1)})`;
      if (r.rounds[0].workerCpuMsPerDoc !== undefined) {
        const w = median(r.rounds.map((x) => x.workerCpuMsPerDoc!));
        const p = median(r.rounds.map((x) => x.pgCpuMsPerDoc!));
        line += `; CPU per document: workers ${w.toFixed(2)} ms, PostgreSQL ${Number.isNaN(p) ? 'not measured (server elsewhere)' : `${p.toFixed(2)} ms`}`;
      }
      console.log(line);
    }
    const enq = rows.slice(2).flatMap((r) => r.rounds.map((x) => x.enqueuePerSecond!));
    console.log(`  enqueue                ${median(enq).toFixed(0).padStart(5)} files/s (range ${range(enq)}; reading and hashing each file, one transaction per 500)`);
  } finally {
    rmSync(base, { recursive: true, force: true });
    await db.close();
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
