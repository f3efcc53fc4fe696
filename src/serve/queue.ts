import type { WorkerPool } from '../batch/pool.js';
import type { FileResult, InlineInput } from '../batch/worker.js';

export class Saturated extends Error {}
export class TimedOut extends Error {}

/**
 * A bounded queue in front of the worker pool: at most `limit` requests are waiting or being
 * scanned; past that a request is refused at once (503) rather than queued without bound. A
 * request not answered within its time gets TimedOut (504); its scan still finishes in its
 * worker (the pool stops a worker that makes no progress for the same time), and only then
 * frees its place, so that the limit counts real work.
 */
export class ScanQueue {
  private pending = 0;
  private seq = 0;
  private readonly idle: (() => void)[] = [];

  constructor(
    private readonly pool: WorkerPool,
    readonly limit: number,
    private readonly timeoutMs: number,
  ) {}

  get size(): number {
    return this.pending;
  }

  async run(input: InlineInput): Promise<NonNullable<FileResult['reply']> | undefined> {
    if (this.pending >= this.limit) throw new Saturated('saturated');
    this.pending++;
    const work = this.pool.run([{ i: this.seq++, abs: '', path: 'request', inline: input }]).finally(() => {
      this.pending--;
      if (this.pending === 0) for (const f of this.idle.splice(0)) f();
    });
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new TimedOut('timeout')), this.timeoutMs);
    });
    try {
      const [r] = await Promise.race([work, late]);
      return r?.reply;
    } finally {
      clearTimeout(timer);
    }
  }

  /** Resolves once nothing is waiting or scanning. */
  drained(): Promise<void> {
    return this.pending === 0 ? Promise.resolve() : new Promise((r) => this.idle.push(r));
  }
}
