import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ReadDocument, ReaderOptions } from '../src/batch/readers/types.js';
import { writeFixtures } from './fixtures/make-fixtures.js';
import { makeDocxParts } from './fixtures/scans.js';

// Permission errors cannot be produced for real when the tests run as root (as CI does), so a
// file named `denied.txt` fails to read with EACCES; everything else reads for real.
vi.mock('node:fs', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:fs')>();
  const readFileSync = ((p: Parameters<typeof real.readFileSync>[0], ...rest: unknown[]) => {
    if (String(p).endsWith('denied.txt')) throw Object.assign(new Error('EACCES: permission denied, open'), { code: 'EACCES' });
    return (real.readFileSync as (...a: unknown[]) => unknown)(p, ...rest);
  }) as typeof real.readFileSync;
  return { ...real, default: { ...real, readFileSync }, readFileSync };
});

// The readers are imported after the mock, into a fresh module registry: test files share
// their worker process (vitest.config.ts), so a copy imported by another file would not see it.
let R: typeof import('../src/batch/readers/index.js');
let dir: string;
let f: Record<string, string>;
const base: ReaderOptions = { maxBytes: 1_000_000 };
const csvOpts: ReaderOptions = { ...base, textColumn: 'Entry Text', idColumn: 'Record ID', patientNameColumn: 'Patient Name', nhsNumberColumn: 'NHS Number' };
const all: ReadDocument[] = [];

async function read(name: string, opts: ReaderOptions = base): Promise<ReadDocument[]> {
  const docs = await R.readFile(f[name] ?? join(dir, name), opts);
  all.push(...docs);
  return docs;
}

