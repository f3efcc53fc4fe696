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
  constructor(private readonly out: (s: string) => void) {
    this.timer = setInterval(() => this.flush(), 200);
    this.timer.unref();
  }
  write(s: string): void {
    this.parts.push(s);
    this.size += s.length;
    if (this.size >= CHUNK) this.flush();
  }
  flush(): void {
    if (this.size === 0 && this.parts.length === 0) return;
    const s = this.parts.join('');
    this.parts = [];
    this.size = 0;
    if (s) this.out(s);
  }
  close(): void {
    this.flush();
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }
}

/** stdout: synchronous for files and pipes on Linux; a closed pipe (EPIPE, e.g. `| head`) stops the output quietly. */
export function stdoutSink(): Sink {
  let broken = false;
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') broken = true;
    else throw err;
  });
  return new BufferedSink((s) => {
    if (!broken) process.stdout.write(s);
  });
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
    writeSync(fd, s);
  });
  return {
    path,
    created: !existed,
    begin(mode) {
      if (mode === 'truncate') ftruncateSync(fd, 0);
    },
    write: (s) => inner.write(s),
    flush: () => inner.flush(),
    close() {
      if (closed) return;
      inner.close();
      closeSync(fd);
      closed = true;
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
