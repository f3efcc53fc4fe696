/**
 * Every part of every document is read: Word parts, PDF page by page (text layer or OCR),
 * scanned images and multi-page TIFFs, through the reader child process; archives and PDFs
 * that are hostile or broken are errors, never `visible`. The scans are invented letters
 * rendered to images here (test/fixtures/scans.ts).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ReaderHost } from '../src/batch/reader-host.js';
import { scanFiles } from '../src/batch/scan-files.js';
import type { DocumentResult } from '../src/model/index.js';
import { rmrf, tempDir } from './batch-helpers.js';
import { degrade, jpeg, makeDocxParts, makeEncryptedPdf, makePdf, makeTiff, makeZipBomb, png, renderPage } from './fixtures/scans.js';

const ONCOLOGY = [
  'Dear Dr Patel,',
  'Re: Invented Person, clinic review',
  'The biopsy shows adenocarcinoma of the colon with liver metastases. Please do not disclose this result to the patient until the oncology appointment next week.',
  'Yours sincerely',
];
const ROUTINE = ['Dear Dr Patel,', 'Seen in clinic today with a sore throat, now settled. No further follow up is needed.', 'Yours sincerely'];

/** Words right / words: the share of the rendered words found, in order (longest common subsequence). */
export function wordAccuracy(truth: string, got: string): number {
  const words = (s: string) => s.normalize('NFKC').toLowerCase().replace(/[^\p{L}\p{N}\s]/gu, ' ').split(/\s+/).filter(Boolean);
  const a = words(truth);
  const b = words(got);
  const prev = new Array(b.length + 1).fill(0);
  for (let i = 1; i <= a.length; i++) {
    let diag = 0;
    for (let j = 1; j <= b.length; j++) {
      const up = prev[j];
      prev[j] = a[i - 1] === b[j - 1] ? diag + 1 : Math.max(prev[j], prev[j - 1]);
      diag = up;
    }
  }
  return prev[b.length] / a.length;
}

let dir: string;
const results = new Map<string, DocumentResult>();
const textOf = new Map<string, string>();

beforeAll(async () => {
  dir = tempDir('sgs-heavy-');
  const d = join(dir, 'docs');
  mkdirSync(d);
  const files: Record<string, Buffer> = {
    // Safeguarding content only outside the body: a reader of raw body text would call it visible.
    'parts.docx': await makeDocxParts({
      body: ['Seen today for a repeat prescription. Well.'],
      header: ['Child subject to a child protection plan'],
      footer: ['MARAC case - do not share'],
      footnotes: ['Do not disclose to patient.'],
    }),
    'boxes.docx': await makeDocxParts({ body: ['Routine review.'], textbox: ['Partner hit her last week, MARAC referral made.'], comments: ['Reviewed by GP.'] }),
    'tracked.docx': await makeDocxParts({ body: ['Medication review.'], deleted: 'Disclosed domestic abuse from her husband.', inserted: 'Well.' }),
    'hidden.docx': await makeDocxParts({ body: ['Reviewed.'], hidden: 'Known to MARAC.' }),
    'bomb.docx': makeZipBomb(320),
    'pasted-scan.docx': await makeDocxParts({ body: ['Letter attached.'], media: [{ name: 'image1.png', bytes: png(renderPage(ONCOLOGY, 150), 150) }] }),
    'oncology.png': png(renderPage(ONCOLOGY, 300)),
    'skewed.jpg': jpeg(degrade(renderPage(ONCOLOGY, 200)), 60, 200),
    'routine.pdf': await makePdf([{ text: ROUTINE }]),
    'mixed.pdf': await makePdf([{ text: ROUTINE }, { jpeg: jpeg(renderPage(ONCOLOGY, 200), 80, 200) }]),
    'scanned.pdf': await makePdf([{ jpeg: jpeg(renderPage(ROUTINE, 200), 80, 200) }]),
    'encrypted.pdf': await makeEncryptedPdf('Seen today, well.'),
    'broken.pdf': Buffer.from('%PDF-1.7\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n', 'latin1'),
    'pages.tif': makeTiff([renderPage(['Page one: seen today, well.'], 200), renderPage(['Page two: MARAC referral made after disclosure of domestic abuse.'], 200)]),
    'blank.png': png(renderPage([], 150), 150),
    'old-format.doc': Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0, 0, 0]),
  };
  for (const [name, bytes] of Object.entries(files)) writeFileSync(join(d, name), bytes);
  for await (const r of scanFiles(['docs'], { cwd: dir, concurrency: 2 })) results.set(r.path.replace('docs/', ''), r);
  textOf.set('oncology', ONCOLOGY.join(' '));
}, 240_000);
afterAll(() => rmrf(dir));

const get = (name: string) => {
  const r = results.get(name);
  if (!r) throw new Error(`no result for ${name}`);
  return r;
};
const partOf = (r: DocumentResult, f: { start: number }) => r.parts?.find((p) => f.start >= p.start && f.start < p.end)?.name;

