import { z } from 'zod';

export const CATEGORIES = ['thirdParty', 'safeguarding', 'sensitive', 'harm'] as const;
export const CategorySchema = z.enum(CATEGORIES);
export type Category = z.infer<typeof CategorySchema>;

export const USES = ['context', 'professional', 'informant', 'forename', 'surname'] as const;
export const UseSchema = z.enum(USES);
export type Use = z.infer<typeof UseSchema>;

export const CONTEXT_MODIFIERS = [
  'negated', 'uncertain', 'hypothetical', 'historical', 'family', 'other', 'patient', 'pseudo', 'terminate',
] as const;

const nonEmpty = z.string().trim().min(1, 'must not be empty');

const Constraint = {
  near: z.array(nonEmpty).optional(),
  notNear: z.array(nonEmpty).optional(),
  window: z.number().int().min(1).max(50).optional(),
};

export const TermSchema = z.union([
  nonEmpty,
  z.object({ term: nonEmpty, ...Constraint }).strict(),
]);
export const AbbreviationSchema = z.union([
  nonEmpty,
  z.object({ abbr: nonEmpty, ...Constraint }).strict(),
]);
export const PatternSchema = z.union([
  nonEmpty,
  z.object({ regex: nonEmpty, caseSensitive: z.boolean().optional() }).strict(),
]);

export const ExamplesSchema = z
  .object({
    match: z.array(z.string().min(1)).default([]),
    noMatch: z.array(z.string().min(1)).default([]),
  })
  .strict();

export const EntrySchema = z
  .object({
    id: z
      .string()
      .regex(/^[a-z][a-zA-Z0-9-]*(\/[a-z0-9][a-z0-9-]*)+$/, 'must look like "category/slug" in lower case'),
    category: CategorySchema.optional(),
    use: UseSchema.optional(),
    type: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'must be kebab-case').optional(),
    weight: z.number().min(0).max(1).optional(),
    terms: z.array(TermSchema).optional(),
    abbreviations: z.array(AbbreviationSchema).optional(),
    patterns: z.array(PatternSchema).optional(),
    stem: z.boolean().optional(),
    escalates: z.boolean().optional(),
    onlyUnderAge: z.number().int().min(1).max(120).optional(),
    /** modifiers that do not apply to this entry: an instruction ("would ask that this is not shared") is one even when phrased conditionally */
    ignoreModifiers: z.array(z.enum(['uncertain', 'hypothetical', 'historical'])).optional(),
    modifier: z.enum(CONTEXT_MODIFIERS).optional(),
    direction: z.enum(['forward', 'backward', 'both']).optional(),
    window: z.number().int().min(1).max(60).optional(),
    source: nonEmpty.optional(),
    examples: ExamplesSchema.optional(),
    disabled: z.boolean().optional(),
    notes: z.string().optional(),
  })
  .strict()
  .superRefine((e, ctx) => {
    if (e.disabled) return; // a disabling stub needs only its id
    if (!e.category && !e.use) ctx.addIssue({ code: 'custom', path: ['category'], message: 'needs a category (or a use)' });
    if (e.category && e.use) ctx.addIssue({ code: 'custom', path: ['use'], message: 'give a category or a use, not both' });
    if (e.category) {
      if (!e.type) ctx.addIssue({ code: 'custom', path: ['type'], message: 'finding entries need a type' });
      if (e.weight === undefined) ctx.addIssue({ code: 'custom', path: ['weight'], message: 'finding entries need a weight' });
    }
    if (e.use === 'context') {
      if (!e.modifier) ctx.addIssue({ code: 'custom', path: ['modifier'], message: 'context entries need a modifier' });
      if (!e.direction && e.modifier !== 'pseudo' && e.modifier !== 'terminate' && e.modifier !== 'patient')
        ctx.addIssue({ code: 'custom', path: ['direction'], message: 'context triggers need a direction' });
    }
    const n = (e.terms?.length ?? 0) + (e.abbreviations?.length ?? 0) + (e.patterns?.length ?? 0);
    if (n === 0) ctx.addIssue({ code: 'custom', path: ['terms'], message: 'needs at least one term, abbreviation or pattern' });
    if (!e.source) ctx.addIssue({ code: 'custom', path: ['source'], message: 'needs a source' });
  });

export type LexiconEntry = z.infer<typeof EntrySchema>;

/** An entry as loaded: where it came from, for errors and lint. */
export interface LoadedEntry extends LexiconEntry {
  file: string;
  /** 1-based line of the entry in its file, when known */
  line?: number;
}
