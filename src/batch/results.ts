import { createHash } from 'node:crypto';
import type { DocumentResult, ScanResult } from '../model/index.js';
import { toolVersion } from '../version.js';

/** Files larger than this are recorded as errors without being read, unless --max-bytes says otherwise. */
export const DEFAULT_MAX_BYTES = 10 * 1024 * 1024;

export const sha256 = (s: string): string => createHash('sha256').update(s, 'utf8').digest('hex');

export interface ResultExtra {
  record?: string;
  encoding?: string;
  parts?: DocumentResult['parts'];
  ocr?: DocumentResult['ocr'];
}

function extras(extra: ResultExtra): Partial<DocumentResult> {
  const o: Partial<DocumentResult> = {};
  if (extra.encoding) o.encoding = extra.encoding;
  if (extra.parts?.length) o.parts = extra.parts;
  if (extra.ocr) o.ocr = extra.ocr;
  return o;
}

/** A scanned document as a backlog row. */
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
  if (r.error) d.error = r.error;
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
    categories: {
      thirdParty: { score: 0, count: 0 },
      safeguarding: { score: 0, count: 0 },
      sensitive: { score: 0, count: 0 },
      harm: { score: 0, count: 0 },
    },
    reasons: ['The document could not be read; a clinician must review it.'],
    findings: [],
    lexiconVersion,
    version: toolVersion(),
    ...extras(extra),
    error,
  };
}
