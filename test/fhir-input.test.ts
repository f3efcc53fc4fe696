import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readDocuments } from '../src/batch/read.js';
import { ReaderHost } from '../src/batch/reader-host.js';
import { lineOf } from '../src/batch/readers/fhir/path.js';
import { scanFiles } from '../src/batch/scan-files.js';
import type { DocumentResult } from '../src/model/index.js';
import { rmrf, tempDir } from './batch-helpers.js';
import { HTML, LETTER, makeDocx, makePdf, RTF } from './fixtures/make-fixtures.js';
import { png, renderPage } from './fixtures/scans.js';

/**
 * FHIR R4 input: attachments read by the same readers as files of their type, whose record it
 * is from the subject, and every problem an error row naming the line and the FHIR path.
 * All text and every patient is invented.
 */
const b64 = (b: Buffer | string) => Buffer.from(b).toString('base64');
const NHS = 'https://fhir.nhs.uk/Id/nhs-number';
const patient = { resourceType: 'Patient', id: 'p1', name: [{ use: 'official', given: ['Amy'], family: 'Clarke' }], identifier: [{ system: NHS, value: '9434765919' }], birthDate: '1980-02-03', gender: 'female' };
const OWN_NAME_TEXT = 'Amy Clarke seen today. BP 128/82. Continue amlodipine. Review in 6 months.';

let dir: string;
const host = new ReaderHost();
const opts = { maxBytes: 10 * 1024 * 1024 };
const read = (name: string) => readDocuments(join(dir, name), opts, host);
const write = (name: string, v: unknown, pretty = false) => writeFileSync(join(dir, name), typeof v === 'string' ? v : JSON.stringify(v, null, pretty ? 2 : undefined));
async function scanned(name: string): Promise<DocumentResult[]> {
  const out: DocumentResult[] = [];
  for await (const d of scanFiles([name], { cwd: dir, concurrency: 1 })) out.push(d);
  return out;
}

let pdf: Buffer, docx: Buffer, page: Buffer;
beforeAll(async () => {
  dir = tempDir('sgs-fhir-in-');
  pdf = makePdf(LETTER);
  docx = await makeDocx(LETTER);
  page = png(renderPage(['Re: Alex Example', 'Do not disclose this letter to the patient.'], 200), 200);
  for (const [name, bytes] of Object.entries({ 'a.txt': LETTER.join('\n'), 'a.html': HTML, 'a.rtf': RTF, 'a.pdf': pdf, 'a.docx': docx, 'a.png': page })) writeFileSync(join(dir, name), bytes);
}, 60_000);
afterAll(async () => {
  await host.close();
  rmrf(dir);
});

