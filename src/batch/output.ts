/**
 * Where results go: stdout or a file. Writes are gathered into chunks (and flushed at least
 * every 200 ms), so that a run killed at any moment loses at most that much finished work,
 * which `--resume` then redoes. File writes are synchronous (page cache): nothing is left in a
 * userland buffer when the process exits.
 */
import { closeSync, existsSync, ftruncateSync, openSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';

export class OutputError extends Error {}

export interface Sink {
  write(s: string): void;
  /** push buffered text out now */
  flush(): void;
  close(): void;
}

const CHUNK = 64 * 1024;

class BufferedSink implements Sink {
  private parts: string[] = [];
  private size = 0;
  private timer: NodeJS.Timeout | undefined;
  /** a write that failed on the timer: thrown at the next call from the run, never lost */
  private pending: unknown;
  constructor(private readonly out: (s: string) => void) {
    this.timer = setInterval(() => {
      try {
        this.flush();
      } catch (err) {
        this.pending ??= err;
      }
    }, 200);
    this.timer.unref();
  }
  write(s: string): void {
    this.check();
    this.parts.push(s);
    this.size += s.length;
    if (this.size >= CHUNK) this.flush();
  }
  private check(): void {
    if (this.pending !== undefined) throw this.pending;
  }
  flush(): void {
    this.check();
    if (this.size === 0 && this.parts.length === 0) return;
    const s = this.parts.join('');
    this.parts = [];
    this.size = 0;
    if (s) this.out(s);
  }
  close(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.flush();
  }
}

/** A stream the results can go to (standard output, or any other). */
export interface OutputStream {
  write(s: string): unknown;
  on?(event: 'error', listener: (err: NodeJS.ErrnoException) => void): unknown;
}

export interface StreamSink extends Sink {
  /** why writing failed (an errno code such as ENOSPC), if it did: the run must then exit 2, never claim success */
  failure(): string | undefined;
}

/**
 * stdout: synchronous for files and pipes on Linux. A closed pipe (EPIPE, e.g. `| head`) stops
 * the output quietly; any other failure (a full disk: ENOSPC) is remembered and reported.
 */
export function streamSink(stream: OutputStream = process.stdout): StreamSink {
  let broken = false;
  let failed: string | undefined;
  const fail = (err: unknown) => {
    const code = (err as NodeJS.ErrnoException)?.code ?? 'error';
    if (code === 'EPIPE') broken = true;
    else failed ??= code;
  };
  stream.on?.('error', fail);
  const sink = new BufferedSink((s) => {
    if (broken || failed) return;
    try {
      stream.write(s);
    } catch (err) {
      fail(err);
    }
  });
  return Object.assign(sink, { failure: () => failed });
}

export interface FileSink extends Sink {
  readonly path: string;
  /** true when this run created the file (so that a run that fails before any work can remove it) */
  readonly created: boolean;
  /** start writing: truncate (a fresh run) or append (resume) */
  begin(mode: 'truncate' | 'append'): void;
  /** remove the file again if this run created it and wrote nothing */
  discard(): void;
}

/**
 * Open the output file before any work, so that an output that cannot be written (a missing or
 * read-only folder, a path under a regular file) fails at once with a clear error. The file is
 * opened for appending, so nothing is lost yet; a fresh run truncates it when it begins.
 */
export function openFileSink(path: string): FileSink {
  const existed = existsSync(path);
  let fd: number;
  try {
    if (existed && statSync(path).isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
    fd = openSync(path, 'a');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'error';
    const why: Record<string, string> = {
      ENOENT: `the folder ${dirname(path)} does not exist`,
      ENOTDIR: `a part of ${dirname(path)} is not a folder`,
      EACCES: 'permission denied',
      EPERM: 'permission denied',
      EROFS: 'read-only file system',
      EISDIR: 'it is a directory',
    };
    throw new OutputError(`cannot write the output file ${path}: ${why[code] ?? code}`);
  }
  let wrote = false;
  let closed = false;
  const inner = new BufferedSink((s) => {
    wrote = true;
    try {
      writeSync(fd, s);
    } catch (err) {
      throw new OutputError(`cannot write the output file ${path} (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
    }
  });
  return {
    path,
    created: !existed,
    begin(mode) {
      if (mode !== 'truncate') return;
      try {
        ftruncateSync(fd, 0);
      } catch (err) {
        // A device (/dev/null, /dev/full) cannot be truncated, and need not be; anything else is a failure to write.
        const code = (err as NodeJS.ErrnoException).code;
        if (code !== 'EINVAL') throw new OutputError(`cannot write the output file ${path} (${code ?? 'error'})`);
      }
    },
    write: (s) => inner.write(s),
    flush: () => inner.flush(),
    close() {
      if (closed) return;
      closed = true;
      try {
        inner.close();
      } finally {
        closeSync(fd);
      }
    },
    discard() {
      if (!closed) {
        inner.close();
        closeSync(fd);
        closed = true;
      }
      if (!existed && !wrote) {
        try {
          unlinkSync(path);
        } catch {
          /* already gone */
        }
      }
    },
  };
}
