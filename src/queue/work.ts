/**
 * `worker`: take jobs from the queue, read and scan each file with the batch runner's worker
 * pool (the same threads, readers and reader child processes as a local `scan`, so the same
 * results), and commit each file's rows with its job's completion (commit.ts).
 *
 * The loop is our own rather than pg-boss's `work()`: `work()` fetches at most one batch per
 * polling interval, and does not await its own completion calls. Here a batch is fetched as soon
 * as there is room, finished files are committed together (one transaction for whatever
 * finished meanwhile), and every database call is awaited and survives the server going away:
 * the worker waits, keeps its finished work, and goes on when the server is back.
 *
 * What may kill a worker is handled in layers: a file that kills one of the pool's threads is an
 * error row, as in a local run (the pool replaces the thread); a file that kills the whole
 * process leaves its job active until the job time limit, then goes through triage (triage.ts)
 * and is tried again alone, up to the queue's tries.
 */
import { hostname } from 'node:os';
import type PgBoss from 'pg-boss';
import { DEFAULT_MAX_BYTES } from '../batch/results.js';
import { DEFAULT_POOL_LIMITS, WorkerPool, type PoolLimits } from '../batch/pool.js';
import { DEFAULT_READER_LIMITS, type ReaderLimits } from '../batch/reader-host.js';
import type { FileResult, Task, WorkerConfig } from '../batch/worker.js';
import { PatientSchema, type DocumentResult, type Patient, type Thresholds } from '../model/index.js';
import { commitFinished, type Finished, type QueueJob } from './commit.js';
import { isConnectionLoss, retrying, watchedDb, type QueueDb } from './connection.js';
import { JobDataSchema } from './jobs.js';
import { QUEUE, SCHEMA, type QueueName } from './names.js';
import { triage } from './triage.js';

export interface WorkerOptions {
  /** threads in this worker's pool */
  concurrency: number;
  /** the user's lexicon files, resolved */
  lexicons?: string[];
  thresholds?: Partial<Thresholds>;
  /** stop: finish the files in progress, commit them, return */
  signal: AbortSignal;
  /** a line for the operator (stderr); never record text */
  log: (line: string) => void;
  /** how long to wait for jobs when the queue is empty (ms) */
  pollMs?: number;
  /** files fetched ahead per thread */
  aheadPerThread?: number;
  /** the queue's job time limit: a job left for other lexicons comes back after this (at most a minute) */
  jobTimeoutSeconds?: number;
  /** once stopping, how long to keep trying to commit finished work while the database is away (ms) */
  drainMs?: number;
  limits?: { pool?: Partial<PoolLimits>; reader?: Partial<ReaderLimits> };
}

export interface WorkerReport {
  files: number;
  documents: number;
  lexiconVersion: string;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** How often an idle or busy worker looks at the suspect and isolated queues (ms). */
const SIDE_EVERY_MS = 1000;
/** Finished files are committed together: up to this many, or after this long (ms). */
const COMMIT_GROUP = 16;
const COMMIT_HOLD_MS = 25;
/** The longest an idle worker waits before asking for jobs again (ms). */
const IDLE_MAX_MS = 2000;

export async function runQueueWorker(db: QueueDb, o: WorkerOptions): Promise<WorkerReport> {
  const w = new QueueWorker(db, o);
  return w.run();
}

class QueueWorker {
  private pool!: WorkerPool;
  private lv = '';
  private readonly me = `${hostname()}:${process.pid}`;
  private readonly config: WorkerConfig;
  private readonly window: number;
  private readonly pollMs: number;
  private inflight = 0;
  private done: Finished[] = [];
  private committing: Promise<void> | undefined;
  private commitAfter = 0;
  private commitTimer: NodeJS.Timeout | undefined;
  private firstDoneAt: number | undefined;
  /** fetches in a row that found nothing */
  private idle = 0;
  private wake: (() => void) | undefined;
  private down: string | undefined;
  private lastSide = 0;
  private isolated = false;
  private nextTask = 0;
  private readonly report: WorkerReport = { files: 0, documents: 0, lexiconVersion: '' };
  private readonly deferredFor = new Set<string>();
  private readonly deferSeconds: number;
  private lastLog = Date.now();
  private sinceLog = { files: 0, documents: 0 };