describe('DocumentReference attachments', () => {
  it('reads text, HTML, RTF, PDF, Word and image attachments through the readers of those files, each a part', async () => {
    const types = [
      ['text/plain; charset=utf-8', 'a.txt'],
      ['text/html', 'a.html'],
      ['text/rtf', 'a.rtf'],
      ['application/pdf', 'a.pdf'],
      ['application/vnd.openxmlformats-officedocument.wordprocessingml.document', 'a.docx'],
      ['image/png', 'a.png'],
    ] as const;
    write('docref.json', { resourceType: 'DocumentReference', id: 'd1', status: 'current', content: types.map(([contentType, f]) => ({ attachment: { contentType, data: b64(readFileSync(join(dir, f))) } })) });
    const [doc] = await read('docref.json');
    expect(doc.error).toBeUndefined();
    expect(doc.incomplete).toBeUndefined();
    expect(doc.record).toBe('DocumentReference/d1');
    expect(doc.fhir).toEqual({ path: [] });
    // Each attachment's text is exactly what the file's own reader gives.
    const parts = doc.parts!;
    for (const [i, [, f]] of types.entries()) {
      const [file] = await read(f);
      const mine = parts.filter((p) => p.name.startsWith(`content[${i}].attachment`));
      expect(mine.length, f).toBeGreaterThan(0);
      const fileParts = file.parts?.length ? file.parts.map((p) => file.text.slice(p.start, p.end)) : [file.text];
      expect(mine.map((p) => doc.text.slice(p.start, p.end)), f).toEqual(fileParts);
    }
    expect(parts.some((p) => p.name === 'content[3].attachment page 1')).toBe(true);
    expect(parts.some((p) => /^content\[5\]\.attachment .*OCR/.test(p.name))).toBe(true);
    expect(doc.ocr?.pages).toBe(1);
  }, 60_000);

  it('scans the attachment text: a do-not-disclose line in an attached PDF withholds the document, and the finding names its page', async () => {
    write('att.json', { resourceType: 'DocumentReference', content: [{ attachment: { contentType: 'application/pdf', data: b64(makePdf(['Re: Alex Example', 'Do not disclose this letter to the patient.'])) } }] });
    const [d] = await scanned('att.json');
    expect(d.verdict).toBe('withhold');
    const harm = d.findings.find((f) => f.category === 'harm')!;
    const part = d.parts!.find((p) => p.start <= harm.start && harm.end <= p.end);
    expect(part?.name).toBe('content[0].attachment page 1');
  }, 60_000);

  it('an attachment given only by url is an error naming the line and FHIR path; what was read is still scanned, never visible', async () => {
    write(
      'url.json',
      {
        resourceType: 'DocumentReference',
        id: 'u1',
        content: [{ attachment: { contentType: 'text/plain', data: b64('BP 120/80. Routine review.') } }, { attachment: { contentType: 'application/pdf', url: 'https://records.example/Binary/9' } }],
      },
      true,
    );
    const text = readFileSync(join(dir, 'url.json'), 'utf8');
    // The attachment object opens on the "attachment" line, two above its url (lines count from 1).
    const want = text.split('\n').findIndex((l) => l.includes('"url"')) + 1 - 2;
    const [d] = await scanned('url.json');
    expect(d.verdict).not.toBe('visible');
    expect(d.error).toContain('DocumentReference.content[1].attachment is given only by url');
    expect(d.error).toContain(`line ${want}:`);
    expect(d.error).not.toContain('records.example');
    write('url-only.json', { resourceType: 'DocumentReference', content: [{ attachment: { url: 'Binary/9' } }] });
    const [only] = await scanned('url-only.json');
    expect(only.verdict).toBe('review');
    expect(only.sha256).toBe('');
    expect(only.error).toMatch(/^line 1: DocumentReference\.content\[0\]\.attachment is given only by url/);
  }, 60_000);

  it('malformed resources are error rows naming the FHIR path, never skipped', async () => {
    write('bad.json', { resourceType: 'DocumentReference', id: 'x', content: [] });
    write('bad-data.json', { resourceType: 'DocumentReference', content: [{ attachment: { contentType: 'text/plain', data: 'not base64 at all!' } }] });
    write('not-fhir.json', { text: 'Seen today.' });
    write('broken.json', '{"resourceType": "DocumentReference",\n  "content": [\n  }');
    write('type.json', { resourceType: 'DocumentReference', content: [{ attachment: { contentType: 'application/zip', data: b64('PK') } }] });
    const rows = (await Promise.all(['bad.json', 'bad-data.json', 'not-fhir.json', 'broken.json', 'type.json'].map(scanned))).flat();
    expect(rows.map((r) => r.error)).toEqual([
      'line 1: DocumentReference.content must not be empty',
      'line 1: DocumentReference.content[0].attachment.data is not base64',
      'line 1: resource has no resourceType: not a FHIR resource',
      expect.stringMatching(/^invalid JSON/),
      'line 1: DocumentReference.content[0].attachment.data has content type "application/zip", which is not read',
    ]);
    for (const r of rows) expect(r.verdict).toBe('review');
  }, 60_000);
});

