import type { CompiledLexicon } from '../lexicon/compile.js';
import { isFinding, type LoadedFinding } from '../lexicon/schema.js';
import type { DetectInput, RawFinding, Rule, Source } from './types.js';
import { once, vocabRegex, vocabSource } from './vocab.js';

/**
 * Ages written in the text: "15yo", "15 y/o", "aged 15", "15 year old", "8/12 old" (months); and "(also 15, same
 * school year)" after a friend or partner: the patient is that age too (not "(also 15 mins)").
 */
function ageRegex(lex: CompiledLexicon): RegExp {
  return once(
    lex,
    'age',
    () =>
      new RegExp(
        `\\b(?:aged\\s+(\\d{1,2})|(\\d{1,2})\\s?${vocabSource(lex, 'age-unit')})(?![\\p{L}\\p{N}_])|\\(also\\s(\\d{1,2})\\b(?!\\s?${vocabSource(lex, 'measure-unit')})|\\b(\\d{1,2})\\s?(?:\\/\\s?(?:12|52)|months?|mths?|weeks?|wks?)\\s?old\\b`,
        'giu',
      ),
  );
}

export function textAges(lex: CompiledLexicon, text: string, forename?: string): number[] {
  // "8/12 old", "6 weeks old": months or weeks, under a year.
  const ages = [...text.matchAll(ageRegex(lex))].map((m) => (m[4] !== undefined ? 0 : Number(m[1] ?? m[2] ?? m[3])));
  // "Amelia (15) attended", "Isaac, 4 years.": the patient's forename with an age in brackets or after a comma.
  if (forename) {
    const esc = forename.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    for (const m of text.matchAll(new RegExp(`\\b${esc}(?:\\s?\\((\\d{1,2})\\)|,\\s?(\\d{1,2})\\s?(?:years?|yrs?|y)\\b)`, 'gi'))) ages.push(Number(m[1] ?? m[2]));
  }
  return ages;
}

/**
 * The sentence of a newOnly hit says the condition is long-standing ("MS since 2015, under
 * routine neurology review", "Known Parkinson's disease") and nothing in it says it is new or
 * suspected (POLICY.md's long-standing row; both cue lists are vocabularies).
 */
function longStanding(input: DetectInput, tok: number): boolean {
  const s = input.doc.sentences[input.doc.tokenSentence[tok]];
  if (!s) return false;
  const text = input.doc.norm.text.slice(s.start, s.end);
  return vocabRegex(input.lexicon, 'long-standing-cue').test(text) && !vocabRegex(input.lexicon, 'new-diagnosis-cue').test(text);
}

/** Findings straight from lexicon entries that have a category. */
export function detectLexiconFindings(input: DetectInput): RawFinding[] {
  const out: RawFinding[] = [];
  let ages: number[] | undefined;
  for (const h of input.hits) {
    const e = input.lexicon.entries[h.entry];
    if (!isFinding(e)) continue;
    if (e.onlyUnderAge !== undefined) {
      // Counts only for a patient known to be under the age (e.g. emergency contraception < 16).
      ages ??= input.documentAges?.() ?? textAges(input.lexicon, input.doc.norm.text, input.patient.forename);
      const young = (input.patient.age !== undefined && input.patient.age < e.onlyUnderAge) || ages.some((a) => a < e.onlyUnderAge!);
      if (!young) continue;
    }
    // A long-standing condition named as history or background is no finding (POLICY.md).
    if (e.newOnly && (input.contextFor(h.startTok, h.endTok).historical || longStanding(input, h.startTok))) continue;
    const f: RawFinding = {
      category: e.category,
      type: e.type,
      ruleId: e.id,
      start: h.start,
      end: h.end,
      startTok: h.startTok,
      endTok: h.endTok,
      weight: e.weight,
    };
    if (e.escalates) f.escalates = true;
    if (e.serious) f.serious = true;
    if (e.undisclosed) f.undisclosed = true;
    if (e.ignoreModifiers) f.ignoreModifiers = e.ignoreModifiers;
    out.push(f);
  }
  return out;
}

/** A lexicon entry as a rule: its meta from the entry, its examples its own. */
export function lexiconRule(e: LoadedFinding): Rule {
  return {
    origin: 'lexicon',
    meta: { id: e.id, category: e.category, types: [e.type], description: e.notes ?? `${e.type.replace(/-/g, ' ')} (${e.file})`, docs: e.source },
    examples: { match: e.examples?.match ?? [], noMatch: e.examples?.noMatch ?? [] },
  };
}

/** Every finding entry of the lexicons in force, found in one pass over the document. */
export function lexiconSource(lex: CompiledLexicon): Source {
  return {
    stage: 'detect',
    name: 'lexicon',
    rules: lex.entries.filter(isFinding).map((e) => lexiconRule(e as LoadedFinding)),
    detect: detectLexiconFindings,
  };
}
