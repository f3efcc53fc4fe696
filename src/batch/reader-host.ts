/**
 * The parent side of a reader child process (reader-child.ts). A host owns at most one child,
 * started when the first heavy file arrives, and gives it one file at a time. Every file is
 * bounded: no sign of progress for `timeoutMs` (a page finished counts), or a child whose
 * resident memory passes `maxRssMb`, and the child is killed and the file becomes an error
 * naming the limit; a child that dies on its own (a V8 fatal error, a crash in a native
 * decoder) does the same. The next file gets a fresh child. The main process never dies for a
 * document.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { FromReader, ReadJob } from './reader-child.js';
import type { ReadDocument } from './readers/types.js';

export interface ReaderLimits {
  /** a file showing no progress for this long is stopped (a page of OCR is progress) */
  timeoutMs: number;
  /** a child whose resident memory passes this is stopped */
  maxRssMb: number;
  /** OCR of one page may take this long */
  pageTimeoutMs: number;
  /** an archive (docx) may inflate to at most this many bytes */
  maxInflatedBytes: number;
}

/** A child whose memory passes this share of the limit between files is replaced by a fresh one. */
const RECYCLE_AT = 0.85;

export const DEFAULT_READER_LIMITS: ReaderLimits = { timeoutMs: 120_000, maxRssMb: 1024, pageTimeoutMs: 60_000, maxInflatedBytes: 256 * 1024 * 1024 };

/** How to start a child: the built bundle's reader-child.js, or the TypeScript source through tsx. */
function childScript(): { file: string; execArgv: string[] } {
  const here = fileURLToPath(import.meta.url);
  const built = join(dirname(here), 'reader-child.js');
  if (!/\.[cm]?ts$/.test(here) && existsSync(built)) return { file: built, execArgv: [] };
  const bundle = process.env.SAFEGUARD_SCAN_WORKER_SCRIPT;
  if (bundle && existsSync(join(dirname(bundle), 'reader-child.js'))) return { file: join(dirname(bundle), 'reader-child.js'), execArgv: [] };
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm')).href;
  return { file: join(dirname(here), 'reader-child.ts'), execArgv: ['--import', tsx] };
}