beforeAll(async () => {
  vi.resetModules();
  R = await import('../src/batch/readers/index.js');
  dir = mkdtempSync(join(tmpdir(), 'sgs-readers-'));
  f = await writeFixtures(dir);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('reader dispatch', () => {
  it('knows every supported extension, case-insensitively', () => {
    for (const ext of ['.txt', '.md', '.text', '.html', '.htm', '.rtf', '.docx', '.doc', '.pdf', '.png', '.jpg', '.jpeg', '.tif', '.tiff', '.csv', '.jsonl']) expect(R.SUPPORTED_EXTENSIONS).toContain(ext);
    expect(R.readerFor('a/LETTER.TXT')).toBeDefined();
    // docx, pdf and images are read in a reader child process, not by an in-thread reader
    expect(R.readerFor('a/b.Docx')).toBeUndefined();
    expect(R.readerFor('a/b.exe')).toBeUndefined();
    expect(R.readerFor('a/noext')).toBeUndefined();
  });

  it('turns an unsupported type into an error document', async () => {
    expect(await R.readFile(join(dir, 'x.exe'), base)).toEqual([{ text: '', error: 'unsupported file type .exe' }]);
  });

  it('never throws: missing files, directories, permission errors, over-size files and bad options are error documents', async () => {
    expect((await read('missing.txt'))[0].error).toBe('cannot read file (ENOENT)');
    expect((await R.readFile(dir + '/', base))[0].error).toMatch(/no file extension|not a regular file/);
    const big = await read('plain.txt', { maxBytes: 10 });
    expect(big).toEqual([{ text: '', error: expect.stringMatching(/^file is \d+ bytes, over --max-bytes 10$/) }]);
    const bad = await R.readFile(f['plain.txt'], { maxBytes: -1 } as ReaderOptions);
    expect(bad[0].error).toMatch(/^invalid reader options: maxBytes/);
  });

  it('names EACCES when a file cannot be opened', async () => {
    // The mock needs an existing file so that stat succeeds and the read itself fails.
    const { writeFileSync } = await import('node:fs');
    writeFileSync(join(dir, 'denied.txt'), 'Seen today.');
    expect(await read('denied.txt')).toEqual([{ text: '', error: 'cannot read file (EACCES)' }]);
  });
});

describe('plain text', () => {
  it('reads UTF-8 without reporting an encoding', async () => {
    expect(await read('plain.txt')).toEqual([{ text: 'Re: Alex Example\nSeen in clinic today with a sore throat.\nPlan: review in two weeks.\n' }]);
  });
  it('drops a UTF-8 BOM', async () => {
    expect(await read('bom.txt')).toEqual([{ text: 'Seen today.\n' }]);
  });
  it('reads invalid UTF-8 as Windows-1252 and says so', async () => {
    expect(await read('cp1252.txt')).toEqual([{ text: 'Renée said it\u2019s £5.\n', encoding: 'windows-1252' }]);
  });
  it('decodes the Windows-1252 range 0x80-0x9F itself (Node 20 decodes it as Latin-1)', async () => {
    // Quote marks on every word: as C1 control characters they would look like binary content.
    const bytes = Buffer.from(Array.from({ length: 40 }, () => [0x93, 0x61, 0x94, 0x20]).flat().concat([0x80, 0x85, 0x96]));
    const { writeFileSync } = await import('node:fs');
    writeFileSync(join(dir, 'quotes.txt'), bytes);
    const [doc] = await read('quotes.txt');
    expect(doc.error).toBeUndefined();
    expect(doc.encoding).toBe('windows-1252');
    expect(doc.text.endsWith('\u201ca\u201d \u20ac\u2026\u2013')).toBe(true);
  });
  it('reads UTF-16 with a BOM, little- and big-endian', async () => {
    expect(await read('utf16le.txt')).toEqual([{ text: 'Seen today — fine.\n', encoding: 'utf-16le' }]);
    expect(await read('utf16be.md')).toEqual([{ text: '# Note\nAll well.\n', encoding: 'utf-16be' }]);
  });
  it('refuses binary content', async () => {
    expect(await read('binary.txt')).toEqual([{ text: '', error: 'binary content (NUL bytes or control characters), not a text document: the file is a ZIP archive' }]);
    const nuls = join(dir, 'nuls.txt');
    writeFileSync(nuls, Buffer.from(Array.from({ length: 300 }, (_, i) => (i % 3 === 0 ? 0 : 0x41 + (i % 26)))));
    expect((await read('nuls.txt'))[0].error).toMatch(/^binary content/);
  });
  it('reads a letter with a few stray control characters or NULs from a bad conversion: they are not binary', async () => {
    writeFileSync(join(dir, 'stray.txt'), Buffer.from('Seen today.\u0000 Partner hit her\u001a last week.\u0007 MARAC referral made.\n'));
    const [doc] = await read('stray.txt');
    expect(doc.error).toBeUndefined();
    expect(doc.text).toContain('MARAC referral made.');
  });
  it('decodes UTF-16 only as far as it is UTF-16: a UTF-16 line followed by 8-bit text is read, both parts', async () => {
    const mixed = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('Clinic letter\n', 'utf16le'), Buffer.from('Disclosed that partner hit her. MARAC referral made.\n', 'utf8')]);
    writeFileSync(join(dir, 'mixed16.txt'), mixed);
    const [doc] = await read('mixed16.txt');
    expect(doc).toMatchObject({ text: 'Clinic letter\nDisclosed that partner hit her. MARAC referral made.\n', encoding: 'utf-16le+utf-8' });
    const bomless = Buffer.from('Seen today with partner. MARAC referral made.\n', 'utf16le');
    writeFileSync(join(dir, 'bomless16.txt'), bomless);
    expect((await read('bomless16.txt'))[0]).toMatchObject({ text: 'Seen today with partner. MARAC referral made.\n', encoding: 'utf-16le' });
  });
});

describe('html', () => {
  it('keeps the visible text, drops scripts and styles, decodes entities, breaks lines at blocks', async () => {
    const [doc] = await read('letter.html');
    expect(doc.error).toBeUndefined();
    expect(doc.text).toBe(
      'Clinic letter\n\nOutpatient letter\n\nRe: Alex Example & family\n\n' +
        'Seen with cough; plan <review> in 2 weeks \u2014 ok.\n\nFirst item\nSecond item\n\nName\tValue\n\nline one\nline two enable scripts',
    );
    // <noscript> is what a viewer that runs no scripts (a clinical system's) shows: text.
    expect(doc.text).not.toMatch(/script text|style text|leaked|color: red/);
  });
  it('decodes named and numeric entities and keeps <pre> whitespace', () => {
    expect(R.htmlToText('<p>caf&eacute; &#233;&#x263A; &pound;5 &lt;b&gt;</p>')).toBe('café é☺ £5 <b>');
    expect(R.htmlToText('<p>a</p><pre>  x\n    y</pre><p>b</p>')).toBe('a\n\n  x\n    y\n\nb');
    expect(R.htmlToText('<div>one<br><br>two</div><div>three</div>')).toBe('one\n\ntwo\nthree');
    expect(R.htmlToText('<b>bold</b><i>italic</i> <span>next</span>')).toBe('bolditalic next');
  });
});