  constructor(
    private readonly db: QueueDb,
    private readonly o: WorkerOptions,
  ) {
    this.config = {
      lexicons: o.lexicons,
      thresholds: o.thresholds,
      // Results in the database never carry record text.
      includeText: false,
      // Every job carries its own reading options; these are only the pool's defaults.
      maxBytes: DEFAULT_MAX_BYTES,
      reader: {},
      readerLimits: { ...DEFAULT_READER_LIMITS, ...o.limits?.reader },
    };
    this.window = Math.max(2, o.concurrency * (o.aheadPerThread ?? 16));
    this.pollMs = o.pollMs ?? 500;
    this.deferSeconds = Math.min(60, o.jobTimeoutSeconds ?? 60);
  }

  private poolLimits(): PoolLimits {
    return { ...DEFAULT_POOL_LIMITS, ...this.o.limits?.pool };
  }

  private poke = () => {
    const w = this.wake;
    this.wake = undefined;
    w?.();
  };

  private waitFor(ms: number): Promise<void> {
    return new Promise<void>((res) => {
      const t = setTimeout(() => {
        this.wake = undefined;
        res();
      }, ms);
      this.wake = () => {
        clearTimeout(t);
        res();
      };
    });
  }

  private dbDown(err: unknown, what: string): void {
    if (!this.down) this.o.log(`worker: the database is out of reach (${what}: ${this.db.describe(err)}); waiting for it, finished work kept`);
    this.down = this.down ?? what;
  }

  private dbUp(): void {
    if (this.down) this.o.log('worker: the database is back; going on');
    this.down = undefined;
  }

  async run(): Promise<WorkerReport> {
    this.pool = await WorkerPool.start(this.o.concurrency, this.config, this.poolLimits());
    this.lv = this.pool.lexiconVersion;
    this.report.lexiconVersion = this.lv;
    this.o.log(`worker: ${this.o.concurrency} thread${this.o.concurrency === 1 ? '' : 's'}, lexicons ${this.lv}, database ${this.db.shown}`);
    try {
      while (!this.o.signal.aborted) {
        this.progress();
        if (this.pool.failing && this.inflight === 0) await this.restartPool();
        await this.sideQueues();
        if (this.isolated) {
          await this.runIsolated();
          continue;
        }
        const room = this.window - this.inflight - this.done.length;
        if (room > 0 && !this.down && !this.pool.failing) {
          const jobs = await this.fetch(QUEUE.scan, room);
          if (jobs.length) {
            this.idle = 0;
            await this.dispatch(jobs);
            continue;
          }
          this.idle++;
        }
        // An idle worker asks less often (a fleet of them waiting must not keep the database busy).
        await this.waitFor(this.down ? 1000 : Math.min(IDLE_MAX_MS, this.pollMs * 2 ** Math.min(this.idle, 8)));
      }
      await this.drain();
    } finally {
      if (this.commitTimer) clearTimeout(this.commitTimer);
      await this.pool.close();
    }
    return this.report;
  }

  /** A line a minute while working, so that an operator sees it is alive. */
  private progress(): void {
    if (Date.now() - this.lastLog < 60_000) return;
    if (this.sinceLog.files) this.o.log(`worker: ${this.sinceLog.files} files (${this.sinceLog.documents} documents) in the last ${Math.round((Date.now() - this.lastLog) / 1000)} s; ${this.report.files} files in all`);
    this.lastLog = Date.now();
    this.sinceLog = { files: 0, documents: 0 };
  }

  private async restartPool(): Promise<void> {
    this.o.log('worker: the scanning threads kept stopping; starting new ones (their files go back to the queue)');
    await this.pool.close();
    this.pool = await WorkerPool.start(this.o.concurrency, this.config, this.poolLimits());
  }

  /** Fetch jobs; a database error is "no jobs" to pg-boss, so it is watched for here. */
  private async fetch(name: QueueName, batchSize: number): Promise<QueueJob[]> {
    const watch = watchedDb(this.db.pool);
    const jobs = (await this.db.boss!.fetch(name, { batchSize, db: watch.db } as PgBoss.FetchOptions)) as PgBoss.Job<unknown>[] | null;
    const err = watch.take();
    if (err) {
      if (isConnectionLoss(err)) this.dbDown(err, 'fetching jobs');
      else this.o.log(`worker: fetching jobs failed (${this.db.describe(err)})`);
      return [];
    }
    this.dbUp();
    const out: QueueJob[] = [];
    for (const j of jobs ?? []) {
      const data = JobDataSchema.safeParse(j.data);
      if (data.success) out.push({ id: j.id, name, data: data.data });
      else {
        // Not a job of ours (or damaged): it cannot be read, so it is failed; triage reports it.
        this.o.log(`worker: job ${j.id} does not hold a file to scan; failed`);
        this.done.push({ job: { id: j.id, name, data: undefined as never }, outcome: { kind: 'lost', why: 'internal error: the job does not name a file' } });
      }
    }
    return out;
  }

