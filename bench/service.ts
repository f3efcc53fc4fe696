/**
 * npm run bench (service part): the HTTP service on loopback, driven by autocannon with 1 KB
 * entries (invented-looking clinical text from the shared corpus, cut to about 1 KB).
 *
 * - requests/s and latency (p50, p99) at 1 and 2 workers: a short warm-up, then `--reps` timed
 *   rounds of `--seconds` each (bounded by time and by a request count); the median and the
 *   range of the rounds are printed: the machine is shared, and one round can be off;
 * - resident memory of the service process (all its threads) over 100,000 requests at 2 workers,
 *   printed at the start, at each quarter and at the end: it should stay flat.
 *
 * The service runs as `safeguard-scan serve` from the built bundle in a process of its own, as
 * it would in production; its RSS is read from /proc. Figures are printed, never asserted.
 *
 * Usage: tsx bench/service.ts [--seconds=10] [--reps=3] [--total=100000] [--connections=8]
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { loadCorpus } from './corpus.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const arg = (name: string, def: number) => {
  const a = process.argv.find((x) => x.startsWith(`--${name}=`));
  return a ? Number(a.split('=')[1]) : def;
};
const SECONDS = arg('seconds', 10);
const REPS = arg('reps', 3);
const TOTAL = arg('total', 100_000);
const CONNECTIONS = arg('connections', 8);

/** About 1 KB of text each, cut at a word. */
function entries(n: number): string[] {
  const out: string[] = [];
  for (const d of loadCorpus()) {
    const flat = d.replace(/\s+/g, ' ').trim();
    if (flat.length < 1100) continue;
    const cut = flat.slice(0, 1024);
    out.push(cut.slice(0, cut.lastIndexOf(' ')));
    if (out.length >= n) break;
  }
  return out;
}

function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Math.round(Number(m[1]) / 1024) : 0;
}

async function startServe(workers: number): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [join(root, 'dist/cli.js'), 'serve', '--port', '0', '--concurrency', String(workers), '--max-pending', '256'], { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  const url = await new Promise<string>((res, rej) => {
    child.stderr!.on('data', (d) => {
      err += d;
      const m = /"event":"listening","url":"([^"]+)"/.exec(err);
      if (m) res(m[1]);
      // Keep only the tail: one log line per request would otherwise pile up here.
      if (err.length > 100_000) err = err.slice(-1000);
    });
    child.once('exit', (c) => rej(new Error(`serve exited (${c}): ${err.slice(-500)}`)));
  });
  return { child, url };
}

async function stop(child: ChildProcess): Promise<void> {
  const gone = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await gone;
}

/** Bounded both ways: at most `seconds`, and at most `requests` (autocannon's `amount` would override the duration, so it is not used). */
function run(url: string, bodies: string[], opts: { seconds: number; requests: number }): Promise<autocannon.Result> {
  return autocannon({
    url: `${url}/scan`,
    connections: CONNECTIONS,
    maxOverallRequests: Math.max(CONNECTIONS, opts.requests),
    duration: opts.seconds,
    timeout: 30,
    requests: bodies.map((body) => ({ method: 'POST', path: '/scan', headers: { 'content-type': 'application/json' }, body })),
  });
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const range = (xs: number[]) => `${Math.min(...xs)}-${Math.max(...xs)}`;

async function main(): Promise<void> {
  const texts = entries(200);
  const bodies = texts.map((text) => JSON.stringify({ text }));
  const mean = Math.round(texts.reduce((n, t) => n + Buffer.byteLength(t), 0) / texts.length);
  console.log(`service bench: ${texts.length} distinct entries of ${mean} bytes on average, ${CONNECTIONS} connections, ${REPS} rounds of ${SECONDS} s per setting`);
  for (const workers of [1, 2]) {
    const { child, url } = await startServe(workers);
    try {
      await run(url, bodies, { seconds: 3, requests: 50_000 });
      const rps: number[] = [];
      const p50: number[] = [];
      const p99: number[] = [];
      let bad = 0;
      for (let r = 0; r < REPS; r++) {
        const res = await run(url, bodies, { seconds: SECONDS, requests: SECONDS * 20_000 });
        rps.push(Math.round(res.requests.average));
        p50.push(res.latency.p50);
        p99.push(res.latency.p99);
        bad += res.non2xx + res.errors + res.timeouts;
      }
      console.log(`  ${workers} worker${workers > 1 ? 's' : ''}: ${median(rps)} requests/s (rounds ${range(rps)}), latency p50 ${median(p50)} ms (${range(p50)}), p99 ${median(p99)} ms (${range(p99)}); not 200: ${bad}`);
    } finally {
      await stop(child);
    }
  }
  const { child, url } = await startServe(2);
  try {
    const pid = child.pid!;
    const points: string[] = [`start ${rssMb(pid)} MB`];
    const quarter = Math.ceil(TOTAL / 4);
    let done = 0;
    let bad = 0;
    const t0 = performance.now();
    while (done < TOTAL) {
      const n = Math.min(quarter, TOTAL - done);
      const res = await run(url, bodies, { seconds: 600, requests: n });
      done += res.requests.total;
      bad += res.non2xx + res.errors + res.timeouts;
      points.push(`${done.toLocaleString('en-GB')}: ${rssMb(pid)} MB`);
      if (res.requests.total === 0) break;
    }
    const s = (performance.now() - t0) / 1000;
    console.log(`  RSS of the service over ${done.toLocaleString('en-GB')} requests at 2 workers (${Math.round(done / s)} requests/s, not 200: ${bad}): ${points.join(', ')}`);
  } finally {
    await stop(child);
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
