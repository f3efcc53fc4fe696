import { createHash } from 'node:crypto';
import { noCategories, OCR_CONFIDENCE_REVIEW, type DocumentResult, type ScanResult } from '../model/index.js';
import { toolVersion } from '../version.js';

/** Files larger than this are recorded as errors without being read, unless --max-bytes says otherwise. */
export const DEFAULT_MAX_BYTES = 10 * 1024 * 1024;

export const sha256 = (s: string): string => createHash('sha256').update(s, 'utf8').digest('hex');

export interface ResultExtra {
  record?: string;
  encoding?: string;
  parts?: DocumentResult['parts'];
  ocr?: DocumentResult['ocr'];
  /** why part of the document could not be read */
  incomplete?: string;
  /** the reader found text hidden from view */
  hiddenText?: boolean;
  /** the file's bytes and the result-changing settings, hashed (the key of a recorded result) */
  input?: DocumentResult['input'];
}

export { OCR_CONFIDENCE_REVIEW };

function extras(extra: ResultExtra): Partial<DocumentResult> {
  const o: Partial<DocumentResult> = {};
  if (extra.encoding) o.encoding = extra.encoding;
  if (extra.parts?.length) o.parts = extra.parts;
  if (extra.ocr) o.ocr = extra.ocr;
  if (extra.input) o.input = extra.input;
  return o;
}

/**
 * A scanned document as a backlog row, with what reading it taught us: a document only partly
 * read, read by OCR with low confidence, or holding text hidden from view is never `visible`,
 * and the reasons say why (fail closed).
 */
export function fromScan(path: string, text: string, r: ScanResult, extra: ResultExtra = {}): DocumentResult {
  const d: DocumentResult = {
    path,
    ...(extra.record !== undefined ? { record: extra.record } : {}),
    sha256: sha256(text),
    bytes: Buffer.byteLength(text, 'utf8'),
    verdict: r.verdict,
    score: r.score,
    categories: r.categories,
    reasons: r.reasons,
    findings: r.findings,
    lexiconVersion: r.lexiconVersion,
    version: toolVersion(),
    ...extras(extra),
  };
  if (r.suggestedCodes?.length) d.suggestedCodes = r.suggestedCodes;
  const reasons: string[] = [];
  const errors: string[] = [];
  if (extra.incomplete) {
    errors.push(`part of the document could not be read: ${extra.incomplete}`);
    reasons.push('Part of the document could not be read; what was read was scanned, and a clinician must review the rest.');
  }
  if (extra.ocr && extra.ocr.meanConfidence < OCR_CONFIDENCE_REVIEW)
    reasons.push(`Read by OCR with low confidence (mean ${extra.ocr.meanConfidence} of 100): the text may be wrong; review.`);
  if (extra.hiddenText) reasons.push('The file holds text hidden from view, read and scanned all the same: review.');
  if (r.error) errors.push(r.error);
  if (reasons.length) {
    if (d.verdict === 'visible') d.verdict = 'review';
    d.reasons = [...reasons, ...d.reasons];
  }
  if (errors.length) d.error = errors.join('; ');
  return d;
}

/** A document that could not be read: never visible, and the error says why (no record text). */
export function errorResult(path: string, error: string, lexiconVersion: string, extra: ResultExtra = {}): DocumentResult {
  return {
    path,
    ...(extra.record !== undefined ? { record: extra.record } : {}),
    sha256: '',
    bytes: 0,
    verdict: 'review',
    score: 0,
    categories: noCategories(),
    reasons: ['The document could not be read; a clinician must review it.'],
    findings: [],
    lexiconVersion,
    version: toolVersion(),
    ...extras(extra),
    error,
  };
}
