/**
 * `.pdf`, page by page, with pdf.js (legacy build, for Node): a page's text layer when it has
 * one, and OCR when it has none or when an image covers most of it and the text layer holds
 * little (a scanned page with a stamped footer). A page that cannot be read makes the document
 * incomplete (never `visible`); an encrypted or broken file is an error. Runs only inside a
 * reader child process.
 */
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import type { OcrEngine } from '../ocr/engine.js';
import { rgbaToPgm } from '../ocr/engine.js';
import { errorKind } from './errors.js';
import { joinParts } from './parts.js';
import type { ReadDocument } from './types.js';

export const PDF_NO_TEXT_ERROR = 'PDF has no text layer (scanned image?) and OCR is off';
export const PDF_ERROR = 'corrupt or unreadable PDF';
export const PDF_ENCRYPTED_ERROR = 'PDF is password-protected';
export const PDF_EMPTY_ERROR = 'PDF has no readable page (every page is blank or could not be read)';

const require = createRequire(import.meta.url);
type PdfJs = typeof import('pdfjs-dist/legacy/build/pdf.mjs');
let pdfjs: PdfJs | undefined;
async function load(): Promise<PdfJs> {
  pdfjs ??= (await import('pdfjs-dist/legacy/build/pdf.mjs')) as PdfJs;
  return pdfjs;
}

/** A page with fewer characters than this and an image on it is a scan. */
const MIN_TEXT_CHARS = 20;
/** A page mostly covered by images with less text than this is a scan with a stamped line or two. */
const SCAN_COVERAGE = 0.5;
const SCAN_MAX_CHARS = 400;

type Matrix = [number, number, number, number, number, number];
const mul = (m: Matrix, n: ArrayLike<number>): Matrix => [
  m[0] * n[0] + m[2] * n[1],
  m[1] * n[0] + m[3] * n[1],
  m[0] * n[2] + m[2] * n[3],
  m[1] * n[2] + m[3] * n[3],
  m[0] * n[4] + m[2] * n[5] + m[4],
  m[1] * n[4] + m[3] * n[5] + m[5],
];

/**
 * How much of the page images cover (the union, on a 64x64 grid) and the highest resolution
 * they were scanned at, from the page's drawing operations: each image paints the unit square
 * under the current transform.
 */
export function imageCoverage(OPS: PdfJs['OPS'], ops: { fnArray: number[]; argsArray: unknown[][] }, view: number[]) {
  const [x0, y0, x1, y1] = view;
  const G = 64;
  const grid = new Uint8Array(G * G);
  const single = new Set<number>([OPS.paintImageXObject, OPS.paintInlineImageXObject, OPS.paintImageMaskXObject, OPS.paintSolidColorImageMask]);
  let ctm: Matrix = [1, 0, 0, 1, 0, 0];
  const stack: Matrix[] = [];
  let images = 0;
  let dpi = 0;
  const mark = (m: Matrix, pixelsWide = 0) => {
    const widthPt = Math.hypot(m[0], m[1]);
    if (pixelsWide && widthPt > 0) dpi = Math.max(dpi, (pixelsWide / widthPt) * 72);
    const xs = [m[4], m[0] + m[4], m[2] + m[4], m[0] + m[2] + m[4]];
    const ys = [m[5], m[1] + m[5], m[3] + m[5], m[1] + m[3] + m[5]];
    const cell = (v: number, lo: number, hi: number) => ((v - lo) / (hi - lo)) * G;
    const gx0 = Math.max(0, Math.floor(cell(Math.min(...xs), x0, x1)));
    const gx1 = Math.min(G, Math.ceil(cell(Math.max(...xs), x0, x1)));
    const gy0 = Math.max(0, Math.floor(cell(Math.min(...ys), y0, y1)));
    const gy1 = Math.min(G, Math.ceil(cell(Math.max(...ys), y0, y1)));
    for (let y = gy0; y < gy1; y++) for (let x = gx0; x < gx1; x++) grid[y * G + x] = 1;
    images++;
  };
  for (let i = 0; i < ops.fnArray.length; i++) {
    const fn = ops.fnArray[i];
    const a = ops.argsArray[i] as unknown[];
    if (fn === OPS.save) stack.push(ctm);
    else if (fn === OPS.restore) ctm = stack.pop() ?? ctm;
    else if (fn === OPS.transform) ctm = mul(ctm, a as number[]);
    else if (fn === OPS.paintFormXObjectBegin) {
      stack.push(ctm);
      if (Array.isArray(a?.[0])) ctm = mul(ctm, a[0] as number[]);
    } else if (fn === OPS.paintFormXObjectEnd) ctm = stack.pop() ?? ctm;
    else if (single.has(fn)) mark(ctm, fn === OPS.paintImageXObject ? Number(a[1]) : Number((a?.[0] as { width?: number })?.width ?? 0));
    else if (fn === OPS.paintImageXObjectRepeat) {
      const pos = a[3] as number[];
      for (let k = 0; k + 1 < pos.length; k += 2) mark(mul(ctm, [Number(a[1]), 0, 0, Number(a[2]), pos[k], pos[k + 1]]));
    } else if (fn === OPS.paintInlineImageXObjectGroup || fn === OPS.paintImageMaskXObjectGroup || fn === OPS.paintImageMaskXObjectRepeat) mark(ctm);
  }
  let covered = 0;
  for (const v of grid) covered += v;
  return { coverage: covered / (G * G), images, dpi: Math.round(dpi) };
}

