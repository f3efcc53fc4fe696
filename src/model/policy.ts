import type { Category } from './categories.js';

/**
 * POLICY.md's numbers, shared by the layers that must agree on them: the default thresholds,
 * and the floors no setting may go below. A finding of a floor category whose score reaches
 * POLICY's withhold threshold is `withhold` whatever the configured thresholds; a config or a
 * local lexicon that would put such a finding lower is refused when it is loaded.
 */
export const POLICY_THRESHOLDS = { review: 0.35, withhold: 0.7, accumulate: 0.6 } as const;

/** The categories of POLICY.md's withhold row: affirmed safeguarding, information in confidence, another person's health or identifiers, do-not-disclose instructions, serious harm. */
export const FLOOR_CATEGORIES: readonly Category[] = ['safeguarding', 'thirdParty', 'harm'];

/** Does an entry or rule of this category and weight report what POLICY places at withhold? */
export const isWithholdLevel = (category: Category, weight: number): boolean =>
  FLOOR_CATEGORIES.includes(category) && weight >= POLICY_THRESHOLDS.withhold;

/** Below this mean OCR confidence (0-100) the text read may be wrong: a clinician looks (DESIGN.md). */
export const OCR_CONFIDENCE_REVIEW = 60;