describe('docx: every part', () => {
  it('finds safeguarding content that stands only in the header, footer and a footnote, and says which part', () => {
    const r = get('parts.docx');
    expect(r.verdict).toBe('withhold');
    expect(r.parts?.map((p) => p.name)).toEqual(['body', 'header', 'footer', 'footnotes']);
    const where = new Set(r.findings.filter((f) => f.score > 0).map((f) => partOf(r, f)));
    expect(where).toEqual(new Set(['header', 'footer', 'footnotes']));
  });
  it('reads text boxes (once, not their fallback copy) and comments', () => {
    const r = get('boxes.docx');
    expect(r.verdict).toBe('withhold');
    expect(r.findings.filter((f) => f.ruleId === 'safeguarding/marac')).toHaveLength(1);
    expect(r.parts?.map((p) => p.name)).toEqual(['body', 'comments']);
  });
  it('reads tracked deletions, which a patient could recover from the file', () => {
    expect(get('tracked.docx').verdict).toBe('withhold');
  });
  it('reads text hidden from view, and says so: never visible for that alone', () => {
    const r = get('hidden.docx');
    expect(r.verdict).toBe('withhold');
    expect(r.reasons[0]).toMatch(/hidden from view/);
  });
  it('reads a scanned page pasted into Word by OCR', () => {
    const r = get('pasted-scan.docx');
    expect(r.verdict).toBe('withhold');
    expect(r.ocr?.pages).toBe(1);
    expect(r.parts?.map((p) => p.name)).toEqual(['body', 'image 1 (OCR)']);
  });
  it('refuses a zip bomb within bounded time, as an error to review', () => {
    const r = get('bomb.docx');
    expect(r.verdict).toBe('review');
    expect(r.error).toMatch(/inflates to more than \d+ bytes \(a zip bomb\?\)/);
  });
  it('a Word 97 .doc is an error to review, never skipped as harmless', () => {
    expect(get('old-format.doc')).toMatchObject({ verdict: 'review', error: expect.stringMatching(/\.doc files are not read/) });
  });
});

describe('pdf: page by page', () => {
  it('reads a text layer without OCR', () => {
    const r = get('routine.pdf');
    expect(r).toMatchObject({ verdict: 'visible', parts: [{ name: 'page 1', start: 0 }] });
    expect(r.ocr).toBeUndefined();
  });
  it('OCRs the scanned second page of a mixed PDF and finds its do-not-disclose instruction', () => {
    const r = get('mixed.pdf');
    expect(r.verdict).toBe('withhold');
    expect(r.parts?.map((p) => p.name)).toEqual(['page 1', 'page 2 (OCR)']);
    expect(r.ocr).toMatchObject({ pages: 1 });
    expect(r.ocr!.meanConfidence).toBeGreaterThan(80);
    const harm = r.findings.filter((f) => f.category === 'harm' && f.score > 0);
    expect(harm.length).toBeGreaterThan(0);
    for (const f of harm) expect(partOf(r, f)).toBe('page 2 (OCR)');
  });
  it('reads a wholly scanned PDF (it was an error before OCR) and finds it routine', () => {
    const r = get('scanned.pdf');
    expect(r.verdict).toBe('visible');
    expect(r.ocr?.pages).toBe(1);
    expect(r.error).toBeUndefined();
  });
  it('an encrypted PDF and a broken one are errors, never visible', () => {
    expect(get('encrypted.pdf')).toMatchObject({ verdict: 'review', error: 'PDF is password-protected' });
    expect(get('broken.pdf').verdict).toBe('review');
    expect(get('broken.pdf').error).toBeTruthy();
  });
});

describe('images by OCR', () => {
  it('reads a 300 dpi letter, words right / words at least 95%, and finds its do-not-disclose line', () => {
    const r = get('oncology.png');
    expect(r.verdict).toBe('withhold');
    expect(r.findings.some((f) => f.category === 'harm' && f.type === 'do-not-disclose')).toBe(true);
  });
  it('reads a skewed, noisy 200 dpi JPEG well enough to withhold it', () => {
    const r = get('skewed.jpg');
    expect(r.verdict).toBe('withhold');
    expect(r.ocr!.meanConfidence).toBeGreaterThan(60);
  });
  it('reads every page of a multi-page TIFF', () => {
    const r = get('pages.tif');
    expect(r.parts?.map((p) => p.name)).toEqual(['page 1 (OCR)', 'page 2 (OCR)']);
    expect(r.verdict).toBe('withhold');
    expect(r.findings.filter((f) => f.score > 0).every((f) => partOf(r, f) === 'page 2 (OCR)')).toBe(true);
  });
  it('a blank page is an error, never visible', () => {
    expect(get('blank.png')).toMatchObject({ verdict: 'review', error: expect.stringMatching(/OCR found no text|no text/) });
  });
});

