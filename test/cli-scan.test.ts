import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DocumentResultSchema } from '../src/model/index.js';
import { CLI, ensureBuilt, jsonLines, rmrf, runCli, runCliInProcess, tempDir, writeDocs, writeText } from './batch-helpers.js';

const SENTINEL = 'Zqxwvutsentinel';
const JSONL_FIELDS = ['path', 'sha256', 'bytes', 'verdict', 'score', 'categories', 'reasons', 'findings', 'lexiconVersion', 'version'];

let dir: string;
let files: string[];

beforeAll(async () => {
  await ensureBuilt();
  dir = tempDir('sgs-cli-');
  files = writeDocs(join(dir, 'docs'), 30).map((f) => `docs/${f}`);
  // A risky document naming a third party with a unique sentinel: it must never leak unless asked for.
  writeText(join(dir, 'docs', 'sentinel.txt'), `His brother ${SENTINEL} Smith called; ${SENTINEL} has schizophrenia and was recently sectioned.`);
  writeText(join(dir, 'docs', 'scan.bmp'), 'not a document we read');
  writeText(join(dir, 'routine', 'a.txt'), 'BP 120/80. Continue ramipril. Review in a year.');
  writeText(join(dir, 'routine', 'b.txt'), 'Asthma review: well controlled on salbutamol as required.');
  writeText(join(dir, 'review', 'c.txt'), 'Chlamydia screen positive. Treated with doxycycline.');
  writeText(join(dir, 'bad', 'nul.txt'), Buffer.from(Array.from({ length: 200 }, (_, i) => (i % 2 ? 0 : 1))));
});
afterAll(() => rmrf(dir));

describe('scan: formats', () => {
  it('jsonl: one object per document with the documented fields, sorted, no record text; summary and skipped on stderr', async () => {
    const r = await runCli(['scan', 'docs', '-f', 'jsonl', '--concurrency', '2'], { cwd: dir });
    expect(r.code).toBe(1); // withhold documents, default --fail-on withhold
    const docs = jsonLines(r.stdout);
    expect(docs.map((d) => d.path)).toEqual([...files, 'docs/sentinel.txt'].sort());
    for (const d of docs) {
      expect(DocumentResultSchema.strict().parse(d)).toEqual(d);
      for (const k of JSONL_FIELDS) expect(d).toHaveProperty(k);
    }
    expect(docs.find((d) => d.path === 'docs/sentinel.txt')!.verdict).not.toBe('visible');
    expect(r.stdout).not.toContain(SENTINEL);
    expect(r.stderr).not.toContain(SENTINEL);
    expect(r.stderr).toContain('skipped docs/scan.bmp: unsupported file type .bmp');
    expect(r.stderr).toMatch(/31 documents from 31 files, 1 files skipped; \d+ withhold, \d+ review, \d+ visible/);
    expect(r.stderr).toMatch(/categories: thirdParty \d+, safeguarding \d+, sensitive \d+, harm \d+/);
    expect(r.stderr).toMatch(/documents\/s/);
  });

  it('--include-text puts the matched text in findings (and only then)', async () => {
    const r = await runCliInProcess(['scan', 'docs/sentinel.txt', '-f', 'jsonl', '--include-text'], { cwd: dir });
    const [d] = jsonLines(r.stdout) as { findings: { text?: string }[] }[];
    expect(d.findings.some((f) => f.text?.includes(SENTINEL))).toBe(true);
  });

  it('stylish (default), json, csv and sarif to stdout; html only to a file', async () => {
    const stylish = await runCliInProcess(['scan', 'routine', 'review', '--concurrency', '1'], { cwd: dir });
    expect(stylish.code).toBe(0);
    expect(stylish.stdout.split('\n').filter((l) => /^(visible|REVIEW|WITHHOLD)/.test(l))).toHaveLength(3);
    expect(stylish.stdout).toMatch(/^REVIEW +0\.\d\d {2}review\/c\.txt {2}\S/m);

    const json = await runCliInProcess(['scan', 'routine', 'review', '-f', 'json'], { cwd: dir });
    const arr = JSON.parse(json.stdout) as { path: string }[];
    expect(arr.map((d) => d.path)).toEqual(['review/c.txt', 'routine/a.txt', 'routine/b.txt']);

    const csv = await runCliInProcess(['scan', 'routine', 'review', '-f', 'csv'], { cwd: dir });
    const rows = csv.stdout.trim().split('\r\n');
    expect(rows[0]).toMatch(/^path,record,verdict,score/);
    expect(rows.slice(1).map((r) => r.split(',')[0])).toEqual(['review/c.txt', 'routine/a.txt', 'routine/b.txt']);

    const sarif = await runCliInProcess(['scan', 'docs', '-f', 'sarif'], { cwd: dir });
    const log = JSON.parse(sarif.stdout) as { version: string; runs: { results: unknown[]; columnKind: string }[] };
    expect(log.version).toBe('2.1.0');
    expect(log.runs[0].columnKind).toBe('utf16CodeUnits');
    expect(log.runs[0].results.length).toBeGreaterThan(0);
    expect(sarif.stdout).not.toContain(SENTINEL);

    const html = await runCliInProcess(['scan', 'docs', '-f', 'html'], { cwd: dir });
    expect(html.code).toBe(2);
    expect(html.stdout).toBe('');
    expect(html.stderr).toMatch(/html report .* only to a file/);
    const out = join(dir, 'report.html');
    const html2 = await runCliInProcess(['scan', 'docs', '-o', out], { cwd: dir });
    expect(html2.code).toBe(1);
    expect(html2.stdout).toBe('');
    expect(readFileSync(out, 'utf8')).toMatch(/^<!doctype html>/);
  });
});

