/**
 * A record file of many records (a million-row CSV) is not sent back from its worker as one
 * message: its results, already in record order, go to a spill file in a private folder of the
 * run, one JSON line each, and the main thread reads them back in order while it writes the
 * output. Neither thread ever holds the file's results all at once. A worker that dies half
 * way leaves a spill file nobody reads; the folder goes at the end of the run.
 */
import { closeSync, mkdtempSync, openSync, readSync, rmSync, unlinkSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DocOut } from './worker.js';

/** Files with more documents than this spill. */
export const SPILL_ABOVE = 2_000;

/** A run's spill folder, readable by its owner only (results name files and verdicts). */
export function makeSpillDir(): string {
  return mkdtempSync(join(tmpdir(), 'safeguard-scan-spill-'));
}

export function removeSpillDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

let serial = 0;

export class SpillWriter {
  readonly path: string;
  private fd: number;
  private buf: string[] = [];
  private size = 0;
  count = 0;
  constructor(dir: string, i: number) {
    this.path = join(dir, `${process.pid}-${i}-${++serial}.jsonl`);
    this.fd = openSync(this.path, 'wx', 0o600);
  }
  add(d: DocOut): void {
    const line = JSON.stringify(d) + '\n';
    this.buf.push(line);
    this.size += line.length;
    this.count++;
    if (this.size >= 1 << 20) this.flush();
  }
  private flush(): void {
    if (this.buf.length === 0) return;
    writeSync(this.fd, this.buf.join(''));
    this.buf = [];
    this.size = 0;
  }
  finish(): { path: string; count: number } {
    this.flush();
    closeSync(this.fd);
    return { path: this.path, count: this.count };
  }
}

/** The spilled results, in order, read a chunk at a time; the file is removed once read. */
export function* readSpill(path: string): Generator<DocOut> {
  const fd = openSync(path, 'r');
  const chunk = Buffer.alloc(1 << 20);
  let rest = '';
  try {
    for (;;) {
      const n = readSync(fd, chunk, 0, chunk.length, null);
      if (n === 0) break;
      const text = rest + chunk.toString('utf8', 0, n);
      const lines = text.split('\n');
      rest = lines.pop() ?? '';
      for (const l of lines) if (l) yield JSON.parse(l) as DocOut;
    }
    if (rest) yield JSON.parse(rest) as DocOut;
  } finally {
    closeSync(fd);
    try {
      unlinkSync(path);
    } catch {
      // gone with its folder
    }
  }
}
