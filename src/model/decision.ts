import { z } from 'zod';
import { VerdictSchema } from './categories.js';

/** What a clinician decided for one document (the html report's buttons; `decisions.jsonl`). */
export const DECISIONS = ['show', 'withhold', 'redact-and-show'] as const;
export const DecisionValueSchema = z.enum(DECISIONS);
export type DecisionValue = z.infer<typeof DecisionValueSchema>;

/**
 * One line of `decisions.jsonl` (DESIGN.md, contract additions). `sha256` is the jsonl row's:
 * of the text scanned for that document, so that a decision is void once that text changes.
 * `record` is absent for a file that is one document; `note` when the clinician wrote none.
 * No record text: the note is the clinician's own words about the decision.
 */
export const DecisionSchema = z
  .object({
    path: z.string().min(1),
    record: z.string().nullish(),
    sha256: z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 lower-case hex digits (the sha256 of the jsonl row)'),
    verdictShown: VerdictSchema,
    decision: DecisionValueSchema,
    decidedAt: z.iso.datetime({ offset: false, message: 'must be an ISO-8601 UTC time, e.g. 2025-01-15T09:30:00Z' }),
    note: z.string().max(2000).nullish(),
  })
  .strict();
export type Decision = z.infer<typeof DecisionSchema>;
