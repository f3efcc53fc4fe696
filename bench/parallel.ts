/**
 * npm run bench (second part): throughput of the backlog runner (CLI `scan` and the library's
 * scanFiles: worker threads, reading, hashing, ordering) with one worker and with two, over the
 * shared corpus repeated as files, and the ratio. The issue asks for >= 1.75x on this two-core
 * machine, without process-wide V8 flags.
 *
 * Figures are printed, never asserted. Each round runs one worker and two workers back to back
 * (the order alternating from round to round, so that a drift in the machine's load hits both),
 * and the summary gives the median of the rounds with their range. Alongside, for reading them:
 * - throughput counts from the moment a quarter of the documents are out to the last, so that
 *   start-up does not count; wall time includes it, and the wall-time ratio is printed too;
 * - start-up: from the run's start to its first document (listing the files, starting the
 *   workers, building their scanners, the first document);
 * - CPU seconds per 1,000 documents (the whole process, all threads): if two workers cost no
 *   more CPU per document than one, the runner adds no overhead, and the ratio is whatever the
 *   machine gives;
 * - the machine's own ceiling (a pure CPU loop on two threads against one) and the load average,
 *   per round: these are two virtual cores shared with other work.
 *
 * Usage: tsx bench/parallel.ts [files=20000] [--reps=5] [--src] [--only=cli|library] [--dist=DIR]
 *        [--cli=PATH (another built CLI, to compare)] [--no-concurrent-recompilation (set that V8
 *        flag in this process for the library runs, as hosts were once advised to)]
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { Worker } from 'node:worker_threads';
import { bytesOf, loadCorpus } from './corpus.js';
import { lineCounter } from './line-counter.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const MB = 1024 * 1024;

/** Speed-up of a pure CPU loop on two threads over one: what the (virtual) cores give right now. */
async function cpuCeiling(): Promise<number> {
  const code = `const { parentPort } = require('node:worker_threads'); let x = 0; for (let i = 0; i < 2e8; i++) x = (x + i * 7) % 1000003; parentPort.postMessage(x);`;
  const time = async (k: number) => {
    const t0 = performance.now();
    await Promise.all(
      Array.from(
        { length: k },
        () =>
          new Promise<void>((res) => {
            const w = new Worker(code, { eval: true });
            w.once('message', () => {
              void w.terminate();
              res();
            });
          }),
      ),
    );
    return performance.now() - t0;
  };
  const one = await time(1);
  const two = await time(2);
  return (2 * one) / two;
}

/**
 * The CLI's way (`scan DIR -o out.jsonl --concurrency N`): workers render the jsonl lines, the
 * main thread only writes them. Throughput from the first line in the file to the end.
 */
