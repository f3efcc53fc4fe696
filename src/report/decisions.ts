import { parseJsonlLine } from './jsonl-input.js';
import { DecisionSchema, documentKey, verdictRank, type Decision, type DocumentResult } from '../model/index.js';

/**
 * Recorded decisions (`decisions.jsonl`, written by the html report): read back, matched to the
 * documents of a run by (path, record), and applied. A decision holds only while the document is
 * the one decided on: its text (sha256) unchanged, and its verdict no stricter than the one the
 * clinician was shown. Otherwise the document is undecided again, and its reasons say why.
 */

export type Decisions = Map<string, Decision>;

/** A decision's document key (as the run's rows are keyed). */
export const decisionKey = (d: Pick<Decision, 'path' | 'record'>): string => documentKey(d.path, d.record ?? undefined);

/** Add one decision; for the same document the later `decidedAt` wins (a later line on a tie), so decisions files can simply be concatenated. */
export function addDecision(map: Decisions, d: Decision): void {
  const k = decisionKey(d);
  const had = map.get(k);
  if (!had || Date.parse(d.decidedAt) >= Date.parse(had.decidedAt)) map.set(k, d);
}

/** A whole decisions file's text. */
export function parseDecisions(text: string, file: string): Decisions {
  const map: Decisions = new Map();
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const d = parseJsonlLine(DecisionSchema, lines[i], i + 1, file);
    if (d) addDecision(map, d);
  }
  return map;
}

/** A decision as its jsonl line, fields in the contract's order; `record` and `note` only when there are some. */
export function decisionLine(d: Decision): string {
  const o: Record<string, unknown> = { path: d.path };
  if (d.record != null) o.record = d.record;
  o.sha256 = d.sha256;
  o.verdictShown = d.verdictShown;
  o.decision = d.decision;
  o.decidedAt = d.decidedAt;
  if (d.note != null && d.note !== '') o.note = d.note;
  return JSON.stringify(o) + '\n';
}

export type DecisionState =
  | { state: 'none' }
  | { state: 'decided'; decision: Decision }
  | { state: 'void'; decision: Decision; why: 'text-changed' | 'stricter'; reason: string };

/** Does a recorded decision still hold for this document as scanned now? */
export function decisionFor(doc: Pick<DocumentResult, 'path' | 'record' | 'sha256' | 'verdict'>, decisions: Decisions): DecisionState {
  const d = decisions.get(documentKey(doc.path, doc.record));
  if (!d) return { state: 'none' };
  const was = `A recorded decision (${d.decision}, ${d.decidedAt}) no longer applies`;
  if (d.sha256 !== doc.sha256) return { state: 'void', decision: d, why: 'text-changed', reason: `${was}: the text has changed since; decide again.` };
  if (verdictRank(doc.verdict) > verdictRank(d.verdictShown))
    return { state: 'void', decision: d, why: 'stricter', reason: `${was}: the verdict is now ${doc.verdict}, stricter than the ${d.verdictShown} shown then; decide again.` };
  return { state: 'decided', decision: d };
}

/** The document as a run reports it: `decision` set when one holds, or the reason it no longer does first among its reasons. */
export function applyDecision<T extends DocumentResult>(doc: T, s: DecisionState): T {
  if (s.state === 'decided') return { ...doc, decision: s.decision.decision };
  if (s.state === 'void') return { ...doc, reasons: [s.reason, ...doc.reasons] };
  return doc;
}
