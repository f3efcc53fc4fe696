/**
 * Redaction: the library's redact() (labels, every mention of a redacted person, offsets, fail
 * closed) and `safeguard-scan redact` (files written as DESIGN.md says, records in their own
 * format, docx as text, logs without text). All text is invented.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createScanner, originalOffset, redact, RedactionError, RedactionLogSchema, redactedOffset, scan, type ScanResult } from '../src/index.js';
import { ensureBuilt, rmrf, runCliInProcess, tempDir, writeText } from './batch-helpers.js';
import { makeDocx } from './fixtures/make-fixtures.js';

const r = (text: string, opts: Parameters<typeof redact>[2] = {}, ctx: Parameters<typeof scan>[1] = {}) => redact(text, scan(text, ctx), opts);

describe('redact(): labels, never masks', () => {
  it("replaces a third party's name with [third party], whatever its length", () => {
    const t = 'Lives with partner Dave and two children.';
    const out = r(t).text;
    expect(out).not.toContain('Dave');
    expect(out).toContain('[third party]');
    // no mask that keeps the length or the initial of the name
    expect(out).not.toMatch(/D\*|\*{2,}|X{3,}|█/);
    const long = 'Lives with partner Bartholomew and two children.';
    expect(r(long).text).toBe(out);
  });

  it('leaves negated and hypothetical findings, and the patient and professionals, alone', () => {
    const t = 'Asked re DV as per routine enquiry - denies. No safeguarding concerns. Seen with HV Sarah Jones re weaning.';
    const x = r(t, { categories: ['thirdParty', 'safeguarding', 'sensitive', 'harm'] });
    expect(x.text).toBe(t);
    expect(x.redactions).toEqual([]);
    const own = 'Amy Clarke attended. Amy is well.';
    expect(r(own, {}, { patient: { name: 'Amy Clarke' } }).text).toBe(own);
  });

  it('redacts the chosen categories only, each with its own label', () => {
    const t = 'Disclosed that partner hit her last week. MARAC referral made. Chlamydia NAAT positive.';
    const res = scan(t);
    const tp = redact(t, res).text;
    expect(tp).toContain('MARAC');
    expect(tp).toContain('Chlamydia');
    const all = redact(t, res, { categories: ['safeguarding', 'sensitive'] }).text;
    expect(all).not.toContain('MARAC');
    expect(all).not.toContain('hit her');
    expect(all).not.toContain('Chlamydia');
    expect(all).toContain('[safeguarding]');
    expect(all).toContain('[sensitive]');
  });

  it("follows a redacted person through the whole text: before and after, full name, surname alone, title and surname, forename; pronouns stay", () => {
    const t = 'Holt rang first. Mrs Gwen Holt phoned about her husband. Mrs Holt is worried. Gwen said she would call back. MRS HOLT later confirmed.';
    const x = r(t);
    for (const gone of ['Holt', 'Gwen', 'HOLT', 'Mrs']) expect(x.text).not.toContain(gone);
    expect(x.text).toContain('she would call back');
    expect(x.text).toContain('her ');
    const same = x.redactions.filter((d) => d.ruleId === 'redact/same-person');
    // "Holt rang first" is before the name was found: followed all the same
    expect(same.some((d) => d.start === 0 && d.end === 4)).toBe(true);
    expect(x.text.startsWith('[third party] rang first.')).toBe(true);
  });

  it("does not follow a surname the patient shares, except behind a title that points away from the patient", () => {
    const t = 'Seen with Mrs Gwen Hughes, his mother. Mrs Hughes is worried. Hughes reports chest pain. Mr Hughes to return.';
    const x = r(t, { patient: { name: 'Tom Hughes', sex: 'male' } }, { patient: { name: 'Tom Hughes', sex: 'male' } });
    expect(x.text).not.toContain('Gwen');
    expect(x.text).not.toContain('Mrs Hughes');
    expect(x.text).toContain('Hughes reports chest pain');
    expect(x.text).toContain('Mr Hughes to return');
  });

  it('keeps a hyphenated or longer name whole: "Holt" is not found in "Holt-Smith" or "Holton"', () => {
    const t = 'Mrs Gwen Holt phoned. Letter from Holton Road surgery; Dr Holt-Smith, consultant, reviewed.';
    const x = r(t);
    expect(x.text).toContain('Holton Road');
    expect(x.text).toContain('Holt-Smith');
  });

  it('gives an offset map from redacted to original (and back), for both operators', () => {
    const t = 'Mrs Gwen Holt phoned about her husband. Mrs Holt is worried; she will ring back. BP 120/80.';
    for (const operator of ['replace', 'redact'] as const) {
      const x = r(t, { operator });
      const bp = x.text.indexOf('BP 120/80');
      expect(originalOffset(x.map, bp)).toBe(t.indexOf('BP 120/80'));
      expect(redactedOffset(x.map, t.indexOf('she will'))).toBe(x.text.indexOf('she will'));
      // every unredacted stretch is the original's, at the mapped offset
      let prev = 0;
      let prevR = 0;
      for (const s of x.map) {
        expect(x.text.slice(prevR, s.redactedStart)).toBe(t.slice(prev, s.start));
        expect(x.text.slice(s.redactedStart, s.redactedEnd)).toBe(operator === 'replace' ? '[third party]' : '');
        prev = s.end;
        prevR = s.redactedEnd;
      }
      expect(x.text.slice(prevR)).toBe(t.slice(prev));
    }
    expect(r(t, { operator: 'redact' }).text).not.toContain('[third party]');
  });

  it('fails closed: a failed scan, or a result of another text, is refused, never half-redacted', () => {
    const t = 'Lives with partner Dave.';
    const failed: ScanResult = { ...scan(t), error: 'internal error in the scanner (TypeError); the document was not fully scanned' };
    expect(() => redact(t, failed)).toThrow(RedactionError);
    const other = scan('Lives with partner Dave and their children, who are at school nearby.');
    expect(() => redact(t, other)).toThrow(/outside the text/);
    expect(() => redact(t, { findings: [{ nope: 1 }] } as never)).toThrow(/field "findings.0/);
  });

  it("takes a title before a redacted name with it, reading title words from the scanner's lexicons (a user's vocabulary added on top)", () => {
    const t = 'Mrs Gwen Holt phoned about her husband. The note was copied to cllr Holt for the file.';
    const plain = createScanner();
    expect(redact(t, plain.scan(t), { scanner: plain }).text).toBe('[third party] about her [third party]. The note was copied to cllr [third party] for the file.');
    const scanner = createScanner({
      entries: [{ id: 'vocab/local-title', name: 'name-title', terms: ['cllr'], source: 'test', examples: { match: ['Cllr Holt'], noMatch: ['Holt'] } }],
    });
    expect(redact(t, scanner.scan(t), { scanner }).text).toBe('[third party] about her [third party]. The note was copied to [third party] for the file.');
  });
});

describe('safeguard-scan redact', () => {
  let dir: string;
  beforeAll(async () => {
    await ensureBuilt();
    dir = tempDir('sgs-redact-');
    writeText(join(dir, 'in', 'letter.txt'), 'Mrs Gwen Holt phoned about her husband. Holt said she is worried. No safeguarding concerns.\n');
    writeText(join(dir, 'in', 'notes.md'), '# Note\n\nBP 120/80. Continue ramipril.\n');
    writeText(
      join(dir, 'in', 'entries.csv'),
      'id;text;patient\n' +
        'E1;"Lives with partner Dave; Dave works nights.";Amy Clarke\n' +
        'E2;"BP 120/80. Amy Clarke well.";Amy Clarke\n' +
        'E3;"Disclosed that partner hit her. MARAC referral made.";Amy Clarke\n',
    );
    writeText(join(dir, 'in', 'records.jsonl'), '{"id":"x1","body":{"text":"Brother John Smith called. Smith is worried."},"site":"A"}\nnot json\n');
    writeText(join(dir, 'in', 'clinic.docx'), await makeDocx(['Re: Alex Example', 'Seen with her sister Jo Sample, who has diabetes.', 'Plan: review.']));
  });
  afterAll(() => rmrf(dir));

  const log = (p: string) => RedactionLogSchema.strict().parse(JSON.parse(readFileSync(join(dir, 'out', `${p}.redaction.json`), 'utf8')));

  it('writes DIR/<path>.redacted.txt and DIR/<path>.redaction.json: text as text, records in their own format, docx as its text', async () => {
    const res = await runCliInProcess(
      ['redact', 'in', '--out-dir', 'out', '--categories', 'thirdParty,safeguarding', '--text-column', 'text', '--id-column', 'id', '--patient-name-column', 'patient', '--text-field', 'body.text', '--id-field', 'id', '--concurrency', '1'],
      { cwd: dir },
    );
    // the jsonl line that is not JSON cannot be redacted: exit 2, the rest written
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/redacted 7 of 8 documents from 5 files into out/);

    const letter = readFileSync(join(dir, 'out/in/letter.txt.redacted.txt'), 'utf8');
    // "Gwen Holt phoned" is information given by a third party: the finding covers the verb too
    expect(letter).toBe('[third party] about her [third party]. [third party] said she is worried. No safeguarding concerns.\n');
    expect(readFileSync(join(dir, 'out/in/notes.md.redacted.txt'), 'utf8')).toBe('# Note\n\nBP 120/80. Continue ramipril.\n');

    const csv = readFileSync(join(dir, 'out/in/entries.csv.redacted.txt'), 'utf8');
    expect(csv.split('\r\n')).toEqual([
      'id;text;patient',
      'E1;"Lives with [third party]; [third party] works nights.";Amy Clarke',
      'E2;BP 120/80. Amy Clarke well.;Amy Clarke',
      'E3;Disclosed that [safeguarding]. [safeguarding] referral made.;Amy Clarke',
      '',
    ]);
    expect(log('in/entries.csv').outputFormat).toBe('csv');

    const jsonl = readFileSync(join(dir, 'out/in/records.jsonl.redacted.txt'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(jsonl).toEqual([{ id: 'x1', body: { text: '[third party]. [third party] is worried.' }, site: 'A' }]);
    const jl = log('in/records.jsonl');
    expect(jl.outputFormat).toBe('jsonl');
    expect(jl.documents.find((d) => d.record === '2')!.error).toMatch(/invalid JSON/);
    expect(jl.notes.join(' ')).toMatch(/1 record\(s\) .* left out/);

    const docx = readFileSync(join(dir, 'out/in/clinic.docx.redacted.txt'), 'utf8');
    expect(docx).toContain('Alex Example');
    expect(docx).not.toContain('Jo Sample');
    const dl = log('in/clinic.docx');
    expect(dl.outputFormat).toBe('text');
    expect(dl.notes.join(' ')).toMatch(/read from a docx: the output is the text extracted from it, redacted, not a docx file/);
  });

  it('logs categories, rules and original offsets, never the text', () => {
    const l = log('in/letter.txt');
    const original = readFileSync(join(dir, 'in/letter.txt'), 'utf8');
    expect(l.categories).toEqual(['thirdParty', 'safeguarding']);
    expect(l.output).toBe('in/letter.txt.redacted.txt');
    const [d] = l.documents;
    expect(d.redactions.map((x) => x.ruleId)).toContain('detector/person-name');
    // "Holt said ...", a later mention of the named third party: reported by the person detector
    // itself (it follows a name decided by what stands beside it), else followed by the redaction
    expect(d.redactions.filter((x) => x.ruleId === 'detector/person-name' || x.ruleId === 'redact/same-person').length).toBeGreaterThanOrEqual(2);
    for (const x of d.redactions) expect(original.slice(x.start, x.end)).toMatch(/Holt|Gwen|husband/);
    for (const p of ['in/letter.txt', 'in/entries.csv', 'in/records.jsonl', 'in/clinic.docx', 'in/notes.md']) {
      const raw = readFileSync(join(dir, 'out', `${p}.redaction.json`), 'utf8');
      for (const secret of ['Holt', 'Gwen', 'Dave', 'Smith', 'Jo Sample', 'MARAC', 'ramipril']) expect(raw).not.toContain(secret);
    }
  });

  it('keeps outputs inside DIR for a path given with ..; refuses a bad category; a file that cannot be read is not written', async () => {
    writeText(join(dir, 'sub', 'x.txt'), 'Lives with partner Dave.');
    const up = await runCliInProcess(['redact', '../in/letter.txt', '--out-dir', 'out2'], { cwd: join(dir, 'sub') });
    expect(up.code).toBe(0);
    expect(existsSync(join(dir, 'sub/out2/__/in/letter.txt.redacted.txt'))).toBe(true);

    const bad = await runCliInProcess(['redact', 'in/letter.txt', '--out-dir', 'out3', '--categories', 'thirdParty,names'], { cwd: dir });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/not a category: "names"/);

    writeText(join(dir, 'bin', 'nul.txt'), Buffer.from([1, 0, 2, 0, 3, 0, 4, 0, 5, 0, 6, 0]));
    const nul = await runCliInProcess(['redact', 'bin/nul.txt', '--out-dir', 'out4'], { cwd: dir });
    expect(nul.code).toBe(2);
    expect(existsSync(join(dir, 'out4/bin/nul.txt.redacted.txt'))).toBe(false);
    expect(log('../out4/bin/nul.txt').documents[0].error).toMatch(/binary/);
  });
});
