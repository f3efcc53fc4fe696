import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { z } from 'zod';
import type { Scanner } from '../scanner.js';
import { CategoriesSchema, FindingSchema, VerdictSchema, type Patient, type ScanResult } from '../schemas.js';
import { toolVersion } from '../version.js';
import { decodeText, looksBinary } from './decode.js';

export const DocumentResultSchema = z.object({
  path: z.string(),
  record: z.string().optional(),
  sha256: z.string(),
  bytes: z.number().int().nonnegative(),
  verdict: VerdictSchema,
  score: z.number(),
  categories: CategoriesSchema,
  reasons: z.array(z.string()),
  findings: z.array(FindingSchema),
  lexiconVersion: z.string(),
  version: z.string(),
  encoding: z.string().optional(),
  error: z.string().optional(),
});
export type DocumentResult = z.infer<typeof DocumentResultSchema>;

export const DEFAULT_MAX_BYTES = 10 * 1024 * 1024;

const sha256 = (b: Uint8Array | string) => createHash('sha256').update(b).digest('hex');

function fromScan(path: string, text: string, r: ScanResult, extra: Partial<DocumentResult> = {}): DocumentResult {
  return {
    path,
    sha256: sha256(text),
    bytes: Buffer.byteLength(text, 'utf8'),
    verdict: r.verdict,
    score: r.score,
    categories: r.categories,
    reasons: r.reasons,
    findings: r.findings,
    lexiconVersion: r.lexiconVersion,
    version: toolVersion(),
    ...extra,
    ...(r.error ? { error: r.error } : {}),
  };
}

/** A document that could not be read: never visible, and the error says why (no record text). */
export function errorResult(path: string, error: string, lexiconVersion: string, extra: Partial<DocumentResult> = {}): DocumentResult {
  return {
    path,
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
    ...extra,
    error,
  };
}

export interface ScanFileOptions {
  maxBytes?: number;
  patient?: Patient;
  includeText?: boolean;
}

/** Read, decode and scan one plain-text file. */
export function scanTextFile(path: string, displayPath: string, scanner: Scanner, opts: ScanFileOptions = {}): DocumentResult {
  const max = opts.maxBytes ?? DEFAULT_MAX_BYTES;
  let buf: Buffer;
  try {
    const st = statSync(path);
    if (st.size > max) return errorResult(displayPath, `file is ${st.size} bytes, over --max-bytes ${max}`, scanner.lexiconVersion);
    buf = readFileSync(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'error';
    return errorResult(displayPath, `cannot read file (${code})`, scanner.lexiconVersion);
  }
  const { text, encoding } = decodeText(buf);
  if (looksBinary(text)) return errorResult(displayPath, 'binary content (NUL bytes or control characters), not a text document', scanner.lexiconVersion);
  const r = scanner.scan(text, { patient: opts.patient, kind: /^\s*[\s\S]{0,2000}?\bdear\b/i.test(text) ? 'letter' : 'entry' });
  return fromScan(displayPath, text, r, encoding !== 'utf-8' ? { encoding } : {});
}
