/**
 * Resume: a `--format jsonl` output file is the journal of a run. Reading it back gives the
 * documents already recorded; a half-written last line (the run was killed mid-write) is cut
 * off so that appending goes on from a clean line boundary.
 */
import { closeSync, createReadStream, existsSync, fstatSync, ftruncateSync, openSync, readSync, renameSync, writeSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { compareRecords, comparePaths, documentKey } from '../model/index.js';
import { Tally } from './tally.js';

export class JournalError extends Error {}

/** What a journal holds for one file: the key its results were made with. */
export interface Recorded {
  /** sha256 of the file's bytes, and of the settings, when the journal says (older journals do not) */
  sha256?: string;
  settings?: string;
  lexiconVersion?: string;
  /** every record of the file was written (only the last file written can be cut short) */
  complete: boolean;
}

export interface ResumeState {
  /** from a journal: each file recorded, with the key of its results; a file whose key still holds is not scanned again */
  recorded: Map<string, Recorded>;
  /** from a caller's keys (scanFiles resumeFrom keys): documentKey(path, record) of every document done */
  doneKeys: Set<string>;
  /** from a caller's keys: files known to be complete, left out unread */
  completePaths: Set<string>;
  /** counts of what is recorded (a resumed run's exit code answers for the whole job) */
  tally: Tally;
  lexiconVersions: Set<string>;
  /** bytes cut off a half-written last line */
  repairedBytes: number;
}

export function emptyResume(): ResumeState {
  return { recorded: new Map(), doneKeys: new Set(), completePaths: new Set(), tally: new Tally(), lexiconVersions: new Set(), repairedBytes: 0 };
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

type JournalLine = {
  path?: unknown;
  record?: unknown;
  verdict?: never;
  categories?: never;
  error?: string;
  bytes?: number;
  lexiconVersion?: unknown;
  input?: { sha256?: unknown; settings?: unknown };
};

/** Each line of a journal (or of a byte range of it), parsed, blank lines included as lines without `d`. */
async function* rawLines(file: string, start = 0, end?: number): AsyncGenerator<{ line: string; d?: JournalLine }> {
  const input = createReadStream(file, { encoding: 'utf8', start, ...(end !== undefined ? { end: end - 1 } : {}) });
  for await (const line of createInterface({ input, crlfDelay: Infinity })) {
    let d: JournalLine | undefined;
    try {
      d = line.trim() ? (JSON.parse(line) as JournalLine) : undefined;
    } catch {
      d = undefined;
    }
    yield { line, d: d && typeof d === 'object' && typeof d.path === 'string' ? d : undefined };
  }
}

/** Each line of a journal, parsed (streaming); `bad` for a line that is not a result. */
async function* journalLines(file: string): AsyncGenerator<{ n: number; line: string; d?: JournalLine; bad?: string }> {
  const rl = createInterface({ input: createReadStream(file, { encoding: 'utf8' }), crlfDelay: Infinity });
  let n = 0;
  for await (const line of rl) {
    n++;
    if (line.trim() === '') continue;
    let d: JournalLine;
    try {
      d = JSON.parse(line);
    } catch {
      yield { n, line, bad: `${file} line ${n} is not a JSON result line; it cannot be resumed (remove the line or the file)` };
      continue;
    }
    if (!d || typeof d !== 'object' || typeof d.path !== 'string') {
      yield { n, line, bad: `${file} line ${n} has no "path"; it is not a safeguard-scan jsonl journal` };
      continue;
    }
    yield { n, line, d };
  }
}

/**
 * Read a journal (streaming, line by line). A missing file is an empty journal. For each file,
 * the last lines written for it win (a file scanned again after a change supersedes its older
 * lines, until the journal is compacted).
 */
export async function readJournal(file: string, opts: { repair?: boolean } = {}): Promise<ResumeState> {
  const st = emptyResume();
  if (!existsSync(file)) return st;
  if (opts.repair !== false) st.repairedBytes = repairJournal(file);
  let prev: { path: string; record?: string } | undefined;
  let group: Recorded | undefined;
  for await (const { d, bad } of journalLines(file)) {
    if (bad) {
      // A line cut short can only be the last one, and that was repaired above (or, without
      // repair, is simply not counted as done).
      if (opts.repair === false) continue;
      throw new JournalError(bad);
    }
    const key = { path: d!.path as string, record: typeof d!.record === 'string' ? d!.record : undefined };
    // A new group of lines for a file starts where the path changes, or where the order breaks
    // (lines a resumed run appended): the file's last group is what counts.
    const inOrder = prev !== undefined && (comparePaths(prev.path, key.path) < 0 || (prev.path === key.path && compareRecords(prev.record, key.record) < 0));
    if (!group || !inOrder || prev!.path !== key.path) {
      if (group) group.complete = true;
      const input = d!.input;
      group = {
        sha256: typeof input?.sha256 === 'string' ? input.sha256 : undefined,
        settings: typeof input?.settings === 'string' ? input.settings : undefined,
        lexiconVersion: typeof d!.lexiconVersion === 'string' ? d!.lexiconVersion : undefined,
        // A file that is one document is whole in one line; a record file's last lines may have been cut short.
        complete: key.record === undefined,
      };
      st.recorded.set(key.path, group);
    }
    // A file with an error (a reader that timed out, a worker that died) is always tried again.
    if (d!.error) group.sha256 = undefined;
    prev = key;
    if (typeof d!.lexiconVersion === 'string') st.lexiconVersions.add(d!.lexiconVersion);
  }
  // The last file written may have been cut off between two of its records: not complete.
  st.tally = await tallyJournal(file);
  return st;
}

/** Counts of a journal's documents, each (path, record) once, the last line winning. */
export async function tallyJournal(file: string): Promise<Tally> {
  const last = new Map<string, Pick<JournalLine, 'verdict' | 'categories' | 'error' | 'bytes'>>();
  if (existsSync(file))
    for await (const { d } of journalLines(file)) {
      if (!d) continue;
      const { verdict, categories, error, bytes } = d;
      last.set(documentKey(d.path as string, typeof d.record === 'string' ? d.record : undefined), { verdict, categories, error, bytes });
    }
  const t = new Tally();
  for (const v of last.values()) t.add(v as never);
  return t;
}

/**
 * The journal as a fresh run would have written it: for each file, only its last lines (a file
 * scanned again supersedes what was recorded for it before), sorted by (path, record). A journal
 * is a few sorted runs of lines (what was there, then what each resumed run appended), so this
 * is a merge of those runs, streaming: memory stays flat however long the journal. Written to a
 * temporary file and renamed over the journal, so a crash leaves one or the other whole.
 */
export async function compactJournal(file: string): Promise<void> {
  const keyOf = (d: JournalLine) => ({ path: d.path as string, record: typeof d.record === 'string' ? d.record : undefined });
  const before = (a: { path: string; record?: string }, b: { path: string; record?: string }) =>
    comparePaths(a.path, b.path) < 0 || (a.path === b.path && compareRecords(a.record, b.record) < 0);
  // Pass 1: where each sorted run starts (offset, line index), and where each file's last lines start.
  const runs: { start: number; line: number }[] = [];
  const lastGroup = new Map<string, number>();
  let prev: { path: string; record?: string } | undefined;
  let offset = 0;
  let index = 0;
  for await (const { line, d } of rawLines(file)) {
    const start = offset;
    offset += Buffer.byteLength(line, 'utf8') + 1;
    const here = index++;
    if (!d) continue;
    const k = keyOf(d);
    // A key not after the one before it starts a new run: what a resumed run appended (or a rescanned file written again).
    const newRun = !prev || !before(prev, k);
    if (newRun) runs.push({ start, line: here });
    if (newRun || prev!.path !== k.path) lastGroup.set(k.path, here);
    prev = k;
  }
  // Pass 2: merge the runs, keeping each file's last lines only.
  const tmp = `${file}.compacting`;
  const streams = runs.map((r, i) => {
    const end = i + 1 < runs.length ? runs[i + 1].start : undefined;
    const it = rawLines(file, r.start, end)[Symbol.asyncIterator]();
    return { it, index: r.line, head: undefined as { line: string; key: { path: string; record?: string } } | undefined };
  });
  const advance = async (s: (typeof streams)[number]) => {
    for (;;) {
      const r = await s.it.next();
      if (r.done) {
        s.head = undefined;
        return;
      }
      const idx = s.index++;
      const { line, d } = r.value;
      if (!d) continue;
      const key = keyOf(d);
      if (idx < (lastGroup.get(key.path) ?? 0)) continue; // superseded by later lines for this file
      s.head = { line, key };
      return;
    }
  };
  for (const s of streams) await advance(s);
  const fd = openSync(tmp, 'w');
  try {
    const out: string[] = [];
    for (;;) {
      let best: (typeof streams)[number] | undefined;
      for (const s of streams) if (s.head && (!best || before(s.head.key, best.head!.key))) best = s;
      if (!best) break;
      out.push(best.head!.line + '\n');
      if (out.length >= 1000) {
        writeSync(fd, out.join(''));
        out.length = 0;
      }
      await advance(best);
    }
    if (out.length) writeSync(fd, out.join(''));
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, file);
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
