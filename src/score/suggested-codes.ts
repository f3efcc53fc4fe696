import type { Finding, SuggestedCode } from '../model/index.js';

/**
 * NHS England's online-access control code: a practice records it where a record needs a
 * clinician's look before the patient is given access. The scanner only suggests it; it is never
 * applied to a record automatically.
 */
export const ENHANCED_REVIEW_CODE = {
  system: 'http://snomed.info/sct',
  code: '1364731000000104',
  display: 'Enhanced review indicated before granting access to own health record',
} as const;

/** Categories whose presence suggests enhanced review (POLICY.md: the safeguarding and harm rows). */
const SUGGEST_FOR = ['safeguarding', 'harm'] as const;

/**
 * Codes to suggest for a scanned document: enhanced review where an affirmed safeguarding or harm
 * finding counts towards the verdict (its own level is review or withhold). The reason names the
 * finding types, never the text.
 */
export function suggestedCodes(findings: readonly Finding[]): SuggestedCode[] {
  const types = new Map<string, Set<string>>();
  for (const f of findings) {
    if (!(SUGGEST_FOR as readonly string[]).includes(f.category)) continue;
    if (f.score <= 0 || (f.level ?? 'visible') === 'visible') continue;
    let s = types.get(f.category);
    if (!s) types.set(f.category, (s = new Set()));
    s.add(f.type);
  }
  if (types.size === 0) return [];
  const found = SUGGEST_FOR.filter((c) => types.has(c))
    .map((c) => `${c} (${[...types.get(c)!].sort().join(', ')})`)
    .join(' and ');
  return [{ ...ENHANCED_REVIEW_CODE, reason: `Found ${found}: the practice may record that enhanced review is indicated before online access. A suggestion, never applied automatically.` }];
}
