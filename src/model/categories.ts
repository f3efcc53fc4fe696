import { z } from 'zod';

/** The four kinds of concern (POLICY.md, "Categories of finding"). */
export const CATEGORIES = ['thirdParty', 'safeguarding', 'sensitive', 'harm'] as const;
export const CategorySchema = z.enum(CATEGORIES);
export type Category = z.infer<typeof CategorySchema>;

/** The three verdicts, least strict first. */
export const VERDICT_ORDER = ['visible', 'review', 'withhold'] as const;
export const VerdictSchema = z.enum(VERDICT_ORDER);
export type Verdict = z.infer<typeof VerdictSchema>;

const LEVEL: Record<Verdict, number> = { visible: 0, review: 1, withhold: 2 };
export const verdictRank = (v: Verdict): number => LEVEL[v];
export const maxVerdict = (a: Verdict, b: Verdict): Verdict => (LEVEL[a] >= LEVEL[b] ? a : b);
export const verdictAtLeast = (v: Verdict, min: Verdict): boolean => LEVEL[v] >= LEVEL[min];
