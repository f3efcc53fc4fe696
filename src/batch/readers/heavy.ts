/**
 * The readers that can blow up (pdf.js, tesseract's WASM, inflating an archive, decoding
 * images): they run only inside a reader child process (reader-child.ts), never in a pool
 * worker or the main process, so that no document can end the run.
 */
import type { OcrEngine } from '../ocr/engine.js';
import { DOCX_ERROR, DOCX_NO_TEXT_ERROR, readDocxContent } from './docx.js';
import { errorKind } from './errors.js';
import { ocrPages, readImage } from './image.js';
import { joinParts } from './parts.js';
import { readPdf } from './pdf.js';
import type { ReadDocument } from './types.js';
import { ZipError } from './zip.js';

export { HEAVY_EXTENSIONS } from './kinds.js';

export interface HeavyOptions {
  ocr?: OcrEngine;
  pageTimeoutMs: number;
  /** most bytes an archive may inflate to */
  maxInflatedBytes: number;
  onProgress?: () => void;
}

async function readDocx(bytes: Uint8Array, opts: HeavyOptions): Promise<ReadDocument> {
  let content;
  try {
    content = readDocxContent(bytes, { maxEntries: 2000, maxTotalBytes: opts.maxInflatedBytes });
  } catch (err) {
    return { text: '', error: err instanceof ZipError ? `${DOCX_ERROR}: ${err.message}` : `${DOCX_ERROR} (${errorKind(err)})` };
  }
  const parts = [...content.parts];
  let ocr: ReadDocument['ocr'];
  let incomplete: string | undefined;
  if (content.images.length) {
    // Pages pasted into Word as pictures are read too: a scanned letter in a docx is still a letter.
    const read = await ocrPages(
      content.images.map((i) => ({ bytes: i.bytes, dpi: 0 })),
      { ocr: opts.ocr, pageTimeoutMs: opts.pageTimeoutMs, onPage: () => opts.onProgress?.() },
      (n) => `image ${n} (OCR)`,
    );
    if (read.parts) for (const p of read.parts) parts.push({ name: p.name, text: read.text.slice(p.start, p.end) });
    ocr = read.ocr;
    if (read.error || read.incomplete) incomplete = `${content.images.length} pasted image(s): ${read.error ?? read.incomplete}`;
  }
  const joined = joinParts(parts);
  if (!joined.text) return { text: '', error: incomplete ? `${DOCX_NO_TEXT_ERROR}; ${incomplete}` : DOCX_NO_TEXT_ERROR };
  const doc: ReadDocument = { text: joined.text, parts: joined.parts };
  if (ocr) doc.ocr = ocr;
  if (incomplete) doc.incomplete = incomplete;
  if (content.hidden) doc.flags = ['hidden-text'];
  return doc;
}

/** Read one heavy file in this process (the reader child). Never throws: failures are error documents. */
export async function readHeavy(ext: string, bytes: Uint8Array, opts: HeavyOptions): Promise<ReadDocument[]> {
  try {
    if (ext === '.docx') return [await readDocx(bytes, opts)];
    if (ext === '.pdf') return [await readPdf(bytes, { ocr: opts.ocr, pageTimeoutMs: opts.pageTimeoutMs, onPage: () => opts.onProgress?.() })];
    return [await readImage(ext, bytes, { ocr: opts.ocr, pageTimeoutMs: opts.pageTimeoutMs, onPage: () => opts.onProgress?.() })];
  } catch (err) {
    return [{ text: '', error: `could not read ${ext.slice(1)} file (${errorKind(err)})` }];
  }
}
