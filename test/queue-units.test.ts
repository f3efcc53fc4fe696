/**
 * The queue's parts that need no database: the sort keys that make the database's order a local
 * run's, what is said about a database that cannot be reached (exit 2, and never its password),
 * and that nothing but the queue commands loads pg or pg-boss.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compareRecords, comparePaths } from '../src/model/index.js';
import { describeDbError, redactUrl } from '../src/queue/connection.js';
import { pathKey, recordKey, textKey } from '../src/queue/keys.js';
import { CLI, ensureBuilt, ROOT, runCli } from './batch-helpers.js';

// Any UTF-16 code unit, lone surrogates included: paths and record ids are whatever files hold.
const unit = fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c));
const text = fc.string({ unit, maxLength: 8 });
const record = fc.option(fc.oneof(text, fc.stringMatching(/^\d{1,15}$/), fc.constantFrom('5', '05', '5~2', '10', '9', '')), { nil: undefined });
const doc = fc.record({ path: fc.oneof(text, fc.constantFrom('a.txt', 'a/b.txt', 'a.txt~', '\u{1F600}.txt', '\uE000.txt')), record });

describe('sort keys', () => {
  it('byte order of (path key, record key) is the order of a local run', () => {
    fc.assert(
      fc.property(fc.array(doc, { maxLength: 30 }), (docs) => {
        const local = [...docs].sort((a, b) => comparePaths(a.path, b.path) || compareRecords(a.record, b.record));
        const db = [...docs].sort((a, b) => Buffer.compare(pathKey(a.path), pathKey(b.path)) || Buffer.compare(recordKey(a.record), recordKey(b.record)));
        expect(db).toEqual(local);
      }),
      { numRuns: 2000 },
    );
  });
  it('keys are one to one with what they encode (so they can be the unique key)', () => {
    fc.assert(
      fc.property(doc, doc, (a, b) => {
        const same = a.path === b.path && a.record === b.record;
        expect(pathKey(a.path).equals(pathKey(b.path)) && recordKey(a.record).equals(recordKey(b.record))).toBe(same);
      }),
      { numRuns: 5000 },
    );
  });
  it('an astral character sorts as a local run sorts it (by UTF-16 code units, not code points)', () => {
    expect(comparePaths('\u{1F600}', '\uE000')).toBeLessThan(0);
    expect(Buffer.compare(pathKey('\u{1F600}'), pathKey('\uE000'))).toBeLessThan(0);
  });
  it('a document without text is keyed by its bytes, so two failures of a changed file are two rows', () => {
    expect(textKey({ sha256: 'abc' }, 'f1')).toBe('abc');
    expect(textKey({ sha256: '' }, 'f1')).toBe('bytes:f1');
    expect(textKey({ sha256: '', input: { sha256: 'f2', settings: 's' } }, 'f1')).toBe('bytes:f2');
  });
});

describe('a job read as the queue reads it (the batch file scanner, with the job\'s own options and bytes)', () => {
  it('stored bytes give the same result as the file; bytes other than those enqueued are an error, never a result', async () => {
    const { createFileScanner } = await import('../src/batch/worker.js');
    const dir = mkdtempSync(join(tmpdir(), 'sgs-task-'));
    const fs = createFileScanner({ includeText: false, maxBytes: 10_000_000, reader: {} });
    try {
      const abs = join(dir, 'a.csv');
      const bytes = Buffer.from('id,entry\n1,Disclosed that partner hit her. MARAC referral made.\n2,Seen today.\n');
      writeFileSync(abs, bytes);
      const options = { maxBytes: 10_000_000, textColumn: 'entry', idColumn: 'id' };
      const sha = createHash('sha256').update(bytes).digest('hex');
      const fromFile = await fs.scanFile({ i: 0, abs, path: 'a.csv', read: { options, sha256: sha } });
      const fromBytes = await fs.scanFile({ i: 0, abs: join(dir, 'gone.csv'), path: 'a.csv', read: { options, bytes, sha256: sha } });
      expect(fromFile.docs.map((d) => d.doc)).toEqual(fromBytes.docs.map((d) => d.doc));
      expect(fromFile.docs.map((d) => [d.doc!.record, d.doc!.verdict])).toEqual([['1', 'withhold'], ['2', 'visible']]);
      writeFileSync(abs, 'id,entry\n1,Seen today.\n');
      const changed = await fs.scanFile({ i: 0, abs, path: 'a.csv', read: { options, sha256: sha } });
      expect(changed.docs.map((d) => d.doc)).toMatchObject([{ verdict: 'review', error: expect.stringMatching(/^the file changed after it was enqueued/) }]);
      const tooBig = await fs.scanFile({ i: 0, abs, path: 'a.csv', read: { options: { ...options, maxBytes: 10 }, bytes } });
      expect(tooBig.docs[0].doc).toMatchObject({ verdict: 'review', error: `file is ${bytes.byteLength} bytes, over --max-bytes 10` });
    } finally {
      await fs.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});

describe('database errors never carry the password', () => {
  it('the URL is shown with *** for its password', () => {
    expect(redactUrl('postgres://scan:s3cr%40t@db.example:5432/queue')).toBe('postgres://scan:***@db.example:5432/queue');
    expect(redactUrl('postgres://scan@db.example/queue')).toBe('postgres://scan@db.example/queue');
    expect(redactUrl('not a url')).not.toContain('not a url');
  });
  it('a message that echoes the password has it cut out', () => {
    const said = describeDbError(Object.assign(new Error('x'), { code: 'XX000', message: 'bad s3cr@t' }), 'postgres://scan:s3cr%40t@h/q');
    expect(said).not.toContain('s3cr@t');
    expect(describeDbError(Object.assign(new Error('timeout expired'), {}))).toMatch(/timed out/);
    expect(describeDbError(Object.assign(new Error(''), { code: '3D000' }))).toMatch(/database does not exist/);
  });
});

describe('--db pointing nowhere: exit 2, a clear message, no password', () => {
  let dir: string;
  beforeAll(async () => {
    await ensureBuilt();
    dir = mkdtempSync(join(tmpdir(), 'sgs-nodb-'));
    writeFileSync(join(dir, 'a.txt'), 'Seen today.\n');
  }, 120_000);
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  const nowhere = 'postgres://someone:s3cret-pw@127.0.0.1:1/nodb';
  it('enqueue, worker, results and status: connection refused, said so', async () => {
    const runs = await Promise.all([['enqueue', 'a.txt'], ['worker'], ['results'], ['status']].map((args) => runCli([...args, '--db', nowhere], { cwd: dir })));
    for (const r of runs) {
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('safeguard-scan: cannot connect to the database postgres://someone:***@127.0.0.1:1/nodb: connection refused');
      expect(r.stdout + r.stderr).not.toContain('s3cret-pw');
    }
  });
  it('not a PostgreSQL URL, or none: bad usage', async () => {
    const r = await runCli(['status', '--db', 'mysql://x@h/y'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--db must be a PostgreSQL URL');
    const none = await runCli(['status'], { cwd: dir });
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/required option '--db <url>' not specified/);
  });
});

describe('the local mode needs no server and loads no database package', () => {
  const hook = (dir: string) => {
    const f = join(dir, 'hook.cjs');
    writeFileSync(
      f,
      `process.on('exit', () => { const m = Object.keys(require.cache).filter((k) => /[\\\\/]node_modules[\\\\/](pg|pg-boss|pg-pool)[\\\\/]/.test(k)); process.stderr.write('DB-MODULES ' + m.length + '\\n'); });`,
    );
    return f;
  };
  const loaded = (stderr: string) => Number(/DB-MODULES (\d+)/.exec(stderr)?.[1] ?? NaN);
  let dir: string;
  beforeAll(async () => {
    await ensureBuilt();
    dir = mkdtempSync(join(tmpdir(), 'sgs-lazy-'));
  }, 120_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('scan and check do not load pg or pg-boss', () => {
    const h = hook(dir);
    const scan = spawnSync(process.execPath, ['-r', h, CLI, 'scan', join(ROOT, 'examples'), '--format', 'jsonl', '-o', join(dir, 'out.jsonl')], { encoding: 'utf8' });
    expect(scan.status).toBe(1);
    expect(loaded(scan.stderr)).toBe(0);
    const check = spawnSync(process.execPath, ['-r', h, CLI, 'check', 'Seen today.'], { encoding: 'utf8' });
    expect(check.status).toBe(0);
    expect(loaded(check.stderr)).toBe(0);
  }, 60_000);
  it('the library (CommonJS and ESM) does not load them', () => {
    const h = hook(dir);
    const cjs = spawnSync(process.execPath, ['-r', h, '-e', `require(${JSON.stringify(join(ROOT, 'dist/index.cjs'))}).scan('Seen today.')`], { encoding: 'utf8' });
    expect(cjs.status).toBe(0);
    expect(loaded(cjs.stderr)).toBe(0);
    const esm = spawnSync(process.execPath, ['-r', h, '--input-type=module', '-e', `const m = await import(${JSON.stringify(join(ROOT, 'dist/index.js'))}); m.scan('Seen today.');`], { encoding: 'utf8' });
    expect(esm.status).toBe(0);
    expect(loaded(esm.stderr)).toBe(0);
  });
  it('(the check can fail: a queue command does load pg)', () => {
    const r = spawnSync(process.execPath, ['-r', hook(dir), CLI, 'status', '--db', 'postgres://x@127.0.0.1:1/y'], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(loaded(r.stderr)).toBeGreaterThan(0);
  });
});
