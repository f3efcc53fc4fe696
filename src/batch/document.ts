import { createHash } from 'node:crypto';
import { z } from 'zod';
import { CategoriesSchema, FindingSchema, VerdictSchema, type ScanResult } from '../schemas.js';
import { toolVersion } from '../version.js';

/** One document of a backlog run: the shape of a line of `--format jsonl` and of `scanFiles`. */
export const DocumentResultSchema = z.object({
  /** the file, relative to the working directory of the run */
  path: z.string(),
  /** record id within a record file (csv, jsonl) */
  record: z.string().optional(),
  /** sha256 (hex) of the text scanned (UTF-8); empty when the document could not be read */
  sha256: z.string(),
  /** UTF-8 length of the text scanned */
  bytes: z.number().int().nonnegative(),
  verdict: VerdictSchema,
  score: z.number(),
  categories: CategoriesSchema,
  reasons: z.array(z.string()),
  findings: z.array(FindingSchema),
  lexiconVersion: z.string(),
  /** version of safeguard-scan */
  version: z.string(),
  /** set when the bytes were not UTF-8 (e.g. windows-1252) */
  encoding: z.string().optional(),
  /** why the document could not be read or fully scanned (never record text); verdict is then review or withhold */
  error: z.string().optional(),
});
export type DocumentResult = z.infer<typeof DocumentResultSchema>;

export const DEFAULT_MAX_BYTES = 10 * 1024 * 1024;

/** The identity of a document in a run and in a resume journal. */
export const documentKey = (path: string, record?: string): string => (record === undefined ? path : `${path}\u0000${record}`);

const sha256 = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');

export function fromScan(path: string, text: string, r: ScanResult, extra: { record?: string; encoding?: string } = {}): DocumentResult {
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
  };
  if (extra.encoding) d.encoding = extra.encoding;
  if (r.error) d.error = r.error;
  return d;
}

/** A document that could not be read: never visible, and the error says why (no record text). */
export function errorResult(path: string, error: string, lexiconVersion: string, extra: { record?: string; encoding?: string } = {}): DocumentResult {
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
    ...(extra.encoding ? { encoding: extra.encoding } : {}),
    error,
  };
}

/** Sort order of a run: path, then record (numeric ids in numeric order). Code-unit order, not locale. */
export function compareRecords(a: string | undefined, b: string | undefined): number {
  if (a === b) return 0;
  if (a === undefined) return -1;
  if (b === undefined) return 1;
  const na = /^\d{1,15}$/.test(a);
  const nb = /^\d{1,15}$/.test(b);
  if (na && nb) return Number(a) - Number(b) || (a < b ? -1 : 1);
  if (na !== nb) return na ? -1 : 1;
  return a < b ? -1 : 1;
}

export const comparePaths = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