describe('rtf', () => {
  it('reads text, paragraphs and escapes, and skips font, colour, style, info and picture groups', async () => {
    const [doc] = await read('letter.rtf');
    expect(doc.error).toBeUndefined();
    expect(doc.text).toBe(
      'Re: Renée Example\nPatient\u2019s cough has settled.\nPlan: review in two weeks\ncafé {braces} and a back\\slash.\nSmile: \u{1F600} done.',
    );
    expect(doc.text).not.toMatch(/Helvetica|Courier|Invented Author|Normal|89504e|Invented Writer|red255/);
  });
  it('honours \\uc and the code page', () => {
    expect(R.rtfToText('{\\rtf1\\ansi\\uc2 a\\u8212\\\'97\\\'97b}')).toBe('a\u2014b');
    expect(R.rtfToText('{\\rtf1\\ansi\\uc0 a\\u8212 b}')).toBe('a\u2014b');
    expect(R.rtfToText("{\\rtf1\\ansi\\ansicpg1251 \\'cf\\'f0\\'e8}")).toBe('При');
    expect(R.rtfToText("{\\rtf1\\ansi it\\'92s \\'93ok\\'94\\tab x}")).toBe('it\u2019s \u201cok\u201d\tx');
    expect(R.rtfToText('{\\rtf1{\\field{\\*\\fldinst HYPERLINK "http://x"}{\\fldrslt link text}}}')).toBe('link text');
  });
  it('a picture-only RTF is an error, not an empty document', async () => {
    expect(await read('picture-only.rtf')).toEqual([{ text: '', error: 'RTF has no text (images only?)' }]);
  });
  it('refuses a file that is not RTF', async () => {
    expect(await read('not-really.rtf')).toEqual([{ text: '', error: 'not an RTF document (no {\\rtf header)' }]);
  });
});

describe('docx', () => {
  it('extracts the text of a Word document', async () => {
    const [doc] = await read('letter.docx');
    expect(doc.error).toBeUndefined();
    expect(doc.text).toBe('Re: Alex Example\n\nSeen in clinic today with a sore throat.\n\nPlan: review in two weeks.');
  });
  it('a docx without text (a pasted scan) is an error, not an empty document', async () => {
    expect(await read('empty.docx')).toEqual([{ text: '', error: 'docx has no text (images only?)' }]);
  });
  it('reports a corrupt docx without its text', async () => {
    expect(await read('corrupt.docx')).toEqual([{ text: '', error: 'corrupt or unreadable docx: not a ZIP archive (no end of central directory)' }]);
  });
  it('counts what a file expands to against --max-bytes: a small Word file with more text than the limit is an error', async () => {
    writeFileSync(join(dir, 'expands.docx'), await makeDocxParts({ body: Array.from({ length: 2000 }, () => 'Seen today, well. Review in six weeks.') }));
    const [whole] = await read('expands.docx');
    expect(whole.error).toBeUndefined();
    const limit = 20_000; // above the file's size, below its text's
    expect((await read('expands.docx', { ...base, maxBytes: limit }))[0]).toEqual({ text: '', error: `its text is ${whole.text.length} characters, over --max-bytes ${limit} (the file expands to more than the limit)` });
  });
});

describe('pdf', () => {
  it('extracts the text layer', async () => {
    const [doc] = await read('letter.pdf');
    expect(doc.error).toBeUndefined();
    expect(doc.text.split('\n')).toEqual(['Re: Alex Example', 'Seen in clinic today with a sore throat.', 'Plan: review in two weeks.']);
    expect(doc.parts).toEqual([{ name: 'page 1', start: 0, end: doc.text.length }]);
  });
  it('a PDF with no text and no image on any page is an error, never an empty document', async () => {
    expect(await read('scanned.pdf')).toEqual([{ text: '', error: 'PDF has no readable page (every page is blank or could not be read)' }]);
  });
  it('reports a corrupt PDF', async () => {
    expect(await read('corrupt.pdf')).toEqual([{ text: '', error: 'corrupt or unreadable PDF' }]);
  });
});

