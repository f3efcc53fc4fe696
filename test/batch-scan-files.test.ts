import { execFileSync } from 'node:child_process';
import { appendFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { documentKey, DocumentResultSchema, type DocumentResult } from '../src/model/index.js';
import { BatchUsageError, prepareJob } from '../src/batch/job.js';
import { readJournal, resumeFromKeys } from '../src/batch/journal.js';
import { scanFiles } from '../src/batch/scan-files.js';
import { createScanner } from '../src/scanner/index.js';
import { docText, rmrf, tempDir, writeDocs, writeText } from './batch-helpers.js';

// Each scanFiles/job run starts real worker threads (from the TypeScript sources, through tsx),
// so the tests share runs where they can.

const collect = async (it: AsyncIterable<DocumentResult>) => {
  const out: DocumentResult[] = [];
  for await (const d of it) out.push(d);
  return out;
};

describe('scanFiles', () => {
  let dir: string;
  let files: string[];
  let docs: DocumentResult[];
  const skipped: string[] = [];
  const PATIENT_TEXT = 'Derek Haines attended clinic today. BP 130/80. Review in 6 months.';
  beforeAll(async () => {
    dir = tempDir();
    files = writeDocs(dir, 150);
    writeText(join(dir, 'notes', 'program.exe'), 'not a document');
    writeText(join(dir, 'aa-binary.txt'), Buffer.from([0x50, 0x4b, 0, 0, 1, 2, 3, 0, 0, 0x41]));
    writeText(join(dir, 'aa-big.txt'), 'x'.repeat(5000));
    writeText(join(dir, 'pt-a.txt'), PATIENT_TEXT);
    writeText(join(dir, 'pt-b.txt'), PATIENT_TEXT);
    writeText(join(dir, 'patients.csv'), 'path,name,nhsNumber,dateOfBirth\npt-a.txt,Derek Haines,,1955-11-19\n');
    docs = await collect(scanFiles([dir, 'pt-*.txt'], { cwd: dir, concurrency: 2, maxBytes: 4000, patients: 'patients.csv', onSkip: (p) => skipped.push(p) }));
  });
  afterAll(() => rmrf(dir));

  it('scans in worker threads and yields every document once, sorted by path, as the in-process scanner would', () => {
    expect(docs.map((d) => d.path)).toEqual(['aa-big.txt', 'aa-binary.txt', ...files, 'pt-a.txt', 'pt-b.txt'].sort());
    // The patient manifest sits in the scanned folder: it is the run's own file, listed as skipped, never scanned as a document.
    expect(skipped).toEqual(['notes/program.exe', 'patients.csv']);
    const scanner = createScanner();
    for (const d of docs.filter((x) => files.includes(x.path))) {
      expect(DocumentResultSchema.parse(d)).toEqual(d);
      const text = readFileSync(join(dir, d.path), 'utf8');
      const r = scanner.scan(text, { kind: 'entry' });
      expect(d.verdict).toBe(r.verdict);
      expect(d.findings).toEqual(r.findings);
      expect(d.bytes).toBe(Buffer.byteLength(text));
      expect(d.sha256).toMatch(/^[0-9a-f]{64}$/);
      expect(d.error).toBeUndefined();
      expect(d.findings.every((f) => f.text === undefined)).toBe(true);
    }
    // The generated set has risky documents, so this is not all-visible by accident.
    expect(docs.filter((d) => d.verdict === 'withhold').length).toBeGreaterThan(5);
  });

  it('records binary and oversized files as errors with verdict review, and goes on', () => {
    const by = new Map(docs.map((d) => [d.path, d]));
    expect(by.get('aa-binary.txt')).toMatchObject({ verdict: 'review', findings: [], sha256: '' });
    expect(by.get('aa-binary.txt')!.error).toMatch(/binary/);
    expect(by.get('aa-big.txt')!.error).toMatch(/over --max-bytes 4000/);
    expect(by.get('aa-big.txt')!.verdict).toBe('review');
  });

  it('gives the patient from a manifest to the scanner, so their own name is not a third party', () => {
    const by = new Map(docs.map((d) => [d.path, d]));
    expect(by.get('pt-a.txt')!.findings.filter((f) => f.type === 'person-name')).toHaveLength(0);
    expect(by.get('pt-b.txt')!.findings.filter((f) => f.type === 'person-name').length).toBeGreaterThan(0);
  });

  it('throws before any work when a pattern matches nothing', async () => {
    await expect(collect(scanFiles(['no-such-*.txt'], { cwd: dir, concurrency: 1 }))).rejects.toBeInstanceOf(BatchUsageError);
  });

  it('leaves out files done (resume keys) before any worker starts', async () => {
    const job = await prepareJob(['.'], { cwd: dir, concurrency: 1 }, { resume: resumeFromKeys(files.slice(0, 50).map((p) => documentKey(p))) });
    expect(job.paths.filter((p) => p.startsWith('part-'))).toEqual(files.slice(50));
  });

  it('resumes from a journal, cutting a half-written last line, and yields only what is missing', async () => {
    const journal = join(dir, '..', `journal-${process.pid}.jsonl`);
    const mine = docs.filter((d) => files.includes(d.path));
    writeFileSync(journal, mine.slice(0, 30).map((d) => JSON.stringify(d) + '\n').join('') + JSON.stringify(mine[30]).slice(0, 40));
    try {
      // The same settings as the run that wrote the journal: its results still hold for files 0-29.
      const after = await collect(scanFiles(['part-*/*.txt'], { cwd: dir, concurrency: 1, maxBytes: 4000, resumeFrom: journal }));
      expect(after.map((d) => d.path)).toEqual(files.slice(30));
      expect(after.map((d) => d.sha256)).toEqual(mine.slice(30).map((d) => d.sha256));
      const kept = readFileSync(journal, 'utf8');
      expect(kept.endsWith('\n')).toBe(true);
      expect(kept.split('\n').filter(Boolean)).toHaveLength(30);
      // Other settings change results: every file is scanned again.
      const other = await collect(scanFiles(['part-*/*.txt'], { cwd: dir, concurrency: 1, resumeFrom: journal }));
      expect(other.map((d) => d.path)).toEqual(files);
    } finally {
      rmSync(journal, { force: true });
    }
  });

  it('scans each record of a csv file as its own document, sorted by record; a record file cut short in the journal is scanned again whole', async () => {
    const d2 = tempDir();
    try {
      const rows = Array.from({ length: 12 }, (_, i) => `${i + 1},"${docText(i)}"`);
      writeText(join(d2, 'records.csv'), 'id,note\n' + [...rows].reverse().join('\n') + '\n');
      // The journal holds records 1-5 of the file (cut off inside it): the whole file comes out again, in order, and supersedes them.
      writeFileSync(join(d2, 'out.jsonl'), [1, 2, 3, 4, 5].map((r) => JSON.stringify({ path: 'records.csv', record: String(r), verdict: 'visible' }) + '\n').join(''));
      const rest = await collect(scanFiles(['records.csv'], { cwd: d2, concurrency: 1, textColumn: 'note', idColumn: 'id', resumeFrom: 'out.jsonl' }));
      expect(rest.map((d) => d.record)).toEqual(['1', '2', '3', '4', '5', '6', '7', '8', '9', '10', '11', '12']);
      expect(rest.every((d) => d.path === 'records.csv' && !d.error && d.bytes > 0)).toBe(true);
    } finally {
      rmrf(d2);
    }
  });
});

describe('faults mid-run and backpressure', () => {
  it('dispatches only as the consumer pulls, and records files deleted or replaced mid-run as errors', async () => {
    const dir = tempDir();
    try {
      const files = writeDocs(dir, 400);
      const batchSize = 4;
      const window = batchSize * 2 * 4;
      const job = await prepareJob(['.'], { cwd: dir, concurrency: 2, batchSize });
      const it = job.run();
      const docs: DocumentResult[] = [];
      docs.push((await it.next()).value!.doc!);
      // A slow consumer: while it waits, nothing more is dispatched, and never more than a window ahead.
      const seen: number[] = [];
      for (let k = 0; k < 4; k++) {
        await new Promise((r) => setTimeout(r, 100));
        seen.push(job.state.dispatched!);
      }
      expect(new Set(seen).size).toBe(1);
      expect(seen[0]).toBeLessThanOrEqual(1 + window);
      // So the last files are untouched: break them now, as root can (chmod 000 does not stop
      // root): delete one, put a directory in place of another, and a FIFO (a read would block
      // for ever; the reader refuses what is not a regular file) in place of a third.
      const [gone, nowDir, fifo] = files.slice(-3).map((f) => join(dir, f));
      rmSync(gone);
      rmSync(nowDir);
      mkdirSync(nowDir);
      rmSync(fifo);
      execFileSync('mkfifo', [fifo]);
      let maxLead = 0;
      for (let r = await it.next(); !r.done; r = await it.next()) {
        docs.push(r.value.doc!);
        maxLead = Math.max(maxLead, job.state.dispatched! - job.state.filesDone);
        if (docs.length % 100 === 0) await new Promise((res) => setTimeout(res, 30));
      }
      expect(maxLead).toBeLessThanOrEqual(window);
      expect(docs.map((d) => d.path)).toEqual(files);
      const errors = docs.filter((d) => d.error);
      expect(errors.map((d) => d.path)).toEqual(files.slice(-3));
      expect(errors.every((d) => d.verdict === 'review')).toBe(true);
      expect(errors[0].error).toMatch(/ENOENT/);
      expect(errors[1].error).toMatch(/regular file|EISDIR/);
      expect(errors[2].error).toMatch(/regular file/);
    } finally {
      rmrf(dir);
    }
  });
});

describe('a worker that dies or hangs', () => {
  it('out of memory on one document: only that document is an error; every other file it held is scanned by a fresh worker', async () => {
    const dir = tempDir();
    try {
      const files = writeDocs(dir, 40);
      // A 15 MB entry: scanning it needs far more than the 96 MB heap this run allows a worker.
      writeText(join(dir, 'part-000', 'doc-000005.txt'), 'Seen today. Denies DV. '.repeat(650_000));
      const docs = await collect(scanFiles(['.'], { cwd: dir, concurrency: 1, batchSize: 8, maxBytes: 40_000_000, limits: { pool: { maxHeapMb: 96 } } }));
      expect(docs.map((d) => d.path)).toEqual(files);
      const errors = docs.filter((d) => d.error);
      expect(errors.map((d) => d.path)).toEqual(['part-000/doc-000005.txt']);
      expect(errors[0]).toMatchObject({ verdict: 'review' });
      expect(errors[0].error).toMatch(/the worker scanning this file stopped: it ran out of memory \(the limit is 96 MB\)/);
      // The files batched with it were scanned, not lost.
      for (const d of docs.filter((x) => !x.error)) expect(d.sha256).toMatch(/^[0-9a-f]{64}$/);
    } finally {
      rmrf(dir);
    }
  }, 120_000);
  it('past the time limit on one document: only that document is an error, and the run goes on', async () => {
    const dir = tempDir();
    try {
      const files = writeDocs(dir, 24);
      // Millions of "?" take many seconds to scan; an ordinary document takes milliseconds, and
      // the limit leaves room for a busy machine.
      writeText(join(dir, 'part-000', 'doc-000003.txt'), '?'.repeat(6_000_000));
      const docs = await collect(scanFiles(['.'], { cwd: dir, concurrency: 2, batchSize: 6, maxBytes: 40_000_000, limits: { pool: { timeoutMs: 2000 } } }));
      expect(docs.map((d) => d.path)).toEqual(files);
      const errors = docs.filter((d) => d.error);
      expect(errors.map((d) => d.path)).toEqual(['part-000/doc-000003.txt']);
      expect(errors[0].error).toMatch(/no progress for \d+ s \(time limit\)/);
    } finally {
      rmrf(dir);
    }
  }, 120_000);
});

describe('journal', () => {
  it('repairs a half-written last line and counts each document once', async () => {
    const dir = tempDir();
    try {
      const f = join(dir, 'j.jsonl');
      const line = (p: string, verdict: string, error?: string) =>
        JSON.stringify({ path: p, verdict, bytes: 1, categories: { thirdParty: { score: 0, count: 0 }, safeguarding: { score: 0, count: 0 }, sensitive: { score: 0, count: 0 }, harm: { score: 0, count: 0 } }, ...(error ? { error } : {}) }) + '\n';
      writeFileSync(f, line('a.txt', 'visible') + line('b.txt', 'withhold') + line('b.txt', 'withhold') + line('c.txt', 'review', 'cannot read file (ENOENT)'));
      appendFileSync(f, '{"path":"d.txt","verd');
      const st = await readJournal(f);
      expect(st.repairedBytes).toBe('{"path":"d.txt","verd'.length);
      expect([...st.recorded.keys()]).toEqual(['a.txt', 'b.txt', 'c.txt']);
      expect(st.tally.documents).toBe(3);
      expect(st.tally.errors).toBe(1);
      expect(st.tally.verdicts.withhold).toBe(1);
      expect(readFileSync(f, 'utf8').endsWith('}\n')).toBe(true);
    } finally {
      rmrf(dir);
    }
  });
});
