import {
  documentKey,
  maxVerdict,
  OCR_CONFIDENCE_REVIEW,
  POLICY_THRESHOLDS,
  type Decision,
  type DecisionValue,
  type DocumentResult,
  type Thresholds,
  type Verdict,
} from '../model/index.js';
import { accumulated, levelOf } from '../score/verdict.js';

/**
 * Calibration from clinicians' decisions: for candidate review and withhold thresholds, how
 * well the verdicts the scanner would have given match what clinicians decided, and the
 * thresholds that would have kept every withheld document out of `visible` with the fewest
 * documents to look at. Verdicts are worked out again from each result's findings as recorded
 * (their scores, with POLICY.md's floors applied by `levelOf`), so no text is needed. Nothing is
 * ever proposed laxer than POLICY.md's thresholds: they are the floors (model/policy.ts).
 */

/** A candidate threshold and how the verdicts it gives compare with the decisions. */
export interface ThresholdPoint {
  threshold: number;
  /** laxer than POLICY.md allows: shown for information, never proposed */
  beyondFloor: boolean;
  /** decided documents the threshold flags (true positive...) against what the clinicians decided */
  tp: number;
  fp: number;
  fn: number;
  tn: number;
  precision: number | null;
  recall: number | null;
  /** documents decided `withhold` that would have been `visible` */
  withheldVisible: number;
  /** documents of the whole run that would not be `visible` (a clinician looks at each) */
  notVisible: number;
  /** documents of the whole run that would be `review` */
  reviews: number;
}

export interface Calibration {
  /** rows in the results */
  documents: number;
  /** rows with a decision made on the same text (sha256) */
  decided: number;
  /** decisions made on a text that has changed since: left out */
  stale: number;
  /** decisions that match no row */
  unmatched: number;
  byDecision: Record<DecisionValue, number>;
  /** the recorded verdict against the decision, for the decided rows */
  confusion: Record<Verdict, Record<DecisionValue, number>>;
  /** the thresholds the results were judged at (config, else POLICY.md's) */
  current: Thresholds;
  /** POLICY.md's thresholds: nothing laxer is proposed */
  floors: { review: number; withhold: number };
  /** review threshold candidates (withhold at the current one): positive = the clinician did not simply show it */
  review: ThresholdPoint[];
  /** withhold threshold candidates (review at the proposed one): positive = the clinician withheld it */
  withhold: ThresholdPoint[];
  proposal: {
    review: number;
    withhold: number;
    /** every document decided `withhold` is out of `visible` at the proposal */
    allWithheldCaught: boolean;
    withheldVisible: number;
    notVisible: number;
    reviews: number;
    /** the laxest review threshold the decisions alone would allow (it may lie beyond the floor) */
    dataReview?: number;
  };
  /** documents decided `withhold` that no threshold keeps out of `visible` (no finding counts): lexicon work, not threshold work */
  unreachable: { path: string; record?: string }[];
}

const round = (x: number) => Math.round(x * 1e4) / 1e4;
const ratio = (a: number, b: number) => (b === 0 ? null : round(a / b));

/** The verdict a recorded result would have had at thresholds `t`: its findings' levels (with the floors), accumulation, and what reading taught (errors, low OCR confidence). */
export function verdictAt(d: DocumentResult, t: Thresholds): Verdict {
  let v: Verdict = 'visible';
  for (const f of d.findings) if (f.score > 0) v = maxVerdict(v, levelOf(f, t));
  if (v === 'visible' && accumulated(d.findings, t).length > 0) v = 'review';
  if (v === 'visible' && (d.error || (d.ocr && d.ocr.meanConfidence < OCR_CONFIDENCE_REVIEW))) v = 'review';
  return v;
}

interface Joined {
  doc: DocumentResult;
  decision: DecisionValue;
}

function point(threshold: number, floor: number, t: Thresholds, decided: Joined[], all: DocumentResult[], kind: 'review' | 'withhold'): ThresholdPoint {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  let tn = 0;
  let withheldVisible = 0;
  for (const j of decided) {
    const v = verdictAt(j.doc, t);
    const flagged = kind === 'review' ? v !== 'visible' : v === 'withhold';
    const positive = kind === 'review' ? j.decision !== 'show' : j.decision === 'withhold';
    if (flagged && positive) tp++;
    else if (flagged) fp++;
    else if (positive) fn++;
    else tn++;
    if (j.decision === 'withhold' && v === 'visible') withheldVisible++;
  }
  let notVisible = 0;
  let reviews = 0;
  for (const d of all) {
    const v = verdictAt(d, t);
    if (v !== 'visible') notVisible++;
    if (v === 'review') reviews++;
  }
  return { threshold, beyondFloor: threshold > floor, tp, fp, fn, tn, precision: ratio(tp, tp + fp), recall: ratio(tp, tp + fn), withheldVisible, notVisible, reviews };
}

