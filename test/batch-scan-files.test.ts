import { execFileSync } from 'node:child_process';
import { appendFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { documentKey, DocumentResultSchema, type DocumentResult } from '../src/batch/document.js';
import { BatchUsageError, prepareJob } from '../src/batch/job.js';
import { readJournal } from '../src/batch/journal.js';
import { scanFiles } from '../src/batch/scan-files.js';
import { createScanner } from '../src/scanner.js';
import { docText, rmrf, tempDir, writeDocs, writeText } from './batch-helpers.js';

const collect = async (it: AsyncIterable<DocumentResult>) => {
  const out: DocumentResult[] = [];
  for await (const d of it) out.push(d);
  return out;
};

describe('scanFiles', () => {
  let dir: string;
  let files: string[];
  beforeAll(() => {
    dir = tempDir();
    files = writeDocs(dir, 120);
    writeText(join(dir, 'notes', 'picture.png'), 'not really a png');
  });
  afterAll(() => rmrf(dir));

  it('scans in worker threads and yields every document once, sorted by path, as the in-process scanner would', async () => {
    const skipped: string[] = [];
    const docs = await collect(scanFiles([dir], { cwd: dir, concurrency: 2, onSkip: (p) => skipped.push(p) }));
    expect(docs.map((d) => d.path)).toEqual([...files].sort());
    expect(skipped).toEqual(['notes/picture.png']);
    const scanner = createScanner();
    for (const d of docs) {
      expect(DocumentResultSchema.parse(d)).toEqual(d);
      const text = readFileSync(join(dir, d.path), 'utf8');
      const r = scanner.scan(text, { kind: 'entry' });
      expect(d.verdict).toBe(r.verdict);
      expect(d.findings).toEqual(r.findings);
      expect(d.bytes).toBe(Buffer.byteLength(text));
      expect(d.sha256).toMatch(/^[0-9a-f]{64}$/);
      expect(d.findings.every((f) => f.text === undefined)).toBe(true);
    }
    // The generated set has risky documents, so this is not all-visible by accident.
    expect(docs.filter((d) => d.verdict === 'withhold').length).toBeGreaterThan(5);
  });

  it('throws before any work when a pattern matches nothing', async () => {
    await expect(collect(scanFiles(['no-such-*.txt'], { cwd: dir, concurrency: 1 }))).rejects.toBeInstanceOf(BatchUsageError);
  });

  it('skips documents already done (resumeFrom keys) and reads a journal, cutting a half-written last line', async () => {
    const done = files.slice(0, 50).map((p) => documentKey(p));
    const rest = await collect(scanFiles(['.'], { cwd: dir, concurrency: 2, resumeFrom: done }));
    expect(rest.map((d) => d.path)).toEqual(files.slice(50));

    const journal = join(dir, '..', `journal-${process.pid}.jsonl`);
    const first = await collect(scanFiles(['.'], { cwd: dir, concurrency: 1 }));
    writeFileSync(journal, first.slice(0, 30).map((d) => JSON.stringify(d) + '\n').join('') + JSON.stringify(first[30]).slice(0, 40));
    try {
      const after = await collect(scanFiles(['.'], { cwd: dir, concurrency: 2, resumeFrom: journal }));
      expect(after.map((d) => d.path)).toEqual(files.slice(30));
      expect(readFileSync(journal, 'utf8').endsWith('\n')).toBe(true);
      expect(readFileSync(journal, 'utf8').split('\n').filter(Boolean)).toHaveLength(30);
    } finally {
      rmSync(journal, { force: true });
    }
  });

  it('gives the patient from a manifest to the scanner, so their own name is not a third party', async () => {
    const d2 = tempDir();
    try {
      const text = 'Derek Haines attended clinic today. BP 130/80. Review in 6 months.';
      writeText(join(d2, 'a.txt'), text);
      writeText(join(d2, 'b.txt'), text);
      writeText(join(d2, 'patients.csv'), 'path,name,nhsNumber,dateOfBirth\na.txt,Derek Haines,,1955-11-19\n');
      const docs = await collect(scanFiles(['*.txt'], { cwd: d2, concurrency: 1, patients: 'patients.csv' }));
      const [a, b] = docs;
      expect(a.findings.filter((f) => f.type === 'person-name')).toHaveLength(0);
      expect(b.findings.filter((f) => f.type === 'person-name').length).toBeGreaterThan(0);
      const viaMap = await collect(scanFiles(['b.txt'], { cwd: d2, concurrency: 1, patients: { 'b.txt': { name: 'Derek Haines' } } }));
      expect(viaMap[0].findings.filter((f) => f.type === 'person-name')).toHaveLength(0);
    } finally {
      rmrf(d2);
    }
  });

  it('scans each record of a csv file as its own document, in record order, and resumes inside a file', async () => {
    const d2 = tempDir();
    try {
      const rows = Array.from({ length: 12 }, (_, i) => `${i + 1},"${docText(i)}"`);
      writeText(join(d2, 'records.csv'), 'id,note\n' + [...rows].reverse().join('\n') + '\n');
      const docs = await collect(scanFiles(['records.csv'], { cwd: d2, concurrency: 1, textColumn: 'note', idColumn: 'id' }));
      expect(docs.map((d) => d.record)).toEqual(Array.from({ length: 12 }, (_, i) => String(i + 1)));
      expect(docs.every((d) => d.path === 'records.csv' && !d.error)).toBe(true);
      // A journal cut off inside the file: the file is read again and only the missing records come out.
      const journal = join(d2, 'out.jsonl');
      writeFileSync(journal, docs.slice(0, 5).map((d) => JSON.stringify(d) + '\n').join(''));
      const rest = await collect(scanFiles(['records.csv'], { cwd: d2, concurrency: 1, textColumn: 'note', idColumn: 'id', resumeFrom: 'out.jsonl' }));
      expect(rest.map((d) => d.record)).toEqual(docs.slice(5).map((d) => d.record));
    } finally {
      rmrf(d2);
    }
  });
});

describe('errors and faults in a run', () => {
  it('records unreadable, binary and oversized files as errors with verdict review, including files deleted or replaced mid-run', async () => {
    const dir = tempDir();
    try {
      const files = writeDocs(dir, 300);
      writeText(join(dir, 'aa-binary.txt'), Buffer.from([0x50, 0x4b, 0, 0, 1, 2, 3, 0, 0, 0x41]));
      writeText(join(dir, 'aa-big.txt'), 'x'.repeat(5000));
      const job = prepareJob(['.'], { cwd: dir, concurrency: 2, maxBytes: 4000 });
      const it = job.run();
      const got: DocumentResult[] = [];
      const first = await it.next();
      got.push(first.value as never);
      // Backpressure makes this deterministic: only a bounded window has been dispatched yet,
      // so the last files have not been touched. Now break them, as root can (chmod 000 cannot
      // stop root): delete one, put a directory in place of another, and a FIFO (a read would
      // block forever; the reader refuses anything that is not a regular file) for a third.
      expect(job.state.dispatched).toBeLessThan(200);
      const [gone, dirNow, fifo] = files.slice(-3).map((f) => join(dir, f));
      rmSync(gone);
      rmSync(dirNow);
      mkdirSync(dirNow);
      rmSync(fifo);
      execFileSync('mkfifo', [fifo]);
      for (let r = await it.next(); !r.done; r = await it.next()) got.push(r.value.doc);
      const docs = got.map((d) => ('doc' in (d as object) ? (d as unknown as { doc: DocumentResult }).doc : d));
      expect(docs).toHaveLength(302);
      const byPath = new Map(docs.map((d) => [d.path, d]));
      const err = (p: string) => byPath.get(p)!;
      for (const p of ['aa-binary.txt', 'aa-big.txt', ...files.slice(-3)]) {
        expect(err(p).error, p).toBeTruthy();
        expect(err(p).verdict).toBe('review');
        expect(err(p).findings).toEqual([]);
      }
      expect(err('aa-binary.txt').error).toMatch(/binary/);
      expect(err('aa-big.txt').error).toMatch(/over --max-bytes 4000/);
      expect(err(files[299]).error).toMatch(/regular file/);
      expect(err(files[298]).error).toMatch(/regular file|EISDIR/);
      expect(err(files[297]).error).toMatch(/ENOENT/);
      expect(docs.filter((d) => d.error)).toHaveLength(5);
    } finally {
      rmrf(dir);
    }
  });

  it('dispatches only as the consumer pulls: a slow consumer keeps the window (and memory) bounded', async () => {
    const dir = tempDir();
    try {
      writeDocs(dir, 2000);
      const job = prepareJob(['.'], { cwd: dir, concurrency: 2, batchSize: 4 });
      const it = job.run();
      await it.next();
      const window = 4 * 2 * 4;
      const seen: number[] = [];
      for (let k = 0; k < 5; k++) {
        await new Promise((r) => setTimeout(r, 150));
        seen.push(job.state.dispatched!);
      }
      // Nothing more is dispatched while the consumer waits, and never more than a window ahead.
      expect(new Set(seen).size).toBe(1);
      expect(seen[0]).toBeLessThanOrEqual(1 + window);
      // Pull slowly through a few hundred: the lead stays bounded however far we go.
      let pulled = 1;
      let maxLead = 0;
      for (let r = await it.next(); !r.done && pulled < 400; r = await it.next()) {
        pulled++;
        maxLead = Math.max(maxLead, job.state.dispatched! - job.state.filesDone);
        if (pulled % 50 === 0) await new Promise((res) => setTimeout(res, 20));
      }
      expect(maxLead).toBeLessThanOrEqual(window);
      await it.return(undefined); // stops the workers
    } finally {
      rmrf(dir);
    }
  });
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
      expect([...st.doneKeys]).toEqual(['a.txt', 'b.txt', 'c.txt']);
      expect(st.tally.documents).toBe(3);
      expect(st.tally.errors).toBe(1);
      expect(st.tally.verdicts.withhold).toBe(1);
      expect([...st.completePaths]).toEqual(['a.txt', 'b.txt']);
      expect(readFileSync(f, 'utf8').endsWith('}\n')).toBe(true);
    } finally {
      rmrf(dir);
    }
  });
});
