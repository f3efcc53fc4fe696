import { maxVerdict, noCategories, POLICY_THRESHOLDS, FLOOR_CATEGORIES, type Categories, type Category, type Finding, type Thresholds, type Verdict } from '../model/index.js';

/**
 * Finding weight x modifier factors -> finding score; noisy-OR per category; verdict by
 * thresholds and POLICY.md's rules. Only affirmed findings (neither negated nor hypothetical)
 * count.
 */

export const DEFAULT_THRESHOLDS: Thresholds = { ...POLICY_THRESHOLDS };

export const UNCERTAIN_FACTOR = 0.6;
/** Past abuse with no current process is `review`; past sensitive history stays `review`. */
export const HISTORICAL_FACTOR: Record<Category, number> = { safeguarding: 0.6, sensitive: 1, thirdParty: 1, harm: 1 };

export interface Scored {
  finding: Finding;
  weight: number;
  /** why this finding's score was raised above its weight x factors (a document rule's id), for reasons */
  raisedBy?: string;
}

export const isAffirmed = (f: Finding) => !f.modifiers.negated && !f.modifiers.hypothetical;

/**
 * `reviewAt`: the review threshold, or undefined. Doubt lowers a finding by one verdict at
 * most, as POLICY.md has it ("uncertain: still counts, less strongly (usually review, not
 * withhold)"): a queried finding that would be reviewed or withheld if certain ("?self-harm",
 * "?DV") is reviewed. The caller passes no threshold for a question put to someone ("Do you
 * use any drugs?"), which is not a clinician's query and keeps the plain factor.
 */
export function findingScore(category: Category, weight: number, m: Finding['modifiers'], reviewAt?: number): number {
  if (m.negated || m.hypothetical) return 0;
  let s = weight;
  if (m.uncertain) s = reviewAt !== undefined && weight >= reviewAt ? Math.max(weight * UNCERTAIN_FACTOR, reviewAt) : weight * UNCERTAIN_FACTOR;
  if (m.historical) s *= HISTORICAL_FACTOR[category];
  return Math.min(1, Math.max(0, s));
}

/** A document rule marked this finding: it counts at least at the withhold threshold. */
export function applyRaise(s: Scored, raise: { to: 'withhold'; by: string } | undefined, t: Thresholds): void {
  const f = s.finding;
  if (!raise || f.score <= 0 || f.score >= t.withhold) return;
  f.score = t.withhold;
  s.raisedBy = raise.by;
}

/**
 * A document rule found the finding ruled out later in the document: negated, with the rule's
 * trigger at the finding that rules it out (offsets of the original text, as every trigger's).
 */
export function applyRuledOut(s: Scored, by: string, because: Finding | undefined): void {
  const f = s.finding;
  f.modifiers = { ...f.modifiers, negated: true };
  f.score = 0;
  if (because) f.triggers = [...f.triggers, { modifier: 'negated', ruleId: by, start: because.start, end: because.end }];
}

export function categoryScores(findings: Finding[]): Categories {
  const cats: Categories = noCategories();
  const keep: Record<Category, number> = { thirdParty: 1, safeguarding: 1, sensitive: 1, harm: 1 };
  for (const f of findings) {
    if (f.score <= 0) continue;
    keep[f.category] *= 1 - f.score;
    cats[f.category].count++;
  }
  for (const c of Object.keys(cats) as Category[]) cats[c].score = round(1 - keep[c]);
  return cats;
}

export const ACCUMULATE_MIN = 0.25;

/** Categories whose meaningful-but-weak findings together reach the accumulate threshold. */
export function accumulated(findings: Finding[], t: Thresholds): Category[] {
  const keep: Record<Category, number> = { thirdParty: 1, safeguarding: 1, sensitive: 1, harm: 1 };
  for (const f of findings) if (f.score >= ACCUMULATE_MIN) keep[f.category] *= 1 - f.score;
  return (Object.keys(keep) as Category[]).filter((c) => 1 - keep[c] >= t.accumulate);
}

const round = (x: number) => Math.round(x * 1e4) / 1e4;

/**
 * The verdict one finding earns on its own. Thresholds may make the scanner stricter; the
 * floors they can never lower: a finding of POLICY.md's withhold row (safeguarding, third
 * party, harm) that scores at POLICY's withhold threshold is withheld, and a safeguarding
 * finding at POLICY's review threshold is reviewed, whatever the configured thresholds.
 */
export function levelOf(f: Finding, t: Thresholds): Verdict {
  let level: Verdict = f.score >= t.withhold ? 'withhold' : f.score >= t.review ? 'review' : 'visible';
  if (FLOOR_CATEGORIES.includes(f.category) && f.score >= POLICY_THRESHOLDS.withhold) level = 'withhold';
  if (f.category === 'safeguarding' && f.score >= POLICY_THRESHOLDS.review) level = maxVerdict(level, 'review');
  return level;
}

export function decide(findings: Finding[], t: Thresholds): { verdict: Verdict; categories: Categories; score: number } {
  let verdict: Verdict = 'visible';
  for (const f of findings) verdict = maxVerdict(verdict, f.level ?? levelOf(f, t));
  const categories = categoryScores(findings);
  // Several weak findings together may raise visible to review, never to withhold. Mentions
  // that alone mean nothing (an unnamed relative, 0.2) do not add up: "seen with mum and
  // sister" is visible however many relatives are named.
  if (verdict === 'visible' && accumulated(findings, t).length > 0) verdict = 'review';
  const keep = Object.values(categories).reduce((p, c) => p * (1 - c.score), 1);
  return { verdict, categories, score: round(1 - keep) };
}
