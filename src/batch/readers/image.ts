/**
 * Images (`.png`, `.jpg`, `.jpeg`, `.tif`, `.tiff`, multi-page TIFF) read by OCR. tesseract
 * reads PNG and JPEG itself; TIFF pages are decoded with utif (tesseract alone reads only the
 * first page, and not Deflate or JPEG-compressed TIFF at all) and given to it as greyscale.
 * Runs only inside a reader child process.
 */
import { createRequire } from 'node:module';
import { rgbaToPgm, type OcrEngine } from '../ocr/engine.js';
import { errorKind } from './errors.js';
import { joinParts } from './parts.js';
import type { ReadDocument } from './types.js';

export const IMAGE_NO_OCR_ERROR = 'an image is read only by OCR, and OCR is off';
export const IMAGE_ERROR = 'corrupt or unreadable image';
export const IMAGE_EMPTY_ERROR = 'OCR found no text in the image';

const require = createRequire(import.meta.url);

export interface ImagePage {
  /** image bytes tesseract reads (PNG, JPEG, PGM) */
  bytes: Buffer;
  /** resolution the file states, 0 when unknown */
  dpi: number;
}

/** Every full-resolution page of a (multi-page) TIFF, as greyscale. */
export function* tiffPages(buf: Buffer): Generator<ImagePage> {
  const UTIF = require('utif') as typeof import('utif');
  const ifds = UTIF.decode(buf);
  for (const ifd of ifds) {
    const t = ifd as Record<string, unknown>;
    const sub = t.t254 as number[] | undefined;
    if (sub && sub[0] & 1) continue; // a reduced-resolution thumbnail
    (UTIF.decodeImage as (b: Buffer, i: unknown, all: unknown) => void)(buf, ifd, ifds);
    const rgba = UTIF.toRGBA8(ifd);
    const res = t.t282 as (number | number[])[] | undefined;
    const r = res?.[0];
    let dpi = Array.isArray(r) ? r[0] / (r[1] || 1) : Number(r) || 0;
    if ((t.t296 as number[] | undefined)?.[0] === 3) dpi *= 2.54; // resolution given per centimetre
    yield { bytes: rgbaToPgm(rgba, ifd.width, ifd.height), dpi: Math.round(dpi) };
    (ifd as { data: unknown }).data = null;
  }
}

export interface OcrPagesOptions {
  ocr?: OcrEngine;
  pageTimeoutMs: number;
  onPage?: (page: number) => void;
}

/** OCR a sequence of page images into one document (a part per page). */
export async function ocrPages(pages: Iterable<ImagePage>, opts: OcrPagesOptions, name = (n: number) => `page ${n} (OCR)`): Promise<ReadDocument> {
  if (!opts.ocr) return { text: '', error: IMAGE_NO_OCR_ERROR };
  const parts: { name: string; text: string }[] = [];
  const confidences: number[] = [];
  const failed: string[] = [];
  let n = 0;
  try {
    for (const p of pages) {
      n++;
      try {
        const r = await opts.ocr.recognize(p.bytes, { dpi: p.dpi, timeoutMs: opts.pageTimeoutMs });
        confidences.push(r.confidence);
        if (r.text.trim()) parts.push({ name: name(n), text: r.text });
      } catch (err) {
        failed.push(`page ${n}: ${(err as Error)?.name === 'OcrTimeoutError' ? (err as Error).message : `OCR failed (${errorKind(err)})`}`);
      }
      opts.onPage?.(n);
    }
  } catch (err) {
    // The decoder gave up part-way (a truncated TIFF): what was read is kept.
    failed.push(`page ${n + 1} could not be decoded (${errorKind(err)})`);
  }
  const joined = joinParts(parts);
  const ocr = confidences.length ? { pages: confidences.length, meanConfidence: Math.round(confidences.reduce((a, b) => a + b, 0) / confidences.length) } : undefined;
  if (!joined.text) return { text: '', error: n === 0 ? IMAGE_ERROR : failed.length ? `${IMAGE_ERROR}: ${failed[0]}` : IMAGE_EMPTY_ERROR, ...(ocr ? { ocr } : {}) };
  const doc: ReadDocument = { text: joined.text, parts: joined.parts };
  if (ocr) doc.ocr = ocr;
  if (failed.length) doc.incomplete = failed.join('; ');
  return doc;
}

export async function readImage(ext: string, bytes: Uint8Array, opts: OcrPagesOptions): Promise<ReadDocument> {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (ext === '.tif' || ext === '.tiff') {
    let pages: Generator<ImagePage>;
    try {
      pages = tiffPages(buf);
    } catch (err) {
      return { text: '', error: `${IMAGE_ERROR} (${errorKind(err)})` };
    }
    return ocrPages(pages, opts);
  }
  return ocrPages([{ bytes: buf, dpi: 0 }], opts, () => 'image (OCR)');
}
