import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(__dirname, '..');
const cli = join(root, 'dist/cli.js');
const preload = join(root, 'test/support/no-network.cjs');
// A plausible name, so that findings (a person's name) would carry it if text leaked.
const SENTINEL = 'Zqxsentinel';
const leaks = (s: string) => s.includes(SENTINEL) || s.toLowerCase().includes(SENTINEL.toLowerCase());

function run(args: string[], cwd: string) {
  const r = spawnSync(process.execPath, ['--require', preload, cli, ...args], { cwd, encoding: 'utf8', timeout: 120_000, env: { ...process.env, FORCE_COLOR: '0' } });
  return { code: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}

function allFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? allFiles(p) : [p];
  });
}

describe('no network, ever', () => {
  it('the preload really stops a connection (so the checks below mean something)', () => {
    const r = spawnSync(process.execPath, ['--require', preload, '-e', "require('node:net').connect(80, '127.0.0.1')"], { encoding: 'utf8' });
    expect(r.status).toBe(99);
    expect(r.stderr).toContain('NETWORK-ATTEMPT');
  });
  it('the library imports, scans and checks context without opening a socket', () => {
    const code = `const m = require(${JSON.stringify(join(root, 'dist/index.cjs'))}); const r = m.scan('Partner hit her. MARAC referral made.'); if (r.verdict !== 'withhold') process.exit(3);`;
    const r = spawnSync(process.execPath, ['--require', preload, '-e', code], { encoding: 'utf8' });
    expect(r.stderr).not.toContain('NETWORK-ATTEMPT');
    expect(r.status).toBe(0);
  });
  it('the CLI scans the examples, in every format, without opening a socket', () => {
    const out = mkdtempSync(join(tmpdir(), 'sgs-net-'));
    for (const f of ['stylish']) {
      const r = run(['scan', join(root, 'examples'), '--format', f, '--concurrency', '2'], out);
      expect(r.stderr).not.toContain('NETWORK-ATTEMPT');
      expect([0, 1]).toContain(r.code);
    }
    const h = run(['scan', join(root, 'examples'), '--format', 'html', '-o', join(out, 'r.html')], out);
    expect(h.stderr).not.toContain('NETWORK-ATTEMPT');
    expect([0, 1]).toContain(h.code);
  });
});

describe('no network in the reader child processes either (PDF, Word, images, OCR)', () => {
  it('reads a scanned PDF, an image and a Word file by OCR with every process under the preload', async () => {
    const { jpeg, makePdf, png, renderPage, makeDocxParts } = await import('./fixtures/scans.js');
    const d = mkdtempSync(join(tmpdir(), 'sgs-net-ocr-'));
    const letter = ['Dear Dr Patel,', 'Seen in clinic today, well. Please do not disclose this result to the patient yet.', 'Yours sincerely'];
    writeFileSync(join(d, 'scan.pdf'), await makePdf([{ jpeg: jpeg(renderPage(letter, 150), 80, 150) }]));
    writeFileSync(join(d, 'scan.png'), png(renderPage(letter, 150), 150));
    writeFileSync(join(d, 'pasted.docx'), await makeDocxParts({ body: ['See attached.'], media: [{ name: 'p.png', bytes: png(renderPage(letter, 150), 150) }] }));
    // NODE_OPTIONS: every process the CLI starts (reader children, tesseract's threads) loads the preload too.
    const r = spawnSync(process.execPath, [cli, 'scan', '.', '-f', 'jsonl', '--concurrency', '1'], {
      cwd: d,
      encoding: 'utf8',
      timeout: 120_000,
      env: { ...process.env, NODE_OPTIONS: `--require ${preload}` },
    });
    expect(r.stderr).not.toContain('NETWORK-ATTEMPT');
    const docs = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(docs).toHaveLength(3);
    for (const doc of docs) {
      // A reader stopped by the preload would show as an error (exit code 99).
      expect(doc.error, doc.path).toBeUndefined();
      expect(doc.ocr?.pages, doc.path).toBe(1);
      expect(doc.verdict, doc.path).toBe('withhold');
    }
  }, 120_000);
});