async function cliRun(cli: string, dir: string, n: number, concurrency: number): Promise<Round> {
  const out = join(dir, '..', `bench-out-${process.pid}.jsonl`);
  rmSync(out, { force: true });
  const t0 = performance.now();
  const child = spawn(process.execPath, [cli, 'scan', dir, '-o', out, '--concurrency', String(concurrency)], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  let exited = false;
  const done = new Promise<number>((res) => child.on('close', (code) => res(code ?? -1)));
  void done.then(() => (exited = true));
  // Count lines as they are appended; note when a quarter of the documents are out.
  const linesIn = lineCounter(out);
  let lines = 0;
  let tMark = 0;
  let atMark = 0;
  let tFirst = 0;
  const poll = () => {
    lines = linesIn();
    if (!tFirst && lines > 0) tFirst = performance.now();
    if (!tMark && lines >= n / 4) {
      tMark = performance.now();
      atMark = lines;
    }
  };
  while (!exited) {
    poll();
    await new Promise((r) => setTimeout(r, 5));
  }
  const code = await done;
  const t1 = performance.now();
  poll();
  rmSync(out, { force: true });
  if (lines !== n || code !== 1) throw new Error(`CLI run: exit ${code}, ${lines} lines of ${n}\n${stderr}`);
  const cpu = /CPU ([\d.]+) s/.exec(stderr);
  return { wall: (t1 - t0) / 1000, rate: (n - atMark) / ((t1 - tMark) / 1000), cpuPerK: cpu ? (Number(cpu[1]) / n) * 1000 : NaN, startup: (tFirst - t0) / 1000 };
}

interface Round {
  rate: number;
  wall: number;
  cpuPerK: number;
  /** seconds from the run's start to its first document */
  startup: number;
}

/** "median [min-max]" of some figures. */
function spread(xs: number[], digits = 2): string {
  const s = [...xs].sort((a, b) => a - b);
  return `${s[Math.floor((s.length - 1) / 2)].toFixed(digits)} [${s[0].toFixed(digits)}-${s[s.length - 1].toFixed(digits)}]`;
}

async function main() {
  const args = process.argv.slice(2);
  const n = Number(args.find((a) => /^\d+$/.test(a)) ?? 20000);
  const reps = Number(args.find((a) => a.startsWith('--reps='))?.slice(7) ?? 5);
  const only = args.find((a) => a.startsWith('--only='))?.slice(7);
  // --dist=DIR: a built package to measure instead of this one's dist (a copy, so that a build meanwhile does not change it).
  const dist = resolve(args.find((a) => a.startsWith('--dist='))?.slice(7) ?? resolve(root, 'dist'));
  const cli = resolve(args.find((a) => a.startsWith('--cli='))?.slice(6) ?? join(dist, 'cli.js'));
  // Hosts were once advised to set this (the CLI set it for itself): kept to compare, off by default.
  if (args.includes('--no-concurrent-recompilation')) setFlagsFromString('--no-concurrent-recompilation');
  const fromSrc = args.includes('--src');
  const { scanFiles } = (await import(fromSrc ? resolve(root, 'src/index.ts') : join(dist, 'index.js'))) as typeof import('../src/index.js');
  const corpus = loadCorpus();
  const dir = mkdtempSync(join(tmpdir(), 'sgs-bench-'));
  try {
    const docs: string[] = [];
    for (let i = 0; i < n; i++) {
      const sub = join(dir, String(Math.floor(i / 1000)).padStart(3, '0'));
      if (i % 1000 === 0) mkdirSync(sub);
      const text = corpus[i % corpus.length];
      docs.push(text);
      writeFileSync(join(sub, `doc-${String(i).padStart(6, '0')}.txt`), text);
    }
    const bytes = bytesOf(docs);
    console.log(`parallel: ${n} files (corpus of ${corpus.length} repeated), ${(bytes / MB).toFixed(2)} MB; ${availableParallelism()} cores; CLI ${cli}`);
    const run = async (concurrency: number): Promise<Round> => {
      const t0 = performance.now();
      const c0 = process.cpuUsage();
      let count = 0;
      let tMark = 0;
      let tFirst = 0;
      let atMark = 0;
      for await (const d of scanFiles([dir], { concurrency })) {
        if (d.verdict) count++;
        if (count === 1) tFirst = performance.now();
        if (count === Math.ceil(n / 4)) {
          tMark = performance.now();
          atMark = count;
        }
      }
      const t1 = performance.now();
      const c = process.cpuUsage(c0);
      if (count !== n) throw new Error(`expected ${n} documents, got ${count}`);
      return { wall: (t1 - t0) / 1000, rate: (n - atMark) / ((t1 - tMark) / 1000), cpuPerK: ((c.user + c.system) / 1e6 / n) * 1000, startup: (tFirst - t0) / 1000 };
    };
    await run(2); // warm the page cache
    const modes = [
      ['CLI (scan DIR -o out.jsonl --concurrency N)', (c: number) => cliRun(cli, dir, n, c)],
      ['library (scanFiles, result objects in the main thread)', run],
    ] as const;
    for (const [name, fn] of modes) {
      if (only && !name.toLowerCase().startsWith(only)) continue;
      console.log(name);
      const rounds: { one: Round; two: Round; ceiling: number; load: number }[] = [];
      for (let rep = 0; rep < reps; rep++) {
        const load = loadavg()[0];
        // Alternate which goes first, so that a change in the machine's load hits both alike.
        let one: Round;
        let two: Round;
        if (rep % 2 === 0) {
          one = await fn(1);
          two = await fn(2);
        } else {
          two = await fn(2);
          one = await fn(1);
        }
        const c = await cpuCeiling();
        rounds.push({ one, two, ceiling: c, load });
        console.log(
          `  round ${rep + 1}: 1 worker ${one.rate.toFixed(0)}/s, 2 workers ${two.rate.toFixed(0)}/s: ${(two.rate / one.rate).toFixed(2)}x (wall ${one.wall.toFixed(1)} s / ${two.wall.toFixed(1)} s: ${(one.wall / two.wall).toFixed(2)}x; first document after ${one.startup.toFixed(2)} s / ${two.startup.toFixed(2)} s; machine ceiling ${c.toFixed(2)}x; load average ${load.toFixed(2)})`,
        );
      }
      const docsPerMB = (r: number) => (r * bytes) / n / MB;
      console.log(`  1 worker:   ${spread(rounds.map((r) => r.one.rate), 0)} documents/s, ${spread(rounds.map((r) => docsPerMB(r.one.rate)))} MB/s; ${spread(rounds.map((r) => r.one.cpuPerK))} CPU-s per 1,000 documents`);
      console.log(`  2 workers:  ${spread(rounds.map((r) => r.two.rate), 0)} documents/s, ${spread(rounds.map((r) => docsPerMB(r.two.rate)))} MB/s; ${spread(rounds.map((r) => r.two.cpuPerK))} CPU-s per 1,000 documents`);
      console.log(`  ratio:      ${spread(rounds.map((r) => r.two.rate / r.one.rate))}x steady (target >= 1.75x); wall time with start-up ${spread(rounds.map((r) => r.one.wall / r.two.wall))}x`);
      console.log(`  start-up:   first document after ${spread(rounds.map((r) => r.one.startup))} s with 1 worker, ${spread(rounds.map((r) => r.two.startup))} s with 2`);
      console.log(`  machine:    ceiling ${spread(rounds.map((r) => r.ceiling))}x, load average ${spread(rounds.map((r) => r.load))} (${reps} rounds)`);
    }
    console.log(`peak RSS:   ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB (this process, all runs)`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
