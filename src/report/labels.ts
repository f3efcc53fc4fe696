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

/**
 * A name from outside (a file name, a record id) made safe to print to a terminal or a log:
 * control characters (a newline that would forge a result line, an ANSI escape that would
 * recolour or move the cursor) and bidirectional overrides (which reorder what is shown) are
 * written as visible escapes.
 */
export function printable(s: string): string {
  return s.replace(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069\u2028\u2029]/g, (c) => `\\u{${c.charCodeAt(0).toString(16).padStart(2, '0')}}`);
}

/** `path` or `path#record`, as the stylish format prints it (escaped: see printable). */
export const docLabel = (d: Pick<DocumentResult, 'path' | 'record'>): string => printable(d.record !== undefined ? `${d.path}#${d.record}` : d.path);

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