export interface PdfReadOptions {
  /** OCR pages that need it; without an engine they are pages that could not be read */
  ocr?: OcrEngine;
  pageTimeoutMs: number;
  /** called after each page (the host extends its deadline: a long scanned letter is not a hang) */
  onPage?: (page: number, of: number) => void;
}

export async function readPdf(bytes: Uint8Array, opts: PdfReadOptions): Promise<ReadDocument> {
  const lib = await load();
  const root = dirname(require.resolve('pdfjs-dist/package.json'));
  const task = lib.getDocument({
    // pdf.js takes (and detaches) the buffer it is given: a copy. It refuses a Buffer.
    data: new Uint8Array(bytes),
    // Local files for image decoders, fonts and colour profiles: nothing is fetched, and JPEG
    // 2000 and JBIG2 scans decode (without the WASM decoders they render blank).
    wasmUrl: root + '/wasm/',
    iccUrl: root + '/iccs/',
    cMapUrl: root + '/cmaps/',
    cMapPacked: true,
    standardFontDataUrl: root + '/standard_fonts/',
    // pdf.js prints warnings to stdout; broken content streams reject instead of being skipped.
    verbosity: 0,
    stopAtErrors: true,
    isEvalSupported: false,
    disableFontFace: true,
    useSystemFonts: false,
  });
  let doc: Awaited<typeof task.promise>;
  try {
    doc = await task.promise;
  } catch (err) {
    await task.destroy().catch(() => undefined);
    return { text: '', error: errorKind(err) === 'PasswordException' || (err as { name?: string })?.name === 'PasswordException' ? PDF_ENCRYPTED_ERROR : PDF_ERROR };
  }
  const pages: { name: string; text: string }[] = [];
  const unreadable: string[] = [];
  const confidences: number[] = [];
  try {
    for (let n = 1; n <= doc.numPages; n++) {
      let page: Awaited<ReturnType<typeof doc.getPage>> | undefined;
      try {
        page = await doc.getPage(n);
        const content = await page.getTextContent();
        const text = content.items.map((it) => ('str' in it ? it.str + (it.hasEOL ? '\n' : ' ') : '')).join('');
        const chars = text.replace(/\s/g, '').length;
        const ops = await page.getOperatorList();
        const cover = imageCoverage(lib.OPS, ops as never, page.view);
        const scanned = (chars < MIN_TEXT_CHARS && cover.images > 0) || (cover.coverage > SCAN_COVERAGE && chars < SCAN_MAX_CHARS);
        if (!scanned) {
          if (chars > 0) pages.push({ name: `page ${n}`, text });
          else unreadable.push(`page ${n} is blank`);
        } else if (!opts.ocr) {
          unreadable.push(`page ${n} is a scanned image and OCR is off`);
          if (chars > 0) pages.push({ name: `page ${n} (text layer only)`, text });
        } else {
          const ocrText = await ocrPage(lib, page, cover.dpi, opts);
          confidences.push(ocrText.confidence);
          const combined = chars > 0 ? `${text.trim()}\n${ocrText.text}` : ocrText.text;
          if (ocrText.broken) unreadable.push(`page ${n}: ${ocrText.broken} image(s) could not be decoded`);
          if (combined.trim()) pages.push({ name: `page ${n} (OCR)`, text: combined });
          else unreadable.push(`page ${n}: OCR found no text`);
        }
      } catch (err) {
        if ((err as Error)?.name === 'OcrTimeoutError') unreadable.push(`page ${n}: ${(err as Error).message}`);
        else unreadable.push(`page ${n} could not be read (${errorKind(err)})`);
      } finally {
        page?.cleanup();
      }
      opts.onPage?.(n, doc.numPages);
    }
  } finally {
    await doc.destroy().catch(() => undefined);
  }
  const joined = joinParts(pages);
  const ocr = confidences.length ? { pages: confidences.length, meanConfidence: Math.round(confidences.reduce((a, b) => a + b, 0) / confidences.length) } : undefined;
  // Blank pages are normal in a letter with others that have text; a page that could not be read is not.
  const failed = unreadable.filter((u) => !u.endsWith('is blank'));
  if (!joined.text) {
    const off = unreadable.some((u) => u.includes('OCR is off'));
    return { text: '', error: off ? PDF_NO_TEXT_ERROR : PDF_EMPTY_ERROR, ...(ocr ? { ocr } : {}) };
  }
  const doc2: ReadDocument = { text: joined.text, parts: joined.parts };
  if (ocr) doc2.ocr = ocr;
  if (failed.length) doc2.incomplete = failed.slice(0, 5).join('; ') + (failed.length > 5 ? `; and ${failed.length - 5} more` : '');
  return doc2;
}

