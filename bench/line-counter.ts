import { closeSync, openSync, readSync } from 'node:fs';

/** Lines of a growing file (a run's jsonl output), read from where the last call stopped. */
export function lineCounter(file: string): () => number {
  let offset = 0;
  let lines = 0;
  const buf = Buffer.alloc(1 << 20);
  return () => {
    let fd: number;
    try {
      fd = openSync(file, 'r');
    } catch {
      return lines;
    }
    try {
      for (let got = readSync(fd, buf, 0, buf.length, offset); got > 0; got = readSync(fd, buf, 0, buf.length, offset)) {
        offset += got;
        for (let i = 0; i < got; i++) if (buf[i] === 10) lines++;
      }
    } finally {
      closeSync(fd);
    }
    return lines;
  };
}
