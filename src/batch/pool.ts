/**
 * A fixed pool of worker threads. Work goes out in batches of files (one message per batch,
 * not per file, so that messaging costs little next to scanning), to the worker with the
 * fewest batches outstanding. Each worker tells the main thread, through a shared array and
 * without messages, which file it is on and that it is getting on. A worker that dies (out of
 * memory, a crash) or stops getting on (past the time limit) is replaced: the file it was on
 * becomes an error (verdict review), and every other file it held goes to a live worker. No
 * document is lost, and none can stop the run.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { errorResult } from './results.js';
import type { Expanded, expandInputs } from './expand.js';
import { BEAT, CURRENT, PROGRESS_SLOTS, WORKER_FLAG, isPoolThread, renderDoc, startWorker, type FileResult, type FromWorker, type Task, type ToWorker, type WorkerConfig } from './worker.js';

// The built bundles (dist/index.js, dist/index.cjs, dist/cli.js) are their own worker script:
// loaded inside a pool worker, they start the worker loop here instead of doing anything else.
if (isPoolThread()) startWorker();

/**
 * Worker heaps: a smaller young generation than V8's default, which lets each worker's new
 * space grow to tens of MB. Measured on a 100,000-file run: ~20 MB less RSS per worker; 4 MB
 * cost ~15% more CPU in scavenges, 8 MB no measurable throughput.
 */
const YOUNG_GENERATION_MB = 8;

/** Limits of each worker: its V8 heap, and how long a file may go without progress. */
export interface PoolLimits {
  maxHeapMb: number;
  timeoutMs: number;
}
export const DEFAULT_POOL_LIMITS: PoolLimits = { maxHeapMb: 1024, timeoutMs: 120_000 };

/**
 * Our threads start clean: none of the host's node flags (a host run with `--input-type` or
 * `--eval` would make a worker fail to start; loaders are not needed by the built bundle), and
 * their stdout and stderr are captured, not passed through: stdout must stay machine-readable,
 * and a reader library's console message might quote a document. SAFEGUARD_SCAN_DEBUG=1 shows
 * them on stderr.
 */
const THREAD_IO = { execArgv: [] as string[], stdout: true, stderr: true };

function quiet(w: Worker): void {
  const show = !!process.env.SAFEGUARD_SCAN_DEBUG;
  for (const s of [w.stdout, w.stderr]) {
    if (show) s.pipe(process.stderr, { end: false });
    else s.resume();
  }
}

interface Pending {
  tasks: Task[];
  resolve: (r: FileResult[]) => void;
}

interface Slot {
  worker: Worker;
  pending: Map<number, Pending>;
  ready: Promise<string>;
  dead: boolean;
  /** shared with the worker: [current task index or -1, progress counter] */
  progress: Int32Array;
  /** the progress counter when last looked at, and since when it has not moved */
  lastBeat: number;
  stillSince: number;
}

let builtWorker: URL | undefined;

/**
 * How to start a worker: the built worker bundle beside this one (else the running bundle), or
 * the TypeScript entry through tsx.
 * SAFEGUARD_SCAN_WORKER_SCRIPT names a built bundle for the workers of code run from the
 * sources (the tests: compiling the sources in every worker costs a second each).
 */
export function workerSource(): { script: string | URL; eval: boolean } {
  const here = import.meta.url;
  if (/\.[cm]?ts$/.test(new URL(here).pathname)) {
    const built = process.env.SAFEGUARD_SCAN_WORKER_SCRIPT;
    if (built) return { script: pathToFileURL(built), eval: false };
    const entry = new URL('./worker-entry.ts', here).href;
    // Only when running from sources: tsx (a dev dependency) compiles the worker's TypeScript.
    const api = pathToFileURL(createRequire(here).resolve('tsx/esm/api').replace(/\.cjs$/, '.mjs')).href;
    const code = `import(${JSON.stringify(api)}).then((m) => m.tsImport(${JSON.stringify(entry)}, ${JSON.stringify(here)}))`;
    return { script: code, eval: true };
  }
  // The built worker bundle beside this one holds only what a worker runs (scanner, readers,
  // input expansion): starting the CLI's bundle instead would load its commands, the service's
  // HTTP framework and their dependencies in every worker (about a third of a worker's start).
  // Looked for once, not at every worker started.
  builtWorker ??= existsSync(fileURLToPath(new URL('./worker.js', here))) ? new URL('./worker.js', here) : new URL(here);
  return { script: builtWorker, eval: false };
}

