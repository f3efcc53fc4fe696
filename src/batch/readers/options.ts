import { z } from 'zod';
import type { ReaderOptions } from './types.js';

/**
 * Reader options cross a boundary (CLI flags, a config file, a worker message), so they are
 * validated here rather than trusted. Column and field names are names, never record text.
 * Unknown keys are dropped, not refused: the runner may pass its wider options object.
 */
const name = z.string().min(1);
export const ReaderOptionsSchema = z
  .object({
    maxBytes: z.number().positive(),
    textColumn: name.optional(),
    idColumn: name.optional(),
    patientNameColumn: name.optional(),
    nhsNumberColumn: name.optional(),
    textField: name.optional(),
    idField: name.optional(),
    ocr: z.boolean().optional(),
  }) satisfies z.ZodType<ReaderOptions>;

/** A short, text-free description of what is wrong with the options. */
export function describeOptionIssues(err: z.ZodError): string {
  return err.issues.map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message)).join('; ');
}
