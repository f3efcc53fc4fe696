/**
 * npm run bench (OCR part): scanned pages per second through the reader child process (render
 * with pdf.js at the scan's resolution, OCR with tesseract.js), one reader, after one warm-up
 * page; the median of 5 passes with the range. Also the first page of a fresh reader (start-up
 * included), and the reader's peak resident memory. Figures are printed, never asserted.
 *
 * The pages are invented letters rendered at test time (test/fixtures/scans.ts): a 200 dpi scan
 * in a PDF (the common case), and a clean 300 dpi PNG.
 */
import { ReaderHost } from '../src/batch/reader-host.js';
import { jpeg, makePdf, png, renderPage } from '../test/fixtures/scans.js';

const LETTER = [
  'Dear Dr Patel,',
  'Re: Invented Person, clinic review',
  'Thank you for referring this lady, whom I saw in clinic today with a three month history of change in bowel habit. Examination was unremarkable and her bloods are normal.',
  'I have arranged a colonoscopy and will write again with the result. Please do not hesitate to contact me if there is any deterioration in the meantime.',
  'Yours sincerely',
];

async function time(host: ReaderHost, ext: string, bytes: Buffer, pages: number): Promise<number> {
  const t0 = performance.now();
  const [doc] = await host.read(ext, bytes, { ocr: true });
  if (doc.error || (doc.ocr?.pages ?? 0) !== pages) throw new Error(`bench: unexpected read (${doc.error ?? `${doc.ocr?.pages} pages`})`);
  return (performance.now() - t0) / 1000;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main() {
  const PAGES = 4;
  const scan = jpeg(renderPage(LETTER, 200), 80, 200);
  const pdf = await makePdf(Array.from({ length: PAGES }, () => ({ jpeg: scan })));
  const clean = png(renderPage(LETTER, 300));
  const host = new ReaderHost();
  try {
    const first = await time(host, '.png', clean, 1);
    await time(host, '.pdf', pdf, PAGES);
    const pdfRates: number[] = [];
    const pngRates: number[] = [];
    for (let k = 0; k < 5; k++) {
      pdfRates.push(PAGES / (await time(host, '.pdf', pdf, PAGES)));
      pngRates.push(1 / (await time(host, '.png', clean, 1)));
    }
    const fmt = (r: number[]) => `${median(r).toFixed(2)} pages/s (${Math.min(...r).toFixed(2)}-${Math.max(...r).toFixed(2)} over 5 passes)`;
    console.log(`OCR, scanned PDF pages at 200 dpi:   ${fmt(pdfRates)}`);
    console.log(`OCR, clean 300 dpi PNG pages:        ${fmt(pngRates)}`);
    console.log(`OCR, first page of a fresh reader:   ${first.toFixed(2)} s (start-up included)`);
    console.log(`OCR, reader peak resident memory:    ${host.peakRssMb.toFixed(0)} MB`);
  } finally {
    await host.close();
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
