/**
 * Resume: a `--format jsonl` output file is the journal of a run. Reading it back gives the
 * documents already recorded; a half-written last line (the run was killed mid-write) is cut
 * off so that appending goes on from a clean line boundary.
 */
import { closeSync, createReadStream, existsSync, fstatSync, ftruncateSync, openSync, readSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { documentKey } from '../model/index.js';
import { Tally } from './tally.js';

export class JournalError extends Error {}

export interface ResumeState {
  /** documentKey(path, record) of every document recorded */
  doneKeys: Set<string>;
  /** files known to be complete: a file's documents are written together and in order, so only the last file written can be partial */
  completePaths: Set<string>;
  /** counts of what is recorded (a resumed run's exit code answers for the whole job) */
  tally: Tally;
  lexiconVersions: Set<string>;
  /** bytes cut off a half-written last line */
  repairedBytes: number;
}

export function emptyResume(): ResumeState {
  return { doneKeys: new Set(), completePaths: new Set(), tally: new Tally(), lexiconVersions: new Set(), repairedBytes: 0 };
}

/** Cut the file back to its last newline. Returns the number of bytes removed. */
export function repairJournal(file: string): number {
  const fd = openSync(file, 'r+');
  try {
    const size = fstatSync(fd).size;
    if (size === 0) return 0;
    const chunk = Buffer.alloc(64 * 1024);
    let pos = size;
    while (pos > 0) {
      const len = Math.min(chunk.length, pos);
      pos -= len;
      readSync(fd, chunk, 0, len, pos);
      const nl = chunk.subarray(0, len).lastIndexOf(0x0a);
      if (nl >= 0) {
        const keep = pos + nl + 1;
        if (keep < size) ftruncateSync(fd, keep);
        return size - keep;
      }
    }
    ftruncateSync(fd, 0);
    return size;
  } finally {
    closeSync(fd);
  }
}

/** Read a journal (streaming, line by line). A missing file is an empty journal. */
export async function readJournal(file: string, opts: { repair?: boolean } = {}): Promise<ResumeState> {
  const st = emptyResume();
  if (!existsSync(file)) return st;
  if (opts.repair !== false) st.repairedBytes = repairJournal(file);
  const rl = createInterface({ input: createReadStream(file, { encoding: 'utf8' }), crlfDelay: Infinity });
  let n = 0;
  let lastPath: string | undefined;
  let lastComplete = false;
  for await (const line of rl) {
    n++;
    if (line.trim() === '') continue;
    let d: { path?: unknown; record?: unknown; verdict?: never; categories?: never; error?: string; bytes?: number; lexiconVersion?: unknown };
    try {
      d = JSON.parse(line);
    } catch {
      // A line cut short can only be the last one, and that was repaired above (or, without
      // repair, is simply not counted as done).
      if (opts.repair === false) continue;
      throw new JournalError(`${file} line ${n} is not a JSON result line; it cannot be resumed (remove the line or the file)`);
    }
    if (!d || typeof d !== 'object' || typeof d.path !== 'string') throw new JournalError(`${file} line ${n} has no "path"; it is not a safeguard-scan jsonl journal`);
    const record = typeof d.record === 'string' ? d.record : undefined;
    const key = documentKey(d.path, record);
    if (st.doneKeys.has(key)) continue; // never count a document twice
    st.doneKeys.add(key);
    st.tally.add(d as never);
    if (typeof d.lexiconVersion === 'string') st.lexiconVersions.add(d.lexiconVersion);
    if (d.path !== lastPath) {
      if (lastPath !== undefined && lastComplete) st.completePaths.add(lastPath);
      lastPath = d.path;
    }
    lastComplete = true;
  }
  // The last file written may have been cut off between two of its records: not complete.
  return st;
}

/** Resume from a caller's set of done keys (documentKey): files with a single-document key are complete. */
export function resumeFromKeys(keys: Iterable<string>): ResumeState {
  const st = emptyResume();
  for (const k of keys) {
    st.doneKeys.add(k);
    if (!k.includes('\u0000')) st.completePaths.add(k);
  }
  return st;
}
