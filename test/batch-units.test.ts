import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compareRecords } from '../src/model/index.js';
import { errorResult } from '../src/batch/results.js';
import { expandInputs } from '../src/batch/expand.js';
import { loadManifest, ManifestError } from '../src/batch/manifest.js';
import { Progress } from '../src/batch/progress.js';
import { formatSummary, Tally } from '../src/batch/tally.js';
import { ConfigError, findConfig, loadConfig } from '../src/config.js';
import { rmrf, tempDir, writeText } from './batch-helpers.js';

function fakeStream(isTTY: boolean) {
  const writes: string[] = [];
  return { stream: { isTTY, write: (s: string) => writes.push(s) } as unknown as NodeJS.WriteStream, writes };
}

describe('progress', () => {
  it('draws on a terminal at most ten times a second, with done/total, rate and ETA', async () => {
    const { stream, writes } = fakeStream(true);
    const p = new Progress(stream, 1000);
    p.update(10, 10);
    for (let i = 11; i < 60; i++) p.update(i, i); // all within 100 ms of the first
    expect(writes).toHaveLength(1);
    await new Promise((r) => setTimeout(r, 110));
    p.update(500, 520);
    expect(writes).toHaveLength(2);
    expect(writes[1]).toMatch(/^\r\x1b\[K500\/1000 files \(50%\) {2}\d+ documents\/s {2}ETA \d+:\d\d$/);
    p.clear();
    expect(writes[2]).toBe('\r\x1b[K');
  });
  it('is silent when stderr is not a terminal', () => {
    const { stream, writes } = fakeStream(false);
    const p = new Progress(stream, 10);
    p.update(5, 5, true);
    p.clear();
    expect(writes).toEqual([]);
  });
});

describe('ordering and summary', () => {
  it('orders records numerically when both are numbers, else by code unit', () => {
    const ids = ['10', '2', 'b', '1', 'a10', 'a9'];
    expect([...ids].sort(compareRecords)).toEqual(['1', '2', '10', 'a10', 'a9', 'b']);
    expect(compareRecords(undefined, '1')).toBeLessThan(0); // a file's own document before its records
  });
  it('counts by verdict and category, errors, and says when a run resumed', () => {
    const t = new Tally();
    const d = errorResult('x.txt', 'cannot read file (ENOENT)', 'v1');
    t.add(d);
    t.add({ ...d, error: undefined, verdict: 'withhold', bytes: 100, categories: { ...d.categories, safeguarding: { score: 0.9, count: 2 } } });
    const text = formatSummary({ total: t, run: t, files: 2, skipped: 1, resumed: 5, seconds: 2, peakRssMb: 100 });
    expect(text).toMatch(/^2 documents from 2 files, 1 files skipped; 1 withhold, 1 review, 0 visible, 1 with errors/);
    expect(text).toMatch(/categories: thirdParty 0, safeguarding 1, sensitive 0, harm 0/);
    expect(text).toMatch(/resumed: 5 documents were already recorded; 2 scanned now/);
    expect(text).toMatch(/1 documents\/s.*peak memory 100 MB/);
    expect(t.atLeast('review')).toBe(2);
    expect(t.atLeast('withhold')).toBe(1);
  });
});

describe('inputs', () => {
  it('expands folders and globs, lists other file types as skipped, reports patterns that match nothing', () => {
    const dir = tempDir();
    try {
      for (const f of ['a/1.txt', 'a/2.md', 'a/b/3.TXT', 'a/c.bmp', 'a/noext', 'a/.hidden.txt', 'z.docx', 'y.bin']) writeText(join(dir, f), 'x');
      const ex = expandInputs(['a', 'z.docx', 'y.bin', 'nothing/**/*.txt'], { cwd: dir });
      expect(ex.files).toEqual(['a/1.txt', 'a/2.md', 'a/b/3.TXT', 'z.docx']);
      expect(ex.skipped).toEqual([
        { path: 'a/.hidden.txt', reason: 'a hidden file' },
        { path: 'a/c.bmp', reason: 'unsupported file type .bmp' },
        { path: 'a/noext', reason: 'no file extension' },
        { path: 'y.bin', reason: 'unsupported file type .bin' },
      ]);
      expect(ex.unmatched).toEqual(['nothing/**/*.txt']);
      expect(expandInputs(['a/**/*.txt'], { cwd: dir, ignore: ['a/b/**'] }).files).toEqual(['a/1.txt']);
      expect(expandInputs(['a'], { cwd: dir, ignore: ['**/*.md'] }).files).toEqual(['a/1.txt', 'a/b/3.TXT']);
    } finally {
      rmrf(dir);
    }
  });

  it('reads a patient manifest relative to its folder, and names an unknown column', () => {
    const dir = tempDir();
    try {
      writeText(join(dir, 'm', 'p.csv'), 'path,name,nhsNumber,dateOfBirth\nletters/a.txt,Derek Haines,9434765919,1955-11-19\n');
      const m = loadManifest(join(dir, 'm', 'p.csv'));
      expect(m.get(join(dir, 'm', 'letters', 'a.txt'))).toEqual({ name: 'Derek Haines', nhsNumber: '9434765919', dateOfBirth: '1955-11-19' });
      writeText(join(dir, 'bad.csv'), 'path,name,nhs_number\na.txt,X,1\n');
      expect(() => loadManifest(join(dir, 'bad.csv'))).toThrow(ManifestError);
      expect(() => loadManifest(join(dir, 'bad.csv'))).toThrow(/unknown column "nhs_number"/);
    } finally {
      rmrf(dir);
    }
  });
});

describe('config', () => {
  it('is found upward, resolves its paths against its own folder, and refuses unknown keys and wrong types', () => {
    const dir = tempDir();
    try {
      mkdirSync(join(dir, 'a', 'b'), { recursive: true });
      const file = join(dir, 'safeguard-scan.config.json');
      writeFileSync(file, JSON.stringify({ lexicons: ['lex/*.yaml'], patients: 'p.csv', failOn: 'review', thresholds: { review: 0.3 }, concurrency: 2, maxBytes: 1000, format: 'jsonl', ignore: ['**/draft/**'] }));
      expect(findConfig(join(dir, 'a', 'b'))).toBe(file);
      const c = loadConfig(file);
      expect(c.lexicons).toEqual([`${dir}/lex/*.yaml`]);
      expect(c.patients).toBe(join(dir, 'p.csv'));
      expect(c.thresholds).toMatchObject({ review: 0.3, withhold: 0.7 });
      writeFileSync(file, JSON.stringify({ failOn: 'review', thresholds: { reveiw: 0.3 } }));
      expect(() => loadConfig(file)).toThrow(ConfigError);
      expect(() => loadConfig(file)).toThrow(`${file}: line 1, unknown key "thresholds.reveiw"`);
      // Thresholds are floors: a withhold threshold laxer than POLICY.md's is refused, naming the line and field.
      writeFileSync(file, '{\n  "thresholds": {\n    "review": 0.9,\n    "withhold": 0.95\n  }\n}\n');
      expect(() => loadConfig(file)).toThrow(`${file}: line 4, field "thresholds.withhold": 0.95 is laxer than POLICY.md allows`);
      writeFileSync(file, JSON.stringify({ thresholds: { withhold: 0.6, review: 0.2 } }));
      expect(loadConfig(file).thresholds).toMatchObject({ withhold: 0.6, review: 0.2 });
      writeFileSync(file, JSON.stringify({ concurrency: 0 }));
      expect(() => loadConfig(file)).toThrow(/"concurrency"/);
      writeFileSync(file, '{ "failOn": ');
      expect(() => loadConfig(file)).toThrow(/not valid JSON/);
    } finally {
      rmrf(dir);
    }
  });
});

describe('how many workers a job starts', () => {
  it('one for a few short files, one per MB of input, every one asked for when the job is large or heavy', async () => {
    const { workersFor } = await import('../src/batch/job.js');
    const { mkdtempSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const d = mkdtempSync(join(tmpdir(), 'sgs-workers-'));
    const small = ['a.txt', 'b.txt', 'c.txt'];
    for (const f of small) writeFileSync(join(d, f), 'Seen today. Well.');
    expect(workersFor(d, small, 4)).toBe(1);
    writeFileSync(join(d, 'big.csv'), 'x'.repeat(1_500_000));
    expect(workersFor(d, [...small, 'big.csv'], 4)).toBe(2);
    // PDFs and images may need OCR: each counts as a MB
    expect(workersFor(d, ['a.pdf', 'b.png', 'c.docx'], 4)).toBe(3);
    expect(workersFor(d, ['a.pdf', 'b.png', 'c.docx'], 2)).toBe(2);
    // past 64 files the job is not sized: every worker asked for
    expect(workersFor(d, Array.from({ length: 65 }, (_, i) => `n${i}.txt`), 3)).toBe(3);
  });
});