/** Render a page at the scan's own resolution (150-300 dpi: upsampling a 200 dpi scan hurts) and OCR it. */
async function ocrPage(lib: PdfJs, page: import('pdfjs-dist/legacy/build/pdf.mjs').PDFPageProxy, imageDpi: number, opts: PdfReadOptions) {
  const { createCanvas } = await import('@napi-rs/canvas');
  const dpi = Math.min(300, Math.max(150, imageDpi || 300));
  const viewport = page.getViewport({ scale: dpi / 72 });
  const canvas = createCanvas(Math.ceil(viewport.width), Math.ceil(viewport.height));
  await page.render({ canvas: canvas as never, viewport, background: '#ffffff' }).promise;
  // An image stream that failed to decode is painted as nothing, with only a warning.
  let broken = 0;
  const ops = await page.getOperatorList();
  for (let i = 0; i < ops.fnArray.length; i++) {
    if (ops.fnArray[i] !== lib.OPS.paintImageXObject) continue;
    const id = String((ops.argsArray[i] as unknown[])[0]);
    const store = id.startsWith('g_') ? page.commonObjs : page.objs;
    try {
      if (store.has(id) && store.get(id) == null) broken++;
    } catch {
      /* not resolved: nothing to say */
    }
  }
  const img = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height);
  const r = await opts.ocr!.recognize(rgbaToPgm(img.data, img.width, img.height), { dpi, timeoutMs: opts.pageTimeoutMs });
  return { ...r, broken };
}