export class PoolError extends Error {}

export class WorkerPool {
  private slots: Slot[] = [];
  private nextId = 1;
  private closed = false;
  private watchdog: NodeJS.Timeout | undefined;
  /** workers that died in a row without finishing a batch: past a few, the run gives up on what is left */
  private barren = 0;
  lexiconVersion = '';

  private constructor(
    private readonly size: number,
    private readonly config: WorkerConfig,
    private readonly limits: PoolLimits,
  ) {}

  /** Start `size` workers and wait until each has built its scanner (a bad lexicon fails here, before any work). */
  static async start(size: number, config: WorkerConfig, limits: PoolLimits = DEFAULT_POOL_LIMITS): Promise<WorkerPool> {
    const pool = new WorkerPool(Math.max(1, Math.floor(size)), config, limits);
    for (let i = 0; i < pool.size; i++) pool.slots.push(pool.spawn());
    try {
      const versions = await Promise.all(pool.slots.map((s) => s.ready));
      pool.lexiconVersion = versions[0];
    } catch (err) {
      await pool.close();
      throw err;
    }
    pool.watchdog = setInterval(() => pool.watch(), Math.min(1000, Math.max(50, limits.timeoutMs / 4)));
    pool.watchdog.unref();
    return pool;
  }

  /** A worker on the same file with no progress for the time limit is stopped (the file becomes an error). */
  private watch(): void {
    const now = performance.now();
    for (const s of this.slots) {
      if (s.dead) continue;
      const beat = Atomics.load(s.progress, BEAT);
      const busy = Atomics.load(s.progress, CURRENT) >= 0;
      if (beat !== s.lastBeat || !busy) {
        s.lastBeat = beat;
        s.stillSince = now;
        continue;
      }
      if (now - s.stillSince > this.limits.timeoutMs) this.kill(s, `no progress for ${Math.round(this.limits.timeoutMs / 1000)} s (time limit)`);
    }
  }

  private kill(s: Slot, why: string): void {
    if (s.dead) return;
    s.dead = true;
    this.replace(s, why);
    void s.worker.terminate();
  }

  private spawn(): Slot {
    const src = workerSource();
    const progress = new Int32Array(new SharedArrayBuffer(4 * PROGRESS_SLOTS));
    progress[CURRENT] = -1;
    const worker = new Worker(src.script, {
      eval: src.eval,
      workerData: { [WORKER_FLAG]: 'scan', config: this.config, progress },
      ...THREAD_IO,
      resourceLimits: { maxYoungGenerationSizeMb: YOUNG_GENERATION_MB, maxOldGenerationSizeMb: this.limits.maxHeapMb },
    });
    quiet(worker);
    const slot: Slot = { worker, pending: new Map(), ready: Promise.resolve(''), dead: false, progress, lastBeat: 0, stillSince: performance.now() };
    let started = false;
    slot.ready = new Promise<string>((resolve, reject) => {
      const fail = (message: string) => {
        reject(new PoolError(message));
      };
      worker.on('message', (m: FromWorker) => {
        if (m.type === 'ready') {
          started = true;
          resolve(m.lexiconVersion);
        }
        else if (m.type === 'fatal') fail(m.message);
        else if (m.type === 'done') {
          const p = slot.pending.get(m.id);
          if (p) {
            slot.pending.delete(m.id);
            this.barren = 0;
            p.resolve(m.results);
          }
        }
      });
      const died = (why: string, detail?: string) => {
        if (slot.dead) return;
        slot.dead = true;
        // Before any file was given to it, the message cannot hold record text: show it.
        fail(`a worker could not start (${started ? why : (detail ?? why)})`);
        this.replace(slot, why);
      };
      const described = (err: unknown) => {
        const code = (err as { code?: string })?.code;
        if (code === 'ERR_WORKER_OUT_OF_MEMORY') return `it ran out of memory (the limit is ${this.limits.maxHeapMb} MB)`;
        return err instanceof Error ? err.name : 'error';
      };
      worker.on('error', (err) => died(described(err), err instanceof Error ? err.message : String(err)));
      worker.on('exit', (code) => died(`exit code ${code}`));
    });
    slot.ready.catch(() => undefined);
    return slot;
  }

