import type { DocumentResult } from '../model/index.js';
import { CATEGORIES } from '../model/index.js';
import type { Category, Finding, Verdict } from '../model/index.js';

/** Words and orderings shared by the file formats, so the csv, sarif and html agree. */

export { CATEGORIES };

export const CATEGORY_LABEL: Record<Category, string> = {
  thirdParty: 'Third party',
  safeguarding: 'Safeguarding',
  sensitive: 'Sensitive',
  harm: 'Harm',
};

export const VERDICTS: readonly Verdict[] = ['withhold', 'review', 'visible'];
export const VERDICT_RANK: Record<Verdict, number> = { visible: 0, review: 1, withhold: 2 };

/** `path` or `path#record`, as the stylish format prints it. */
export const docLabel = (d: Pick<DocumentResult, 'path' | 'record'>): string => (d.record !== undefined ? `${d.path}#${d.record}` : d.path);

/** "negated, historical; about family", or "affirmed": the ConText result in words. */
export function modifiersText(m: Finding['modifiers']): string {
  const flags = (['negated', 'uncertain', 'hypothetical', 'historical'] as const).filter((k) => m[k]);
  const who = m.experiencer === 'patient' ? '' : `about ${m.experiencer === 'family' ? 'a family member' : 'another person'}`;
  const parts = [flags.length ? flags.join(', ') : 'affirmed', who].filter(Boolean);
  return parts.join('; ');
}

/**
 * Riskiest first: verdict, then score, then path and record so that equal documents keep a
 * stable, reproducible order. (Score alone would rank some withheld documents below reviews,
 * because a single certain safeguarding finding can withhold with a modest overall score.)
 */
export function byRisk(a: DocumentResult, b: DocumentResult): number {
  return (
    VERDICT_RANK[b.verdict] - VERDICT_RANK[a.verdict] ||
    b.score - a.score ||
    (a.path < b.path ? -1 : a.path > b.path ? 1 : 0) ||
    (a.record ?? '').localeCompare(b.record ?? '', 'en', { numeric: true })
  );
}