describe('record text never leaks', () => {
  // Documents of every kind, each carrying a unique sentinel in its text.
  const dir = mkdtempSync(join(tmpdir(), 'sgs-leak-'));
  const docs = join(dir, 'docs');
  mkdirSync(docs);
  writeFileSync(join(docs, 'a.txt'), `Partner ${SENTINEL} hit her. MARAC referral made. ${SENTINEL} rang.`);
  writeFileSync(join(docs, 'b.md'), `# Note\nSeen with ${SENTINEL} Smith, DOB 01/02/1990, 07700 900123.`);
  writeFileSync(join(docs, 'c.csv'), `id,text\n1,"Denies DV ${SENTINEL}"\n2,"${SENTINEL} is HIV positive"\n`);
  writeFileSync(join(docs, 'd.jsonl'), `{"id":"r1","text":"Child on CP plan ${SENTINEL}"}\n{not json ${SENTINEL}\n`);
  writeFileSync(join(docs, 'e.docx'), `PK\u0003\u0004 corrupt ${SENTINEL} not a zip`);
  // No header row: its first row is record text, and the named column is not there.
  writeFileSync(join(docs, 'f-noheader.csv'), `${SENTINEL} Quillfeather,Disclosed DV\nJo Bloggs,Seen today\n`);
  writeFileSync(join(docs, 'g.jsonl'), `{"${SENTINEL}":"Disclosed DV"}\n`);
  writeFileSync(join(docs, 'f.pdf'), `%PDF-1.4 broken ${SENTINEL}`);
  writeFileSync(join(docs, 'g.txt'), Buffer.concat([Buffer.from(`binary ${SENTINEL} `), Buffer.alloc(64, 0)]));
  writeFileSync(join(docs, 'h.html'), `<p>Seen with ${SENTINEL}. <script>${SENTINEL}</script></p>`);
  writeFileSync(join(docs, 'i.rtf'), `{\\rtf1 ${SENTINEL} \\par DV disclosed}`);
  writeFileSync(join(docs, 'big.txt'), `${SENTINEL} `.repeat(2000));

  const common = ['--text-column', 'text', '--id-column', 'id', '--text-field', 'text', '--id-field', 'id', '--max-bytes', '5000', '--concurrency', '1'];
  for (const format of ['stylish', 'json', 'jsonl', 'csv', 'sarif']) {
    it(`${format}: not on stdout, stderr, or in the output file`, () => {
      const outDir = mkdtempSync(join(tmpdir(), 'sgs-leak-out-'));
      // Every format goes through the same writer to stdout or a file: both ways for the
      // default format and for jsonl, to a file for the others (a CLI run each is 1-2 s).
      if (format === 'stylish' || format === 'jsonl') {
        const toStdout = run(['scan', docs, '--format', format, ...common], outDir);
        expect(toStdout.stdout.length).toBeGreaterThan(0);
        expect(leaks(toStdout.stdout)).toBe(false);
        expect(leaks(toStdout.stderr)).toBe(false);
        expect(toStdout.code).toBe(2); // unreadable documents are in the set
      }
      const toFile = run(['scan', docs, '--format', format, '-o', join(outDir, `out.${format}`), ...common], outDir);
      expect(toFile.code).toBe(2);
      expect(readFileSync(join(outDir, `out.${format}`), 'utf8').length).toBeGreaterThan(0);
      expect(leaks(toFile.stdout + toFile.stderr)).toBe(false);
      for (const f of allFiles(outDir)) expect(leaks(readFileSync(f, 'utf8')), f).toBe(false);
    });
  }
  it('resume journal and check command keep it out too', () => {
    const outDir = mkdtempSync(join(tmpdir(), 'sgs-leak-res-'));
    const out = join(outDir, 'run.jsonl');
    run(['scan', docs, '--format', 'jsonl', '-o', out, '--resume', ...common], outDir);
    run(['scan', docs, '--format', 'jsonl', '-o', out, '--resume', ...common], outDir);
    for (const f of allFiles(outDir)) expect(leaks(readFileSync(f, 'utf8')), f).toBe(false);
    const c = run(['check', `Partner ${SENTINEL} hit her.`], outDir);
    expect(leaks(c.stdout + c.stderr)).toBe(false);
  });
  it('but --include-text does put it in, so the checks above could fail', () => {
    const r = run(['scan', join(docs, 'a.txt'), '--format', 'json', '--include-text'], dir);
    expect(r.stdout).toContain(SENTINEL);
  });
});
