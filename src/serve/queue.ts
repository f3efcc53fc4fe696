import type { WorkerPool } from '../batch/pool.js';
import type { FileResult, InlineInput } from '../batch/worker.js';

export class Saturated extends Error {}
export class TimedOut extends Error {}

interface Waiting {
  input: InlineInput;
  resolve: (r: NonNullable<FileResult['reply']> | undefined) => void;
  reject: (err: unknown) => void;
  gone: boolean;
}

/**
 * A bounded queue in front of the worker pool. At most one request per worker is in the pool at
 * a time, so a large document holds one worker and the next request goes to a free one, never
 * behind it; the rest wait here, first come first served. At most `limit` requests wait or scan
 * at once: past that a request is refused at once (503) rather than queued without bound. A
 * request not answered within its time gets TimedOut (504): if it was still waiting it is
 * dropped; if it was scanning, the scan finishes (the pool stops a worker that makes no progress
 * for the same time) and only then frees its place, so that the limit counts real work.
 */
export class ScanQueue {
  private waiting: Waiting[] = [];
  private running = 0;
  private seq = 0;
  private readonly idle: (() => void)[] = [];

  constructor(
    private readonly pool: WorkerPool,
    readonly limit: number,
    private readonly timeoutMs: number,
  ) {}

  /** requests waiting or scanning */
  get size(): number {
    return this.running + this.waiting.length;
  }

  run(input: InlineInput): Promise<NonNullable<FileResult['reply']> | undefined> {
    if (this.size >= this.limit) return Promise.reject(new Saturated('saturated'));
    return new Promise((resolve, reject) => {
      const w: Waiting = { input, resolve, reject, gone: false };
      const timer = setTimeout(() => {
        w.gone = true;
        this.waiting = this.waiting.filter((x) => x !== w);
        reject(new TimedOut('timeout'));
        this.settle();
      }, this.timeoutMs);
      w.resolve = (r) => {
        clearTimeout(timer);
        resolve(r);
      };
      w.reject = (err) => {
        clearTimeout(timer);
        reject(err);
      };
      this.waiting.push(w);
      this.pump();
    });
  }

  private pump(): void {
    while (this.running < this.pool.workers && this.waiting.length) {
      const w = this.waiting.shift()!;
      this.running++;
      this.pool.run([{ i: this.seq++, abs: '', path: 'request', inline: w.input }]).then(
        ([r]) => {
          if (!w.gone) w.resolve(r?.reply);
        },
        (err) => {
          if (!w.gone) w.reject(err);
        },
      ).finally(() => {
        this.running--;
        this.pump();
        this.settle();
      });
    }
  }

  private settle(): void {
    if (this.size === 0) for (const f of this.idle.splice(0)) f();
  }

  /** Resolves once nothing is waiting or scanning. */
  drained(): Promise<void> {
    return this.size === 0 ? Promise.resolve() : new Promise((r) => this.idle.push(r));
  }
}