  /** Hand fetched jobs to the pool: their sources first (whose record, stored bytes, already done?). */
  private async dispatch(jobs: QueueJob[]): Promise<void> {
    let sources: Map<number, { patient: string | null; bytes: Buffer | null; done: boolean }>;
    try {
      const { rows } = await retrying(
        'worker',
        30_000,
        () =>
          this.db.pool.query<{ id: string; patient: string | null; bytes: Buffer | null; done: boolean }>(
            `SELECT s.id, s.patient, s.bytes,
                    EXISTS (SELECT 1 FROM ${SCHEMA}.scans c WHERE c.source_id = s.id AND c.lexicon_version = $2) AS done
             FROM ${SCHEMA}.sources s WHERE s.id = ANY($1::bigint[])`,
            [jobs.map((j) => j.data.source), this.lv],
          ),
        undefined,
        this.db.describe,
      );
      sources = new Map(rows.map((r) => [Number(r.id), { patient: r.patient, bytes: r.bytes, done: r.done }]));
    } catch (err) {
      // The jobs stay active: past the time limit they come back through triage.
      this.dbDown(err, 'reading sources');
      return;
    }
    const toScan: { job: QueueJob; task: Task }[] = [];
    for (const job of jobs) {
      const s = sources.get(job.data.source);
      if (job.data.lexiconVersion && job.data.lexiconVersion !== this.lv) {
        if (!this.deferredFor.has(job.data.lexiconVersion)) this.o.log(`worker: jobs queued by a rescan for lexicons ${job.data.lexiconVersion} are left for a worker that has them (this one has ${this.lv})`);
        this.deferredFor.add(job.data.lexiconVersion);
        this.finish({ job, outcome: { kind: 'deferred', seconds: this.deferSeconds } });
        continue;
      }
      if (!s || s.done) {
        if (!s) this.o.log(`worker: the source of job ${job.id} is not in the database any more; completed without a result`);
        this.finish({ job, outcome: { kind: 'done-before' } });
        continue;
      }
      // Whose record it is crosses from the database: checked, and a job whose patient cannot be read is not scanned without it.
      let patient: Patient | undefined;
      if (s.patient) {
        const parsed = (() => {
          try {
            return PatientSchema.safeParse(JSON.parse(s.patient));
          } catch {
            return undefined;
          }
        })();
        if (!parsed?.success) {
          this.finish({ job, outcome: { kind: 'lost', why: 'internal error: the patient recorded for this file could not be read' } });
          continue;
        }
        patient = parsed.data;
      }
      const task: Task = {
        i: this.nextTask++,
        abs: job.data.abs,
        path: job.data.path,
        ...(patient ? { patient } : {}),
        ...(job.data.error !== undefined ? { error: job.data.error } : {}),
        read: { options: job.data.read, ...(s.bytes ? { bytes: s.bytes } : {}), ...(job.data.sha256 ? { sha256: job.data.sha256 } : {}) },
      };
      toScan.push({ job, task });
    }
    // One message per thread's share of the batch, not one per file: the pool's messages cost
    // little next to a scan only when they carry several files.
    // At most a few files a message, so that finished files come back (and are committed) while
    // the thread goes on: a worker that dies then takes fewer finished files with it.
    const per = Math.max(1, Math.min(4, Math.ceil(toScan.length / this.o.concurrency)));
    for (let i = 0; i < toScan.length; i += per) {
      const part = toScan.slice(i, i + per);
      this.inflight += part.length;
      this.pool.run(part.map((p) => p.task)).then(
        (rs) => {
          const byTask = new Map(rs.map((r) => [r.i, r]));
          this.settle(part.map((p) => ({ job: p.job, r: byTask.get(p.task.i) })));
        },
        (err: unknown) => this.settle(part.map((p) => ({ job: p.job, r: undefined })), err),
      );
    }
  }

  private settle(results: { job: QueueJob; r: FileResult | undefined }[], err?: unknown): void {
    for (const { job, r } of results) {
      this.inflight--;
      if (!r || r.lost) this.done.push({ job, outcome: { kind: 'lost', why: r?.lost ?? `internal error: the pool failed (${err instanceof Error ? err.name : 'error'})` } });
      else this.done.push({ job, outcome: { kind: 'scanned', docs: r.docs.map((d) => d.doc as DocumentResult) } });
    }
    this.kick();
    this.poke();
  }

  private finish(f: Finished): void {
    this.done.push(f);
    this.kick();
    this.poke();
  }