/** Candidate thresholds: every score a counted finding has in the run, and the thresholds in play, within (0, 1]. */
function candidates(all: DocumentResult[], extra: number[]): number[] {
  const s = new Set<number>(extra.map(round));
  for (const d of all) for (const f of d.findings) if (f.score > 0) s.add(round(f.score));
  return [...s].filter((x) => x > 0 && x <= 1).sort((a, b) => a - b);
}

export function calibrate(results: Iterable<DocumentResult>, decisions: Iterable<Decision>, current: Partial<Thresholds> = {}): Calibration {
  const t0: Thresholds = { ...POLICY_THRESHOLDS, ...current };
  const floors = { review: POLICY_THRESHOLDS.review, withhold: POLICY_THRESHOLDS.withhold };
  const rows = new Map<string, DocumentResult>();
  for (const d of results) rows.set(documentKey(d.path, d.record), d);
  const all = [...rows.values()];
  const joined: Joined[] = [];
  let stale = 0;
  let unmatched = 0;
  const byDecision: Record<DecisionValue, number> = { show: 0, 'redact-and-show': 0, withhold: 0 };
  const confusion: Calibration['confusion'] = {
    visible: { show: 0, 'redact-and-show': 0, withhold: 0 },
    review: { show: 0, 'redact-and-show': 0, withhold: 0 },
    withhold: { show: 0, 'redact-and-show': 0, withhold: 0 },
  };
  for (const dec of decisions) {
    const doc = rows.get(documentKey(dec.path, dec.record ?? undefined));
    if (!doc) {
      unmatched++;
      continue;
    }
    if (doc.sha256 !== dec.sha256) {
      stale++;
      continue;
    }
    joined.push({ doc, decision: dec.decision });
    byDecision[dec.decision]++;
    confusion[doc.verdict][dec.decision]++;
  }

  const cands = candidates(all, [t0.review, t0.withhold, floors.review, floors.withhold]);
  const review = cands.filter((r) => r <= t0.withhold).map((r) => point(r, floors.review, { ...t0, review: r }, joined, all, 'review'));

  // Review: every decided-withhold document out of visible, then the fewest documents to look at
  // (the laxest threshold), never laxer than the floor.
  const allowedR = review.filter((p) => !p.beyondFloor);
  const bestR = [...allowedR].sort((a, b) => a.withheldVisible - b.withheldVisible || a.notVisible - b.notVisible || b.threshold - a.threshold)[0];
  const minMissed = Math.min(...review.map((p) => p.withheldVisible));
  const dataReview = [...review].filter((p) => p.withheldVisible === minMissed).sort((a, b) => b.threshold - a.threshold)[0]?.threshold;
  const r = bestR?.threshold ?? Math.min(t0.review, floors.review);

  // Withhold: safety is the review threshold's job (a document at review is not shown unread),
  // so this one balances withholding what clinicians withheld against withholding what they
  // showed: the best F1 of precision and recall, the laxer threshold on a tie, never laxer than
  // the floor. (Fewest reviews alone would withhold everything flagged, hiding what a patient
  // may see.)
  const withhold = cands.filter((w) => w >= r).map((w) => point(w, floors.withhold, { ...t0, review: r, withhold: w }, joined, all, 'withhold'));
  const f1 = (p: ThresholdPoint) => (p.tp === 0 ? 0 : (2 * p.tp) / (2 * p.tp + p.fp + p.fn));
  const bestW = [...withhold.filter((p) => !p.beyondFloor)].sort((a, b) => f1(b) - f1(a) || b.threshold - a.threshold)[0];
  const w = bestW?.threshold ?? Math.min(t0.withhold, floors.withhold);

  const at = point(r, floors.review, { ...t0, review: r, withhold: w }, joined, all, 'review');
  // A decided-withhold document that is visible even at the strictest candidate has no counted finding: no threshold reaches it.
  const strictest: Thresholds = { ...t0, review: cands[0] ?? t0.review, withhold: Math.max(cands[0] ?? t0.withhold, w) };
  const unreachable = joined
    .filter((j) => j.decision === 'withhold' && verdictAt(j.doc, strictest) === 'visible')
    .map((j) => ({ path: j.doc.path, ...(j.doc.record !== undefined ? { record: j.doc.record } : {}) }));

  return {
    documents: all.length,
    decided: joined.length,
    stale,
    unmatched,
    byDecision,
    confusion,
    current: t0,
    floors,
    review,
    withhold,
    proposal: {
      review: r,
      withhold: w,
      allWithheldCaught: at.withheldVisible === 0,
      withheldVisible: at.withheldVisible,
      notVisible: at.notVisible,
      reviews: at.reviews,
      ...(dataReview !== undefined ? { dataReview } : {}),
    },
    unreachable,
  };
}
