import { POLICY_THRESHOLDS, type Thresholds } from '../model/index.js';

/** One way a setting would let what POLICY.md withholds through: the field and why (no record text). */
export interface FloorProblem {
  field: string;
  message: string;
}

/**
 * Thresholds are floors, not holes: a withhold threshold above POLICY.md's would put affirmed
 * safeguarding, information in confidence, another person's health or identifiers, do-not-
 * disclose instructions and serious harm below `withhold`. Such settings are refused where
 * they are loaded (a config file, `createScanner`), never silently clamped.
 */
export function thresholdProblems(t: Partial<Thresholds> | undefined): FloorProblem[] {
  const out: FloorProblem[] = [];
  if (!t) return out;
  if (t.withhold !== undefined && t.withhold > POLICY_THRESHOLDS.withhold)
    out.push({
      field: 'thresholds.withhold',
      message: `${t.withhold} is laxer than POLICY.md allows (at most ${POLICY_THRESHOLDS.withhold}): findings that POLICY.md places at withhold would be shown or only reviewed`,
    });
  return out;
}