describe('scan: exit codes and errors', () => {
  it('0 below --fail-on, 1 at or above it, 2 for unreadable input (2 wins), and the run goes on past errors', async () => {
    expect((await runCliInProcess(['scan', 'routine', 'review'], { cwd: dir })).code).toBe(0);
    expect((await runCliInProcess(['scan', 'routine', 'review', '--fail-on', 'review'], { cwd: dir })).code).toBe(1);
    const r = await runCliInProcess(['scan', 'bad', 'review', 'routine', '-f', 'jsonl', '--fail-on', 'review'], { cwd: dir });
    expect(r.code).toBe(2);
    const docs = jsonLines(r.stdout);
    expect(docs).toHaveLength(4);
    expect(docs[0]).toMatchObject({ path: 'bad/nul.txt', verdict: 'review' });
    expect(String(docs[0].error)).toMatch(/binary/);
    expect(r.stderr).toMatch(/1 with errors/);
  });

  it('a pattern that matches nothing is exit 2; --ignore leaves files out', async () => {
    const r = await runCliInProcess(['scan', 'routine', 'nothing/*.txt'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('no files match "nothing/*.txt"');
    const ig = await runCliInProcess(['scan', 'routine', '--ignore', '**/b.txt', '-f', 'jsonl'], { cwd: dir });
    expect(jsonLines(ig.stdout).map((d) => d.path)).toEqual(['routine/a.txt']);
  });

  it('an output that cannot be written fails with exit 2 before any work', async () => {
    // As root, chmod cannot make a folder unwritable: a path under a regular file cannot be created by anyone.
    const out = join(dir, 'routine', 'a.txt', 'out.jsonl');
    const r = await runCliInProcess(['scan', 'docs', '-o', out], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/cannot write the output file .*out\.jsonl/);
    expect(r.stderr).not.toMatch(/documents from/); // no scan ran
    const missing = await runCliInProcess(['scan', 'docs', '-o', join(dir, 'no', 'such', 'dir', 'out.jsonl')], { cwd: dir });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/does not exist/);
  });

  it('refuses --resume without -o, or with a format other than jsonl; --concurrency must be a positive number', async () => {
    expect((await runCliInProcess(['scan', 'routine', '--resume'], { cwd: dir })).stderr).toMatch(/--resume needs -o/);
    const r = await runCliInProcess(['scan', 'routine', '--resume', '-o', join(dir, 'x.json')], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/jsonl only/);
    expect(existsSync(join(dir, 'x.json'))).toBe(false);
    expect((await runCliInProcess(['scan', 'routine', '--concurrency', '0'], { cwd: dir })).code).toBe(2);
  });
});

describe('no quiet success', () => {
  it('a run where every input was skipped exits 2, saying so', async () => {
    writeText(join(dir, 'onlyskipped', 'a.bmp'), 'x');
    writeText(join(dir, 'onlyskipped', 'b.exe'), 'x');
    const r = await runCliInProcess(['scan', 'onlyskipped'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/no file to scan: every input was skipped \(2 files/);
  });
  it('an output file with an extension that names no format exits 2 before any work', async () => {
    const r = await runCliInProcess(['scan', 'routine', '-o', 'results.xlsx'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/cannot tell the format of results\.xlsx from its extension \.xlsx/);
    expect(existsSync(join(dir, 'results.xlsx'))).toBe(false);
    expect((await runCliInProcess(['scan', 'routine', '-o', 'results.txt', '-f', 'stylish'], { cwd: dir })).code).toBe(0);
  });
  it('warns, with counts, when rows of the patient manifest match no scanned file; the manifest in the folder is not scanned', async () => {
    writeText(join(dir, 'pts', 'a.txt'), 'Derek Haines seen today, well.');
    writeText(join(dir, 'pts', 'patients.csv'), 'path,name,nhsNumber,dateOfBirth\na.txt,Derek Haines,,\nmissing.txt,Jo Bloggs,,\ngone/b.txt,Al Smith,,\n');
    const r = await runCliInProcess(['scan', 'pts', '--patients', 'pts/patients.csv', '-f', 'jsonl'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/warning: 2 of 3 rows of the patient manifest match no file of this run/);
    expect(r.stderr).toMatch(/skipped pts\/patients\.csv: the patient manifest of this run/);
    expect(jsonLines(r.stdout).map((d) => d.path)).toEqual(['pts/a.txt']);
  });
});

describe('exit codes and messages for I/O failures (hostile input)', () => {
  it('a full disk on stdout or on -o is exit 2 with what failed, never 0 or 1', async () => {
    const { spawnSync } = await import('node:child_process');
    const { openSync, closeSync } = await import('node:fs');
    const full = openSync('/dev/full', 'w');
    try {
      const r = spawnSync(process.execPath, [CLI, 'scan', 'routine', '-f', 'jsonl'], { cwd: dir, stdio: ['ignore', full, 'pipe'], encoding: 'utf8' });
      expect(r.status).toBe(2);
      expect(r.stderr).toMatch(/cannot write the results to standard output \(ENOSPC\)/);
    } finally {
      closeSync(full);
    }
    const o = await runCliInProcess(['scan', 'routine', '-o', '/dev/full', '-f', 'jsonl'], { cwd: dir });
    expect(o.code).toBe(2);
    expect(o.stderr).toMatch(/cannot write the output file \/dev\/full \(ENOSPC\)/);
    expect(o.stderr).not.toMatch(/internal error/);
  });
  it('a YAML alias bomb in a lexicon is refused, saying so', async () => {
    const bomb = ['- &a [x,x,x,x,x,x,x,x,x]', ...'bcdef'.split('').map((c, i) => `- &${c} [${Array(9).fill(`*${'abcdef'[i]}`).join(',')}]`)].join('\n');
    writeText(join(dir, 'bomb.yaml'), bomb);
    const r = await runCliInProcess(['lexicon', 'test', 'bomb.yaml'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/refused: its aliases expand too far .*alias bomb/);
  });
  it('names with newlines or terminal escapes cannot forge a line or reach the terminal raw', async () => {
    writeText(join(dir, 'forge', 'x\nvisible  0.00  forged.txt'), 'MARAC referral made.');
    writeText(join(dir, 'forge', 'y\u001b[2Jz.txt'), 'Seen today.');
    const r = await runCliInProcess(['scan', 'forge'], { cwd: dir });
    const lines = r.stdout.split('\n');
    expect(lines.some((l) => l.startsWith('visible  0.00  forged.txt'))).toBe(false);
    expect(r.stdout).toContain('x\\u{0a}visible');
    expect(r.stdout).not.toContain('\u001b');
    expect(r.stdout).toContain('\\u{1b}[2J');
  });
});

describe('config file', () => {
  it('is found from the working directory upward; flags override it; an unknown key is exit 2 naming key and file', async () => {
    const root = join(dir, 'cfg');
    mkdirSync(join(root, 'sub', 'deeper'), { recursive: true });
    writeText(join(root, 'sub', 'deeper', 'c.txt'), 'Chlamydia screen positive. Treated with doxycycline.');
    writeFileSync(join(root, 'safeguard-scan.config.json'), JSON.stringify({ failOn: 'review', format: 'jsonl' }));
    const r = await runCliInProcess(['scan', '.'], { cwd: join(root, 'sub') });
    expect(r.code).toBe(1); // failOn review from the config
    expect(jsonLines(r.stdout)).toHaveLength(1); // format jsonl from the config
    const flagged = await runCliInProcess(['scan', '.', '--fail-on', 'withhold', '-f', 'json'], { cwd: join(root, 'sub') });
    expect(flagged.code).toBe(0);
    expect(JSON.parse(flagged.stdout)).toHaveLength(1);

    writeFileSync(join(root, 'safeguard-scan.config.json'), JSON.stringify({ failOn: 'review', concurency: 2 }));
    const bad = await runCliInProcess(['scan', '.'], { cwd: join(root, 'sub') });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('safeguard-scan.config.json');
    expect(bad.stderr).toContain('unknown key "concurency"');

    writeFileSync(join(root, 'other.json'), JSON.stringify({ thresholds: { review: 'high' } }));
    const typed = await runCliInProcess(['scan', '.', '--config', join(root, 'other.json')], { cwd: join(root, 'sub') });
    expect(typed.code).toBe(2);
    expect(typed.stderr).toMatch(/other\.json: line 1, field "thresholds\.review"/);
  });
});

describe('check', () => {
  it('scans one text from an argument or stdin', async () => {
    const a = await runCliInProcess(['check', 'Patient disclosed domestic abuse from her partner. MARAC referral made.']);
    expect(a.code).toBe(1);
    expect(a.stdout).toMatch(/^WITHHOLD/);
    const b = await runCliInProcess(['check', '-f', 'jsonl'], { input: 'BP 120/80, well.' });
    expect(b.code).toBe(0);
    expect(jsonLines(b.stdout)[0]).toMatchObject({ path: '<stdin>', verdict: 'visible' });
  });
  it('reads an argument that names an existing file as that document, as scan reads it', async () => {
    const r = await runCliInProcess(['check', 'examples/03-dv-disclosure.txt', '-f', 'jsonl']);
    const scanned = await runCliInProcess(['scan', 'examples/03-dv-disclosure.txt', '-f', 'jsonl']);
    expect(r.code).toBe(1);
    const [doc] = jsonLines(r.stdout);
    expect(doc).toMatchObject({ path: 'examples/03-dv-disclosure.txt', verdict: 'withhold' });
    expect(doc).toEqual(jsonLines(scanned.stdout)[0]);
  });
  it('decodes standard input as it decodes files: a UTF-16 text with a byte-order mark is read, not scanned as noise', async () => {
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('Disclosed that partner hit her. MARAC referral made.', 'utf16le')]);
    const r = await runCliInProcess(['check', '-f', 'jsonl'], { input: utf16 });
    expect(r.code).toBe(1);
    expect(jsonLines(r.stdout)[0]).toMatchObject({ verdict: 'withhold', encoding: 'utf-16le' });
  });
});
