/**
 * The ordered, bounded run: files go out to the pool in sorted order, a bounded window ahead of
 * the next one to emit; results come back in any order and leave through a reorder buffer in
 * sorted order. Nothing in here grows with the size of the backlog except the (sorted) path
 * list itself, so memory stays flat for 100,000 files.
 *
 * It is an async generator: new work is dispatched only while the consumer keeps pulling, so a
 * slow consumer lets the workers go idle instead of letting results pile up (backpressure).
 */
import { resolve } from 'node:path';
import type { Patient } from '../model/index.js';
import { compareRecords } from '../model/index.js';
import type { WorkerPool } from './pool.js';
import { readSpill } from './spill.js';
import type { DocMeta, DocOut, FileResult, Task } from './worker.js';

/** One document, in order: its result object, or (when the workers render) its output text. */
export type Emitted = DocOut;

export interface RunState {
  /** files whose results have been emitted (or skipped by resume) */
  filesDone: number;
  /** files in this run */
  filesTotal: number;
  /** files sent to workers so far (at most a window ahead of filesDone: backpressure) */
  dispatched?: number;
  /** files whose journal results still held (resume): not scanned again */
  unchanged?: number;
}

export interface RunOptions {
  cwd: string;
  /** display paths (relative to cwd), sorted */
  paths: readonly string[];
  /** patient by absolute path (from a manifest) */
  patientOf?: (abs: string) => Patient | undefined;
  /** what a journal recorded for a file (by display path): it is scanned again only if that no longer holds */
  knownOf?: (path: string) => Task['known'];
  /** why a path cannot be read at all (a folder that could not be listed): it is an error row */
  errorOf?: (path: string) => string | undefined;
  /** files per message to a worker; default adapts to the run size */
  batchSize?: number;
  /** most files dispatched ahead of the next to emit; default 4 batches per worker */
  window?: number;
  /** abort: stop dispatching, let what is in flight finish, emit it, and return */
  signal?: AbortSignal;
  /**
   * After an abort, how long what is in flight may take to finish (default 5 s): past it the run
   * returns without it (a hung document must not keep a stopped run alive); what was emitted is
   * a prefix in order, and a resumed run scans the rest.
   */
  graceMs?: number;
  /** false: leave a document out (resume: already recorded) */
  keep?: (d: DocMeta) => boolean;
  state?: RunState;
}

export function defaultBatchSize(files: number, workers: number): number {
  // Enough batches per worker to balance the load; at most 32 files per message.
  return Math.max(1, Math.min(32, Math.floor(files / (workers * 16))));
}

export async function* runOrdered(pool: WorkerPool, opts: RunOptions): AsyncGenerator<Emitted, void, undefined> {
  const { paths, cwd } = opts;
  const workers = pool.workers;
  const batchSize = Math.max(1, opts.batchSize ?? defaultBatchSize(paths.length, workers));
  const window = Math.max(batchSize, opts.window ?? batchSize * workers * 4);
  const maxInFlight = workers * 2;
  const state = opts.state ?? { filesDone: 0, filesTotal: paths.length };
  state.filesTotal = paths.length;

  const ready = new Map<number, FileResult>();
  let next = 0; // next file to dispatch
  let emit = 0; // next file to emit
  let inFlight = 0;
  let failure: unknown;
  let wake: (() => void) | undefined;
  const poke = () => {
    const w = wake;
    wake = undefined;
    w?.();
  };
  let graceOver = false;
  let grace: NodeJS.Timeout | undefined;
  const onAbort = () => {
    grace = setTimeout(() => {
      graceOver = true;
      poke();
    }, opts.graceMs ?? 5_000);
    grace.unref();
    poke();
  };
  if (opts.signal?.aborted) onAbort();
  else opts.signal?.addEventListener('abort', onAbort, { once: true });

  const dispatch = () => {
    while (!opts.signal?.aborted && next < paths.length && inFlight < maxInFlight && next - emit < window) {
      const end = Math.min(paths.length, next + batchSize, emit + window);
      const tasks: Task[] = [];
      for (let i = next; i < end; i++) {
        const abs = resolve(cwd, paths[i]);
        const patient = opts.patientOf?.(abs);
        const known = opts.knownOf?.(paths[i]);
        const error = opts.errorOf?.(paths[i]);
        tasks.push({ i, abs, path: paths[i], ...(patient ? { patient } : {}), ...(known ? { known } : {}), ...(error ? { error } : {}) });
      }
      next = end;
      state.dispatched = next;
      inFlight++;
      pool.run(tasks).then(
        (results) => {
          inFlight--;
          for (const r of results) ready.set(r.i, r);
          poke();
        },
        (err) => {
          inFlight--;
          failure ??= err;
          poke();
        },
      );
    }
  };

  try {
    while (emit < paths.length) {
      if (failure) throw failure;
      dispatch();
      const r = ready.get(emit);
      if (r) {
        ready.delete(emit);
        emit++;
        state.filesDone = emit;
        if (r.unchanged) state.unchanged = (state.unchanged ?? 0) + 1;
        const docs = r.spill ? readSpill(r.spill.path) : r.docs.length > 1 ? [...r.docs].sort((a, b) => compareRecords(a.meta.record, b.meta.record)) : r.docs;
        for (const d of docs) {
          if (opts.keep && !opts.keep(d.meta)) continue;
          yield d;
        }
        continue;
      }
      // Interrupted and everything dispatched has come back: the emitted files are a prefix.
      if (opts.signal?.aborted && ((inFlight === 0 && !ready.has(emit)) || graceOver)) return;
      await new Promise<void>((res) => {
        wake = res;
      });
    }
  } finally {
    opts.signal?.removeEventListener('abort', onAbort);
    if (grace) clearTimeout(grace);
  }
}