  /** Commit whatever has finished, one transaction at a time; on failure keep it and try again later. */
  private kick(): void {
    if (this.committing || this.done.length === 0) return;
    // Gather a few files a transaction while more are coming (a commit costs the database about
    // as much for one file as for ten), but never hold finished work back for long.
    if (this.inflight > 0 && this.done.length < COMMIT_GROUP && !this.o.signal.aborted) {
      this.firstDoneAt ??= Date.now();
      const hold = this.firstDoneAt + COMMIT_HOLD_MS - Date.now();
      if (hold > 0) {
        this.commitTimer ??= setTimeout(() => {
          this.commitTimer = undefined;
          this.kick();
        }, hold);
        return;
      }
    }
    const wait = this.commitAfter - Date.now();
    if (wait > 0) {
      this.commitTimer ??= setTimeout(() => {
        this.commitTimer = undefined;
        this.kick();
      }, wait);
      return;
    }
    const items = this.done.splice(0);
    this.firstDoneAt = undefined;
    this.committing = this.commit(items).finally(() => {
      this.committing = undefined;
      this.poke();
      this.kick();
    });
  }

  private async commit(items: Finished[]): Promise<void> {
    try {
      await commitFinished(this.db, items, this.lv, this.me);
      this.dbUp();
      this.commitAfter = 0;
      for (const it of items) {
        if (it.outcome.kind !== 'scanned') continue;
        this.report.files++;
        this.report.documents += it.outcome.docs.length;
        this.sinceLog.files++;
        this.sinceLog.documents += it.outcome.docs.length;
      }
    } catch (err) {
      if (isConnectionLoss(err)) {
        this.dbDown(err, 'writing results');
        this.done.unshift(...items);
        this.commitAfter = Date.now() + 1000;
        return;
      }
      if (items.length > 1) {
        // Something in this group cannot be written: write them one by one to find it.
        for (const it of items) await this.commit([it]);
        return;
      }
      const it = items[0];
      this.o.log(`worker: the results of ${it.job.data?.path ?? `job ${it.job.id}`} could not be written (${this.db.describe(err)}); its job goes back to the queue`);
      if (it.outcome.kind === 'lost') return; // failing it failed too: it expires and is triaged
      this.done.push({ job: it.job, outcome: { kind: 'lost', why: `internal error: its results could not be written to the database (${this.db.describe(err)})` } });
    }
  }

  /** Triage the suspect queue, and look for isolated retries, every couple of seconds. */
  private async sideQueues(): Promise<void> {
    if (this.down || Date.now() - this.lastSide < SIDE_EVERY_MS) return;
    this.lastSide = Date.now();
    try {
      for (;;) {
        const t = await triage(this.db, this.lv, this.me);
        for (const f of t.failed) this.o.log(`worker: gave up on ${f.path} after ${f.tries} tries; recorded as an error (verdict review)`);
        if (t.unreadable) this.o.log(`worker: ${t.unreadable} dead-lettered jobs did not hold a file to scan; completed`);
        if (t.retried + t.failed.length + t.alreadyDone + t.unreadable < 20) break;
      }
      this.isolated = (await this.db.boss!.getQueueSize(QUEUE.isolated)) > 0;
      this.dbUp();
    } catch (err) {
      if (isConnectionLoss(err)) this.dbDown(err, 'triage');
      else this.o.log(`worker: triage failed (${this.db.describe(err)})`);
    }
  }

  /** A retry runs with nothing else in flight: if it kills this worker, no other job loses a try. */
  private async runIsolated(): Promise<void> {
    while ((this.inflight > 0 || this.done.length > 0 || this.committing) && !this.o.signal.aborted) await this.waitFor(this.pollMs);
    if (this.o.signal.aborted) return;
    const jobs = await this.fetch(QUEUE.isolated, 1);
    if (jobs.length === 0) {
      this.isolated = false;
      return;
    }
    await this.dispatch(jobs);
    while ((this.inflight > 0 || this.done.length > 0 || this.committing) && !this.o.signal.aborted) await this.waitFor(this.pollMs);
  }

  /** Stopping: the files in progress finish and are committed; then the pool closes. */
  private async drain(): Promise<void> {
    while (this.inflight > 0) await this.waitFor(1000);
    const until = Date.now() + (this.o.drainMs ?? 30_000);
    while ((this.done.length > 0 || this.committing) && Date.now() < until) {
      this.kick();
      await this.waitFor(250);
    }
    if (this.done.length) this.o.log(`worker: ${this.done.length} finished files could not be committed before stopping; their jobs go back to the queue`);
    if (this.committing) await this.committing;
  }
}
