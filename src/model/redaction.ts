import { z } from 'zod';
import { CategorySchema } from './categories.js';

const offset = z.number().int().nonnegative();

/** One finding or mention that was redacted: what and where in the original text, never the text. */
export const RedactionSchema = z.object({
  category: CategorySchema,
  /** the rule that found it; `redact/same-person` for another mention of a person whose name was redacted */
  ruleId: z.string(),
  start: offset,
  end: offset,
});
export type Redaction = z.infer<typeof RedactionSchema>;

/**
 * One replaced range: [start, end) of the original became [redactedStart, redactedEnd) of the
 * redacted text. Between ranges the two texts are equal, so these ranges are the whole offset
 * map (see `originalOffset`).
 */
export const RedactedSpanSchema = z.object({
  category: CategorySchema,
  start: offset,
  end: offset,
  redactedStart: offset,
  redactedEnd: offset,
});
export type RedactedSpan = z.infer<typeof RedactedSpanSchema>;

/** Presidio's two operators that hide everything: a label naming the category, or nothing at all. */
export const REDACT_OPERATORS = ['replace', 'redact'] as const;
export const RedactOperatorSchema = z.enum(REDACT_OPERATORS);
export type RedactOperator = z.infer<typeof RedactOperatorSchema>;

/** One document's entry in a `.redaction.json` log. */
export const RedactionLogDocumentSchema = z.object({
  record: z.string().optional(),
  /** sha256 of the text scanned (the jsonl row's) and of the redacted text written */
  sha256: z.string(),
  redactedSha256: z.string().optional(),
  redactions: z.array(RedactionSchema),
  map: z.array(RedactedSpanSchema),
  /** why this document was not redacted (nothing of it was written) */
  error: z.string().optional(),
});

/** `DIR/<path>.redaction.json`: what was redacted in one input file, without any of its text. */
export const RedactionLogSchema = z.object({
  path: z.string(),
  /** the file written beside this log, relative to the output folder; absent when nothing could be written */
  output: z.string().optional(),
  /** what the output file holds: the records in their own format (csv, jsonl), or text */
  outputFormat: z.enum(['text', 'csv', 'jsonl']).optional(),
  /** why the output is not in the input's own format (a docx or pdf gives its extracted text), or what else to know */
  notes: z.array(z.string()),
  categories: z.array(CategorySchema),
  operator: RedactOperatorSchema,
  lexiconVersion: z.string(),
  version: z.string(),
  documents: z.array(RedactionLogDocumentSchema),
});
export type RedactionLog = z.infer<typeof RedactionLogSchema>;