  /**
   * An error result for a file, in the form the run expects (rendered when the workers render).
   * `lost`: the file itself is not to blame (the workers keep stopping, the pool closed).
   */
  private errorFor(t: Task, why: string, lost = false): FileResult {
    const d = errorResult(t.path, why, this.lexiconVersion);
    const { path, verdict, bytes, error, categories } = d;
    return { i: t.i, docs: [{ meta: { path, verdict, bytes, error, categories }, ...(this.config.render ? { out: renderDoc(this.config.render, d) } : { doc: d }) }], ...(lost ? { lost: why } : {}) };
  }

  /**
   * A worker died or was stopped: the file it was on becomes an error result, the other files
   * it held go to a live worker, and a fresh worker takes its place. A run whose workers keep
   * dying before finishing anything gives up on what is left, as errors, rather than loop.
   */
  private replace(slot: Slot, why: string): void {
    const current = Atomics.load(slot.progress, CURRENT);
    const batches = [...slot.pending.values()];
    slot.pending.clear();
    this.barren++;
    const i = this.slots.indexOf(slot);
    const giveUp = this.closed || this.barren > 3 || !this.lexiconVersion;
    if (i >= 0 && !giveUp) this.slots[i] = this.spawn();
    for (const p of batches) {
      const done = new Map<number, FileResult>();
      const again: Task[] = [];
      for (const t of p.tasks) {
        if (t.i === current) done.set(t.i, this.errorFor(t, `internal error: the worker scanning this file stopped: ${why}`));
        else if (giveUp) done.set(t.i, this.errorFor(t, `internal error: the workers keep stopping (last: ${why}); this file was not scanned`, true));
        else again.push(t);
      }
      const finish = (more: FileResult[]) => {
        for (const r of more) done.set(r.i, r);
        p.resolve(p.tasks.map((t) => done.get(t.i)!));
      };
      if (again.length) this.run(again).then(finish, () => finish(again.map((t) => this.errorFor(t, `internal error: the pool closed (${why})`, true))));
      else finish([]);
    }
  }

  get workers(): number {
    return this.size;
  }

  /** The workers kept dying and the pool has stopped replacing them: a caller that runs for long starts a new pool. */
  get failing(): boolean {
    return this.closed || this.barren > 3 || this.slots.every((s) => s.dead);
  }

  run(tasks: Task[]): Promise<FileResult[]> {
    if (this.closed) return Promise.reject(new PoolError('the pool is closed'));
    const live = this.slots.filter((s) => !s.dead);
    if (live.length === 0) return Promise.resolve(tasks.map((t) => this.errorFor(t, 'internal error: no worker is left to scan this file', true)));
    const slot = live.reduce((a, b) => (b.pending.size < a.pending.size ? b : a), live[0]);
    const id = this.nextId++;
    return new Promise<FileResult[]>((resolve) => {
      slot.pending.set(id, { tasks, resolve });
      slot.worker.postMessage({ type: 'batch', id, tasks } satisfies ToWorker);
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.watchdog) clearInterval(this.watchdog);
    await Promise.all(
      this.slots.map(async (s) => {
        s.dead = true;
        await s.worker.terminate();
      }),
    );
  }
}

/** Run `expandInputs` in a short-lived thread (see worker.ts) and return its result. */
export function expandOffThread(patterns: string[], options: Parameters<typeof expandInputs>[1]): Promise<Expanded> {
  const src = workerSource();
  return new Promise<Expanded>((resolve, reject) => {
    const w = new Worker(src.script, { eval: src.eval, workerData: { [WORKER_FLAG]: 'expand', patterns, options }, ...THREAD_IO });
    quiet(w);
    let settled = false;
    w.once('message', (m: { ok?: Expanded; error?: string }) => {
      settled = true;
      if (m.ok) resolve(m.ok);
      else reject(new PoolError(`cannot list the input files: ${m.error}`));
      void w.terminate();
    });
    w.once('error', (err) => {
      if (!settled) reject(new PoolError(`cannot list the input files (${err.message})`));
      settled = true;
    });
    w.once('exit', (code) => {
      if (!settled) reject(new PoolError(`cannot list the input files (the thread stopped with code ${code})`));
    });
  });
}
