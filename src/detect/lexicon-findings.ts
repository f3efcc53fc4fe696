import type { DetectInput, RawFinding } from './types.js';

// Ages written in the text: "15yo", "15 y/o", "aged 15", "15 year old".
// "(also 15, same school year)" after a friend or partner: the patient is that age too.
const AGE_RE = /\b(?:aged\s+(\d{1,2})|(\d{1,2})\s?(?:yo|y\/o|yrs? old|years? old|year-old|yr-old))\b|\(also\s(\d{1,2})\b(?!\s?(?:min|mins|minutes|hours|hrs|days|weeks|wks|months|kg|mg|%))/gi;

function textAges(text: string, forename?: string): number[] {
  const ages = [...text.matchAll(AGE_RE)].map((m) => Number(m[1] ?? m[2] ?? m[3]));
  // "Amelia (15) attended": the patient's forename with an age in brackets.
  if (forename) {
    const esc = forename.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    for (const m of text.matchAll(new RegExp(`\\b${esc}\\s?\\((\\d{1,2})\\)`, 'gi'))) ages.push(Number(m[1]));
  }
  return ages;
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
      ages ??= textAges(input.doc.norm.text, input.patient.forename);
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