describe('OCR off, and OCR that may have misread', () => {
  it('with OCR off, scanned pages and images are errors to review, never visible', async () => {
    const d = join(dir, 'no-ocr');
    mkdirSync(d);
    writeFileSync(join(d, 'scanned.pdf'), await makePdf([{ jpeg: jpeg(renderPage(ROUTINE, 150), 80, 150) }]));
    writeFileSync(join(d, 'mixed.pdf'), await makePdf([{ text: ROUTINE }, { jpeg: jpeg(renderPage(ONCOLOGY, 150), 80, 150) }]));
    writeFileSync(join(d, 'letter.png'), png(renderPage(ROUTINE, 150), 150));
    const out = new Map<string, DocumentResult>();
    for await (const r of scanFiles(['no-ocr'], { cwd: dir, concurrency: 1, ocr: false })) out.set(r.path, r);
    expect(out.get('no-ocr/scanned.pdf')).toMatchObject({ verdict: 'review', error: 'PDF has no text layer (scanned image?) and OCR is off' });
    expect(out.get('no-ocr/letter.png')).toMatchObject({ verdict: 'review', error: 'an image is read only by OCR, and OCR is off' });
    // Page 1 is read; page 2 is not: scanned for what was read, never visible, and the error says which page.
    const mixed = out.get('no-ocr/mixed.pdf')!;
    expect(mixed.verdict).toBe('review');
    expect(mixed.error).toMatch(/part of the document could not be read: page 2 is a scanned image and OCR is off/);
  }, 60_000);
  it('a result read by OCR with low confidence is at least review, with the reason', async () => {
    const { fromScan } = await import('../src/batch/results.js');
    const { scan } = await import('../src/scanner/index.js');
    const text = 'Seen today, well.';
    const low = fromScan('x.png', text, scan(text), { ocr: { pages: 1, meanConfidence: 41 } });
    expect(low.verdict).toBe('review');
    expect(low.reasons[0]).toMatch(/low confidence \(mean 41 of 100\)/);
    expect(fromScan('x.png', text, scan(text), { ocr: { pages: 1, meanConfidence: 90 } }).verdict).toBe('visible');
  });
});

describe('OCR accuracy, words right / words (printed for the closing note)', () => {
  it('clean 300 dpi PNG and skewed noisy 200 dpi JPEG', async () => {
    const host = new ReaderHost();
    try {
      const truth = ONCOLOGY.join(' ');
      const clean = await host.read('.png', png(renderPage(ONCOLOGY, 300)), { ocr: true });
      const skewed = await host.read('.jpg', jpeg(degrade(renderPage(ONCOLOGY, 200)), 60, 200), { ocr: true });
      const a = wordAccuracy(truth, clean[0].text);
      const b = wordAccuracy(truth, skewed[0].text);
      console.log(`OCR words right / words: clean 300 dpi PNG ${(a * 100).toFixed(1)}% (confidence ${clean[0].ocr?.meanConfidence}); skewed noisy 200 dpi JPEG ${(b * 100).toFixed(1)}% (confidence ${skewed[0].ocr?.meanConfidence})`);
      expect(a).toBeGreaterThanOrEqual(0.95);
      expect(b).toBeGreaterThanOrEqual(0.85);
    } finally {
      await host.close();
    }
  }, 60_000);
});

describe('the reader child process', () => {
  it('a reader that dies mid-file makes that file an error; the next file gets a fresh reader', async () => {
    const host = new ReaderHost();
    try {
      const tiff = makeTiff([renderPage(ROUTINE, 200), renderPage(ROUTINE, 200), renderPage(ROUTINE, 200)]);
      const pending = host.read('.tif', tiff, {
        ocr: true,
        onProgress: () => {
          // After the first page, kill the child as an out-of-memory killer would.
          const pid = (host as unknown as { child?: { pid?: number } }).child?.pid;
          if (pid) process.kill(pid, 'SIGKILL');
        },
      });
      const [doc] = await pending;
      expect(doc.text).toBe('');
      expect(doc.error).toMatch(/the reader process stopped \(SIGKILL\)/);
      const [next] = await host.read('.png', png(renderPage(['Seen today, well.'], 150), 150), { ocr: true });
      expect(next.text).toMatch(/Seen today/);
    } finally {
      await host.close();
    }
  }, 60_000);
  it('stops a file past the memory limit, naming the limit', async () => {
    const host = new ReaderHost({ timeoutMs: 60_000, maxRssMb: 80, pageTimeoutMs: 30_000, maxInflatedBytes: 256 * 1024 * 1024 });
    try {
      const [doc] = await host.read('.png', png(renderPage(ONCOLOGY, 300)), { ocr: true });
      expect(doc.error).toMatch(/more than 80 MB of memory \(memory limit\)/);
    } finally {
      await host.close();
    }
  }, 60_000);
});
