import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fg from 'fast-glob';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCorpus } from '../bench/corpus.js';
import { scanFiles } from '../src/batch/scan-files.js';
import type { DocumentResult, Patient, ScanResult } from '../src/model/index.js';
import { createScanner } from '../src/scanner/index.js';
import { jsonLines, rmrf, ROOT, runCliInProcess, slowOnly, tempDir } from './batch-helpers.js';

/**
 * One decision per question, shared by every entry point: every dev, eval and corpus text,
 * through the library, scanFiles, `scan` and `check`, gives the same whole result (verdict,
 * score, categories, every finding with its offsets and context, reasons), not just the same
 * verdict. The files carry no kind: whether a text is a letter is decided by the text layer.
 */
interface Doc {
  name: string;
  text: string;
  patient?: Patient;
}

const labelled = [...fg.sync(join(ROOT, '../shared/eval/*.jsonl')), ...fg.sync(join(ROOT, 'eval/*.jsonl'))].sort();
const docs: Doc[] = [];
for (const f of labelled)
  for (const line of readFileSync(f, 'utf8').split('\n'))
    if (line.trim()) {
      const ex = JSON.parse(line) as { text: string; patient?: Patient };
      docs.push({ name: `e${String(docs.length).padStart(5, '0')}.txt`, text: ex.text, patient: ex.patient });
    }
for (const text of loadCorpus()) docs.push({ name: `c${String(docs.length).padStart(5, '0')}.txt`, text });

let dir: string;
const scanner = createScanner();
const library = new Map<string, ScanResult>();
const libraryWithPatient = new Map<string, ScanResult>();

beforeAll(() => {
  dir = tempDir('sgs-entry-');
  mkdirSync(join(dir, 'docs'));
  // The documents with a patient, again, for the run with a manifest (the others would only repeat the first test).
  mkdirSync(join(dir, 'pdocs'));
  const manifest = ['path,name,nhsNumber,dateOfBirth,sex'];
  for (const d of docs) {
    writeFileSync(join(dir, 'docs', d.name), d.text);
    library.set(`docs/${d.name}`, scanner.scan(d.text));
    if (d.patient) {
      writeFileSync(join(dir, 'pdocs', d.name), d.text);
      // only the test:slow run compares these (about 2,000 scans)
      if (process.env.SGS_SLOW) libraryWithPatient.set(`pdocs/${d.name}`, scanner.scan(d.text, { patient: d.patient }));
      const q = (s?: string) => (s ? `"${s.replace(/"/g, '""')}"` : '');
      manifest.push([`pdocs/${d.name}`, q(d.patient.name), q(d.patient.nhsNumber), q(d.patient.dateOfBirth), q(d.patient.sex)].join(','));
    }
  }
  writeFileSync(join(dir, 'patients.csv'), manifest.join('\n') + '\n');
});
afterAll(() => rmrf(dir));

const resultOf = (d: DocumentResult) => ({ verdict: d.verdict, score: d.score, categories: d.categories, findings: d.findings, reasons: d.reasons, lexiconVersion: d.lexiconVersion, ...(d.error ? { error: d.error } : {}) });
const plain = (r: ScanResult) => ({ verdict: r.verdict, score: r.score, categories: r.categories, findings: r.findings, reasons: r.reasons, lexiconVersion: r.lexiconVersion, ...(r.error ? { error: r.error } : {}) });

describe('every entry point gives the same whole result', () => {
  it(`library, scanFiles, scan and check agree on ${docs.length} documents`, async () => {
    const viaFiles = new Map<string, DocumentResult>();
    for await (const d of scanFiles(['docs'], { cwd: dir, concurrency: 1 })) viaFiles.set(d.path, d);
    const cli = await runCliInProcess(['scan', 'docs', '-f', 'jsonl', '-o', 'out.jsonl', '--fail-on', 'withhold', '--concurrency', '1'], { cwd: dir });
    expect(cli.code).toBeLessThan(2);
    const viaCli = new Map(jsonLines(readFileSync(join(dir, 'out.jsonl'), 'utf8')).map((d) => [d.path as string, d as unknown as DocumentResult]));
    expect(viaFiles.size).toBe(docs.length);
    expect(viaCli.size).toBe(docs.length);
    let checked = 0;
    for (const d of docs) {
      const path = `docs/${d.name}`;
      const f = viaFiles.get(path)!;
      expect(resultOf(f), path).toEqual(plain(library.get(path)!));
      expect(viaCli.get(path), path).toEqual(f);
      const c = await runCliInProcess(['check', path, '-f', 'jsonl'], { cwd: dir });
      expect(jsonLines(c.stdout)[0], path).toEqual(f);
      checked++;
    }
    expect(checked).toBe(docs.length);
  }, 300_000);

  // The same with a patient manifest, over every labelled document that names its patient: in
  // npm run test:slow (test/slow/entry-points-patient.test.ts runs this file with SGS_SLOW=1).
  slowOnly()('and agree when the patient is known (library, scanFiles and scan with a manifest)', async () => {
    const viaFiles = new Map<string, DocumentResult>();
    for await (const d of scanFiles(['pdocs'], { cwd: dir, concurrency: 1, patients: 'patients.csv' })) viaFiles.set(d.path, d);
    const cli = await runCliInProcess(['scan', 'pdocs', '-f', 'jsonl', '-o', 'out-p.jsonl', '--patients', 'patients.csv', '--concurrency', '1'], { cwd: dir });
    expect(cli.code).toBeLessThan(2);
    const viaCli = new Map(jsonLines(readFileSync(join(dir, 'out-p.jsonl'), 'utf8')).map((d) => [d.path as string, d as unknown as DocumentResult]));
    expect(libraryWithPatient.size).toBeGreaterThan(1000);
    expect(viaFiles.size).toBe(libraryWithPatient.size);
    for (const [path, r] of libraryWithPatient) {
      expect(resultOf(viaFiles.get(path)!), path).toEqual(plain(r));
      expect(viaCli.get(path), path).toEqual(viaFiles.get(path));
    }
  }, 300_000);
});
