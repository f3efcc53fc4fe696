import type { Categories, Category, Finding, Thresholds, Verdict } from '../schemas.js';

/**
 * Finding weight x modifier factors -> finding score; noisy-OR per category; verdict by
 * thresholds and POLICY.md's rules. Only affirmed findings (neither negated nor hypothetical)
 * count.
 */

export const DEFAULT_THRESHOLDS: Thresholds = { review: 0.35, withhold: 0.7, accumulate: 0.6 };

export const UNCERTAIN_FACTOR = 0.6;
/** Past abuse with no current process is `review`; past sensitive history stays `review`. */
export const HISTORICAL_FACTOR: Record<Category, number> = { safeguarding: 0.6, sensitive: 1, thirdParty: 1, harm: 1 };

export interface Scored {
  finding: Finding;
  weight: number;
  escalates?: boolean;
  /** why this finding's score was raised above its weight x factors, for reasons */
  raisedBy?: 'referred-on' | 'undisclosed-malignancy';
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

const SERIOUS_TYPE = /malignan|cancer|metasta|tumou?r|terminal|palliative|serious-diagnosis|neoplasm|lymphoma|leukaemia|carcinoma/;

/**
 * Document-level rules of POLICY.md that lift single findings:
 * - an uncertain safeguarding concern that has been referred on (safeguarding lead, MASH,
 *   social care, police) is withheld;
 * - "not yet discussed" beside a malignant or terminal finding is withheld.
 */
export function applyDocumentRules(scored: Scored[], t: Thresholds): void {
  const referredOn = scored.some((s) => s.escalates && s.finding.score > 0);
  if (referredOn) {
    for (const s of scored) {
      const f = s.finding;
      if (f.category === 'safeguarding' && isAffirmed(f) && f.modifiers.uncertain && f.score > 0 && f.score < t.withhold) {
        f.score = Math.max(f.score, t.withhold);
        s.raisedBy = 'referred-on';
      }
    }
  }
  const serious = scored.some((s) => s.finding.category === 'sensitive' && s.finding.score > 0 && SERIOUS_TYPE.test(s.finding.type));
  if (serious) {
    for (const s of scored) {
      const f = s.finding;
      if (f.category === 'harm' && f.score > 0 && f.score < t.withhold && /not-yet-discussed|undisclosed|not-aware|awaiting/.test(f.type)) {
        f.score = Math.max(f.score, t.withhold);
        s.raisedBy = 'undisclosed-malignancy';
      }
    }
  }
}

export function categoryScores(findings: Finding[]): Categories {
  const cats: Categories = {
    thirdParty: { score: 0, count: 0 },
    safeguarding: { score: 0, count: 0 },
    sensitive: { score: 0, count: 0 },
    harm: { score: 0, count: 0 },
  };
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

const LEVEL: Record<Verdict, number> = { visible: 0, review: 1, withhold: 2 };
export const maxVerdict = (a: Verdict, b: Verdict): Verdict => (LEVEL[a] >= LEVEL[b] ? a : b);
export const verdictAtLeast = (v: Verdict, min: Verdict) => LEVEL[v] >= LEVEL[min];

export function levelOf(f: Finding, t: Thresholds): Verdict {
  // A threshold setting may make the scanner stricter, never let an affirmed, certain,
  // current safeguarding disclosure through (POLICY.md).
  const floor = f.category === 'safeguarding' ? Math.min(t.withhold, DEFAULT_THRESHOLDS.withhold) : t.withhold;
  if (f.score >= floor) return 'withhold';
  const reviewFloor = f.category === 'safeguarding' ? Math.min(t.review, DEFAULT_THRESHOLDS.review) : t.review;
  if (f.score >= reviewFloor) return 'review';
  return 'visible';
}

export function decide(findings: Finding[], t: Thresholds): { verdict: Verdict; categories: Categories; score: number } {
  let verdict: Verdict = 'visible';
  for (const f of findings) verdict = maxVerdict(verdict, levelOf(f, t));
  const categories = categoryScores(findings);
  // Several weak findings together may raise visible to review, never to withhold. Mentions
  // that alone mean nothing (an unnamed relative, 0.2) do not add up: "seen with mum and
  // sister" is visible however many relatives are named.
  if (verdict === 'visible' && accumulated(findings, t).length > 0) verdict = 'review';
  const keep = Object.values(categories).reduce((p, c) => p * (1 - c.score), 1);
  return { verdict, categories, score: round(1 - keep) };
}