describe('record ids', () => {
  it('are unique by construction, even when a repeated id collides with a suffixed one (5, 5, 5~2)', async () => {
    writeFileSync(join(dir, 'collide.csv'), 'id,text\n5,Seen today.\n5,MARAC referral made.\n5~2,Well.\n');
    const docs = await R.readFile(join(dir, 'collide.csv'), { ...base, textColumn: 'text', idColumn: 'id' });
    const ids = docs.map((d) => d.record);
    expect(new Set(ids).size).toBe(3);
    expect(ids).toEqual(['5', '5~2', '5~2~2']);
  });
});

describe('csv records', () => {
  it('gives one document per row with id, text and patient columns', async () => {
    expect(await read('records.csv', csvOpts)).toEqual([
      { record: 'A1', text: 'Seen today, well.', patient: { name: 'Alex Example', nhsNumber: '999 000 0018' } },
      { record: 'A2', text: 'Line one\nline two with "quotes"', patient: { name: 'Sam Sample' } },
      // no id: the row number as a spreadsheet shows it (the header is row 1)
      { record: '4', text: 'No id on this row', patient: { name: 'Jo Invented', nhsNumber: '999 000 0026' } },
    ]);
  });
  it('uses row numbers without --id-column, and sniffs a semicolon delimiter', async () => {
    expect(await read('semicolon.csv', { ...base, textColumn: 'text' })).toEqual([{ record: '2', text: 'Seen today.' }]);
  });
  it('needs --text-column, and counts the columns there are (never names them: they could be record text)', async () => {
    const docs = await read('records.csv');
    expect(docs).toHaveLength(1);
    expect(docs[0].error).toBe('--text-column is required for CSV files; columns: 4 columns (not listed: they could be record text; look at the file to see them)');
  });
  it('names a column that is not there', async () => {
    const [doc] = await read('records.csv', { ...csvOpts, idColumn: 'Ref' });
    expect(doc.error).toBe('--id-column "Ref" not found in the CSV header; columns: 4 columns (not listed: they could be record text; look at the file to see them)');
  });
  it('never lists a first row that is record text as column names', async () => {
    const { writeFileSync } = await import('node:fs');
    writeFileSync(join(dir, 'no-header.csv'), 'R1,Alex Example,Seen today with a cough and a fever since Monday\n');
    const [doc] = await read('no-header.csv', { ...base, textColumn: 'text' });
    expect(doc.error).toBe('--text-column "text" not found in the CSV header; columns: 3 columns (not listed: they could be record text; look at the file to see them)');
    expect(doc.error).not.toContain('Alex');
  });
  it('turns a malformed row into an error for that row and reads the rest', async () => {
    const docs = await read('bad-row.csv', { ...base, textColumn: 'text', idColumn: 'id' });
    expect(docs).toEqual([
      { record: '1', text: 'fine' },
      { record: '3', text: '', error: 'malformed CSV row at line 3 (CSV_INVALID_CLOSING_QUOTE)' },
      // the next row's own id collides with the bad row's number: ids stay unique
      { record: '3~2', text: 'also fine' },
    ]);
  });
});

describe('jsonl records', () => {
  it('gives one document per line; a bad line is an error for that line only', async () => {
    const docs = await read('records.jsonl', { ...base, textField: 'text', idField: 'id', patientNameColumn: 'patient.name' });
    expect(docs).toEqual([
      { record: 'J1', text: 'Seen today.', patient: { name: 'Alex Example' } },
      { record: 'J2', text: 'Follow up.\nAll well.' },
      { record: '3', text: '', error: 'line 3: invalid JSON' },
      { record: '4', text: '', error: 'line 5: field "text" is missing; fields: 2 fields (not listed: they could be record text; look at the file to see them)' },
      { record: '6', text: 'No id.' },
    ]);
  });
  it('needs --text-field', async () => {
    const docs = await read('records.jsonl');
    expect(docs).toEqual([{ text: '', error: '--text-field is required for JSONL files; fields of the first record: 3 fields (not listed: they could be record text; look at the file to see them)' }]);
  });
});

describe('errors', () => {
  it('never carry record text', async () => {
    // Every error document produced above, plus a sweep of all fixtures with every option set.
    for (const name of Object.keys(f)) await read(name, { ...csvOpts, textField: 'missing-field' });
    const errors = all.filter((d) => d.error).map((d) => d.error!);
    expect(errors.length).toBeGreaterThan(15);
    for (const e of errors) {
      expect(e).not.toMatch(/Seen|sore throat|broken|invented details|quote" cell|Follow up|No id/i);
      expect(e.length).toBeLessThan(300);
    }
  });
});
