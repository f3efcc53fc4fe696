import { z } from 'zod';
import { CategorySchema, VerdictSchema } from './categories.js';

export const ExperiencerSchema = z.enum(['patient', 'family', 'other']);
export type Experiencer = z.infer<typeof ExperiencerSchema>;

export const ModifiersSchema = z.object({
  negated: z.boolean(),
  uncertain: z.boolean(),
  hypothetical: z.boolean(),
  historical: z.boolean(),
  experiencer: ExperiencerSchema,
});
export type Modifiers = z.infer<typeof ModifiersSchema>;

export const TriggerSchema = z.object({
  modifier: z.enum(['negated', 'uncertain', 'hypothetical', 'historical', 'family', 'other', 'patient']),
  ruleId: z.string(),
  start: z.number().int().nonnegative(),
  end: z.number().int().nonnegative(),
});
export type Trigger = z.infer<typeof TriggerSchema>;

export const ContextResultSchema = ModifiersSchema.extend({ triggers: z.array(TriggerSchema) });
export type ContextResult = z.infer<typeof ContextResultSchema>;

export const FindingSchema = z.object({
  category: CategorySchema,
  type: z.string(),
  ruleId: z.string(),
  start: z.number().int().nonnegative(),
  end: z.number().int().nonnegative(),
  score: z.number().min(0).max(1),
  modifiers: ModifiersSchema,
  triggers: z.array(TriggerSchema),
  /** the verdict this finding earns on its own, under the thresholds in force (formats show it; none recomputes it) */
  level: VerdictSchema.optional(),
  text: z.string().optional(),
});
export type Finding = z.infer<typeof FindingSchema>;

export const CategoryScoreSchema = z.object({ score: z.number().min(0).max(1), count: z.number().int().nonnegative() });
export const CategoriesSchema = z.object({
  thirdParty: CategoryScoreSchema,
  safeguarding: CategoryScoreSchema,
  sensitive: CategoryScoreSchema,
  harm: CategoryScoreSchema,
});
export type Categories = z.infer<typeof CategoriesSchema>;

/** Every category at nothing: a document with no findings, or one that could not be read. */
export const noCategories = (): Categories => ({
  thirdParty: { score: 0, count: 0 },
  safeguarding: { score: 0, count: 0 },
  sensitive: { score: 0, count: 0 },
  harm: { score: 0, count: 0 },
});

/** A code the practice may choose to record (never applied automatically), with why. */
export const SuggestedCodeSchema = z.object({
  system: z.string(),
  code: z.string(),
  display: z.string(),
  reason: z.string(),
});
export type SuggestedCode = z.infer<typeof SuggestedCodeSchema>;

export const ScanResultSchema = z.object({
  verdict: VerdictSchema,
  score: z.number().min(0).max(1),
  categories: CategoriesSchema,
  findings: z.array(FindingSchema),
  reasons: z.array(z.string()),
  lexiconVersion: z.string(),
  id: z.string().optional(),
  error: z.string().optional(),
  suggestedCodes: z.array(SuggestedCodeSchema).optional(),
});
export type ScanResult = z.infer<typeof ScanResultSchema>;

export const PatientSchema = z
  .object({
    name: z.string().optional(),
    nhsNumber: z.string().optional(),
    dateOfBirth: z.string().optional(),
    sex: z.string().optional(),
  })
  .strict();
export type Patient = z.infer<typeof PatientSchema>;

export const ScanContextSchema = z
  .object({
    patient: PatientSchema.optional(),
    kind: z.enum(['entry', 'letter']).optional(),
    id: z.string().optional(),
  })
  .strict();
export type ScanContext = z.infer<typeof ScanContextSchema>;

export const ThresholdsSchema = z
  .object({
    review: z.number().min(0).max(1).default(0.35),
    withhold: z.number().min(0).max(1).default(0.7),
    /** a category whose combined score reaches this raises `visible` to `review` */
    accumulate: z.number().min(0).max(1).default(0.6),
  })
  .strict()
  .refine((t) => t.review <= t.withhold, { message: 'review threshold must not exceed withhold threshold', path: ['review'] });
export type Thresholds = z.infer<typeof ThresholdsSchema>;