function rssMb(pid: number | undefined): number {
  if (!pid) return 0;
  try {
    const m = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

interface Pending {
  job: ReadJob;
  resolve: (docs: ReadDocument[]) => void;
  onProgress?: () => void;
}

export class ReaderHost {
  private child: ChildProcess | undefined;
  private ready: Promise<void> | undefined;
  private nextId = 1;
  private queue: Pending[] = [];
  private busy = false;
  private closed = false;
  /** the highest resident memory seen in a child, for the run's summary and tests */
  peakRssMb = 0;

  constructor(private readonly limits: ReaderLimits = DEFAULT_READER_LIMITS) {}

  /** Read one heavy file in the child. Never rejects: a failure is an error document. */
  read(ext: string, bytes: Uint8Array, opts: { ocr: boolean; onProgress?: () => void }): Promise<ReadDocument[]> {
    if (this.closed) return Promise.resolve([{ text: '', error: 'the reader was closed' }]);
    return new Promise((resolve) => {
      const job: ReadJob = { type: 'read', id: this.nextId++, ext, bytes, ocr: opts.ocr, pageTimeoutMs: this.limits.pageTimeoutMs, maxInflatedBytes: this.limits.maxInflatedBytes };
      this.queue.push({ job, resolve, onProgress: opts.onProgress });
      this.pump();
    });
  }

  private start(): Promise<void> {
    const { file, execArgv } = childScript();
    const child = fork(file, [], {
      // --expose-gc: the child collects after each file, so that native memory held by
      // collectable objects (canvases, pdf.js pages) is freed before the next (see reader-child.ts).
      execArgv: [...execArgv, '--expose-gc'],
      env: { ...process.env, SAFEGUARD_SCAN_ROLE: 'reader' },
      // The child's own output (pdf.js or tesseract warnings) is never the run's: it is dropped.
      stdio: ['ignore', 'ignore', process.env.SAFEGUARD_SCAN_DEBUG ? 'inherit' : 'ignore', 'ipc'],
      serialization: 'advanced',
    });
    this.child = child;
    this.ready = new Promise<void>((resolve, reject) => {
      const onMessage = (m: FromReader) => {
        if (m.type === 'ready') {
          child.off('message', onMessage);
          resolve();
        }
      };
      child.on('message', onMessage);
      child.once('exit', (code, signal) => reject(new Error(`the reader process could not start (${signal ?? `exit ${code}`})`)));
    });
    this.ready.catch(() => undefined);
    return this.ready;
  }

  /** An idle child never keeps its parent alive (a `check` that read one PDF exits at once). */
  private idle(c: ChildProcess): void {
    c.unref();
    (c.channel as { unref?: () => void } | undefined)?.unref?.();
  }

  private busyChild(c: ChildProcess): void {
    c.ref();
    (c.channel as { ref?: () => void } | undefined)?.ref?.();
  }

  private pump(): void {
    if (this.busy || this.queue.length === 0) return;
    this.busy = true;
    const next = this.queue.shift()!;
    void this.run(next).then(async (docs) => {
      // WASM memory (tesseract) and pdf.js caches only grow: a child past the soft limit is
      // replaced between files, so the reader's memory stays near one file's need.
      const c = this.child;
      if (c && rssMb(c.pid) > this.limits.maxRssMb * RECYCLE_AT) await this.retire(c);
      this.busy = false;
      next.resolve(docs);
      this.pump();
    });
  }

  private async retire(c: ChildProcess): Promise<void> {
    this.child = undefined;
    if (c.exitCode !== null || c.signalCode !== null) return;
    const gone = new Promise((r) => c.once('exit', r));
    c.disconnect?.();
    const timer = setTimeout(() => c.kill('SIGKILL'), 2000);
    await gone;
    clearTimeout(timer);
  }

  private async run({ job, onProgress }: Pending): Promise<ReadDocument[]> {
    try {
      if (!this.child || this.child.exitCode !== null || this.child.signalCode !== null) await this.start();
      else await this.ready;
    } catch (err) {
      this.child = undefined;
      return [{ text: '', error: (err as Error).message }];
    }
    const child = this.child!;
    this.busyChild(child);
    return new Promise<ReadDocument[]>((resolve) => {
      let settled = false;
      let deadline = setTimeout(() => fail(`no progress for ${Math.round(this.limits.timeoutMs / 1000)} s (time limit)`), this.limits.timeoutMs);
      const watch = setInterval(() => {
        const rss = rssMb(child.pid);
        this.peakRssMb = Math.max(this.peakRssMb, rss);
        if (rss > this.limits.maxRssMb) fail(`the reader used more than ${this.limits.maxRssMb} MB of memory (memory limit)`);
      }, 100);
      const finish = (docs: ReadDocument[]) => {
        if (settled) return;
        settled = true;
        clearTimeout(deadline);
        clearInterval(watch);
        child.off('message', onMessage);
        child.off('exit', onExit);
        this.idle(child);
        resolve(docs);
      };
      const fail = (why: string) => {
        if (!settled) child.kill('SIGKILL');
        this.child = undefined;
        finish([{ text: '', error: `could not read the file: ${why}` }]);
      };
      const onMessage = (m: FromReader) => {
        if (m.type === 'progress' && m.id === job.id) {
          onProgress?.();
          clearTimeout(deadline);
          deadline = setTimeout(() => fail(`no progress for ${Math.round(this.limits.timeoutMs / 1000)} s (time limit)`), this.limits.timeoutMs);
        } else if (m.type === 'done' && m.id === job.id) finish(m.docs);
      };
      const onExit = (code: number | null, signal: NodeJS.Signals | null) => {
        this.child = undefined;
        finish([{ text: '', error: `could not read the file: the reader process stopped (${signal ?? `exit code ${code}`})` }]);
      };
      child.on('message', onMessage);
      child.once('exit', onExit);
      child.send(job);
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.child) await this.retire(this.child);
  }
}
