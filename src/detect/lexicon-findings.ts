import type { DetectInput, RawFinding } from './types.js';

// Ages written in the text: "15yo", "15 y/o", "aged 15", "15 year old".
const AGE_RE = /\b(?:aged\s+(\d{1,2})|(\d{1,2})\s?(?:yo|y\/o|yrs? old|years? old|year-old|yr-old))\b/gi;

function textAges(text: string): number[] {
  return [...text.matchAll(AGE_RE)].map((m) => Number(m[1] ?? m[2]));
}

/** Findings straight from lexicon entries that have a category. */
export function detectLexiconFindings(input: DetectInput): RawFinding[] {
  const out: RawFinding[] = [];
  let ages: number[] | undefined;
  for (const h of input.hits) {
    const e = input.lexicon.entries[h.entry];
    if (!e.category || e.type === undefined || e.weight === undefined) continue;
    if (e.onlyUnderAge !== undefined) {
      // Counts only for a patient known to be under the age (e.g. emergency contraception < 16).
      ages ??= textAges(input.doc.norm.text);
      const young = (input.patient.age !== undefined && input.patient.age < e.onlyUnderAge) || ages.some((a) => a < e.onlyUnderAge!);
      if (!young) continue;
    }
    out.push({
      category: e.category,
      type: e.type,
      ruleId: e.id,
      start: h.start,
      end: h.end,
      startTok: h.startTok,
      endTok: h.endTok,
      weight: e.weight,
      escalates: e.escalates,
      ignoreModifiers: e.ignoreModifiers,
    });
  }
  return out;
}
