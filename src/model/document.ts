import { z } from 'zod';
import { CategoriesSchema, FindingSchema, SuggestedCodeSchema } from './result.js';
import { VerdictSchema } from './categories.js';

/** A named part of an extracted document (docx header, footnote...; pdf page), in offsets of the scanned text. */
export const PartSchema = z.object({ name: z.string(), start: z.number().int().nonnegative(), end: z.number().int().nonnegative() });
export type Part = z.infer<typeof PartSchema>;

/** OCR was used for this document: how many pages, and the engine's mean word confidence (0-100). */
export const OcrSchema = z.object({ pages: z.number().int().nonnegative(), meanConfidence: z.number().min(0).max(100) });
export type OcrInfo = z.infer<typeof OcrSchema>;

/** One document of a backlog run: the shape of a line of `--format jsonl` and of `scanFiles`. */
export const DocumentResultSchema = z.object({
  /** the file, relative to the working directory of the run */
  path: z.string(),
  /** record id within a record file (csv, jsonl, FHIR) */
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
  /** the parts the text was extracted from (docx header, footnotes...; pdf pages) */
  parts: z.array(PartSchema).optional(),
  /** set when some of the text came from OCR */
  ocr: OcrSchema.optional(),
  suggestedCodes: z.array(SuggestedCodeSchema).optional(),
  /** a clinician's recorded decision (scan --decisions) */
  decision: z.string().optional(),
  /**
   * What the result was made from, so that a resumed run can tell a file that changed: sha256
   * (hex) of the file's bytes, and a hash of the settings that change results (thresholds,
   * reader options, OCR, the patient given for the file). With lexiconVersion, the key of a
   * recorded result.
   */
  input: z.object({ sha256: z.string(), settings: z.string() }).optional(),
});
export type DocumentResult = z.infer<typeof DocumentResultSchema>;

/** The identity of a document in a run and in a resume journal. */
export const documentKey = (path: string, record?: string): string => (record === undefined ? path : `${path}\u0000${record}`);

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