describe('Bundles', () => {
  const bundle = {
    resourceType: 'Bundle',
    type: 'collection',
    entry: [
      { fullUrl: 'urn:uuid:7a1c', resource: patient },
      { resource: { resourceType: 'DocumentReference', id: 'own', subject: { reference: 'urn:uuid:7a1c' }, content: [{ attachment: { contentType: 'text/plain', data: b64(OWN_NAME_TEXT) } }] } },
      { resource: { resourceType: 'DocumentReference', id: 'by-id', subject: { reference: 'Patient/p1' }, content: [{ attachment: { url: 'Binary/b1' } }] } },
      { fullUrl: 'https://records.example/Binary/b1', resource: { resourceType: 'Binary', id: 'b1', contentType: 'text/html', data: b64('<p>Chlamydia NAAT positive. Doxycycline 100mg bd 7/7.</p>') } },
      { resource: { resourceType: 'Binary', id: 'loose', contentType: 'text/plain', data: b64('Disclosed that partner hit her last week. MARAC referral made.') } },
      { resource: { resourceType: 'Composition', id: 'c1', subject: { reference: 'Patient/p1' }, title: 'Discharge summary', section: [{ title: 'Plan', text: { div: '<div xmlns="http://www.w3.org/1999/xhtml">Review in <b>6</b> months.</div>' }, section: [{ title: 'Follow up', text: { div: '<div>GP to repeat bloods.</div>' } }] }] } },
      { resource: { resourceType: 'Observation', id: 'o1', status: 'final' } },
    ],
  };

  it('one document per DocumentReference, Composition and free-standing Binary; a Binary a DocumentReference points to is read as its attachment', async () => {
    write('bundle.json', bundle, true);
    const docs = await read('bundle.json');
    expect(docs.map((d) => d.record)).toEqual(['DocumentReference/own', 'DocumentReference/by-id', 'Binary/loose', 'Composition/c1']);
    const byId = docs[1];
    expect(byId.text).toBe('Chlamydia NAAT positive. Doxycycline 100mg bd 7/7.');
    expect(byId.fhir).toEqual({ path: ['entry', 2, 'resource'], also: [['entry', 3, 'resource']] });
    const comp = docs[3];
    expect(comp.parts!.map((p) => p.name)).toEqual(['title', 'section[0].title', 'section[0].text', 'section[0].section[0].title', 'section[0].section[0].text']);
    expect(comp.text).toContain('GP to repeat bloods.');
  });

  it("resolves the subject to the Bundle's Patient (by fullUrl and by Patient/id): the patient's own name is not a third party", async () => {
    const docs = await read('bundle.json');
    expect(docs[0].patient).toEqual({ name: 'Amy Clarke', nhsNumber: '9434765919', dateOfBirth: '1980-02-03', sex: 'female' });
    expect(docs[1].patient).toEqual(docs[0].patient);
    const rows = await scanned('bundle.json');
    const own = rows.find((r) => r.record === 'DocumentReference/own')!;
    expect(own.verdict).toBe('visible');
    expect(own.findings.filter((f) => f.category === 'thirdParty')).toEqual([]);
    // The same text with no Patient to resolve names a third party.
    const orphan = { ...bundle, entry: [bundle.entry[1]] };
    write('orphan.json', orphan);
    const [o] = await scanned('orphan.json');
    expect(o.findings.some((f) => f.type === 'person-name')).toBe(true);
    expect(rows.find((r) => r.record === 'Binary/loose')!.verdict).toBe('withhold');
    expect(rows.find((r) => r.record === 'DocumentReference/by-id')!.verdict).toBe('review');
  }, 60_000);

  it('resolves a contained Patient', async () => {
    write('contained.json', { resourceType: 'DocumentReference', contained: [{ ...patient, id: 'pt' }], subject: { reference: '#pt' }, content: [{ attachment: { contentType: 'text/plain', data: b64(OWN_NAME_TEXT) } }] });
    const [d] = await scanned('contained.json');
    expect(d.verdict).toBe('visible');
  }, 60_000);
});

describe('NDJSON bulk export', () => {
  it('one resource a line; a Patient on another line is known; bad lines are error rows naming the line', async () => {
    const lines = [
      JSON.stringify(patient),
      JSON.stringify({ resourceType: 'DocumentReference', id: 'n1', subject: { reference: 'Patient/p1' }, content: [{ attachment: { contentType: 'text/plain', data: b64(OWN_NAME_TEXT) } }] }),
      '{"resourceType": "DocumentReference", oops',
      JSON.stringify({ resourceType: 'DocumentReference', content: [{ attachment: { url: 'https://records.example/Binary/2' } }] }),
      '',
      JSON.stringify({ resourceType: 'Composition', id: 'c9', section: [{ text: { div: '<div>Child protection plan in place.</div>' } }] }),
    ];
    write('export.ndjson', lines.join('\n') + '\n');
    write('export.jsonl', lines.join('\n') + '\n');
    for (const f of ['export.ndjson', 'export.jsonl']) {
      const rows = await scanned(f);
      // Rows in record order, as every record file's are.
      expect(rows.map((r) => [r.record, r.verdict, r.error]), f).toEqual([
        ['Composition/c9', 'withhold', undefined],
        ['DocumentReference/n1', 'visible', undefined],
        ['line 3', 'review', 'line 3: invalid JSON'],
        ['line 4', 'review', expect.stringMatching(/^line 4: DocumentReference\.content\[0\]\.attachment is given only by url/)],
      ]);
    }
  }, 60_000);

  it('a .jsonl of records (no resourceType) is still read with --text-field', async () => {
    write('records.jsonl', '{"id":"r1","text":"Seen today."}\n');
    const docs = await readDocuments(join(dir, 'records.jsonl'), { ...opts, textField: 'text', idField: 'id' }, host);
    expect(docs).toEqual([{ record: 'r1', text: 'Seen today.' }]);
  });
});

describe('lineOf', () => {
  it('finds the line where the value at a path starts', () => {
    const text = JSON.stringify({ a: [1, { b: 'x\\n"y' }, [2, 3]], c: { d: null, 'e/f': true } }, null, 2);
    const lines = text.split('\n');
    const at = (s: string) => lines.findIndex((l) => l.includes(s)) + 1;
    expect(lineOf(text, [])).toBe(1);
    expect(lineOf(text, ['a', 1, 'b'])).toBe(at('"b"'));
    expect(lineOf(text, ['a', 2, 1])).toBe(at('3'));
    expect(lineOf(text, ['c', 'e/f'])).toBe(at('"e/f"'));
    expect(lineOf(text, ['c', 'zz'])).toBeUndefined();
  });
});
