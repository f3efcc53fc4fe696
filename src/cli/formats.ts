import type { DocumentResult } from '../batch/document.js';
import type { Verdict } from '../schemas.js';

export const FORMATS = ['stylish', 'json', 'jsonl'] as const;
export type Format = (typeof FORMATS)[number];

const MARK: Record<Verdict, string> = { visible: 'visible ', review: 'REVIEW  ', withhold: 'WITHHOLD' };

export function stylishLine(d: DocumentResult): string {
  const where = d.record !== undefined ? `${d.path}#${d.record}` : d.path;
  const why = d.error ? `error: ${d.error}` : d.reasons.slice(0, 2).join(' ');
  return `${MARK[d.verdict]}  ${d.score.toFixed(2)}  ${where}\n          ${why}`;
}

export function summary(docs: DocumentResult[]): string {
  const by = { visible: 0, review: 0, withhold: 0 };
  for (const d of docs) by[d.verdict]++;
  const errors = docs.filter((d) => d.error).length;
  return `${docs.length} documents: ${by.withhold} withhold, ${by.review} review, ${by.visible} visible${errors ? `, ${errors} with errors` : ''}`;
}

/** Findings never carry text unless the caller asked for it. */
export function withoutText(d: DocumentResult, includeText: boolean): DocumentResult {
  if (includeText) return d;
  return { ...d, findings: d.findings.map(({ text: _t, ...f }) => f) };
}
