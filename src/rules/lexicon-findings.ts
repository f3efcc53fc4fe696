import type { CompiledLexicon } from '../lexicon/compile.js';
import { isFinding, type LoadedFinding } from '../lexicon/schema.js';
import type { DetectInput, RawFinding, Rule, Source } from './types.js';
import { once, vocabRegex, vocabSource, words } from './vocab.js';

/**
 * Ages written in the text: "15yo", "15 y/o", "aged 15", "Age 15." (a label), "15 year old", "8/12 old" (months); and "(also 15, same
 * school year)" after a friend or partner: the patient is that age too (not "(also 15 mins)").
 */
function ageRegex(lex: CompiledLexicon): RegExp {
  return once(
    lex,
    'age',
    () =>
      new RegExp(
        `\\b(?:aged\\s+(\\d{1,2})|(\\d{1,2})\\s?${vocabSource(lex, 'age-unit')})(?![\\p{L}\\p{N}_])|\\(also\\s(\\d{1,2})\\b(?!\\s?${vocabSource(lex, 'measure-unit')})|\\b(\\d{1,2})\\s?(?:\\/\\s?(?:12|52)|months?|mths?|weeks?|wks?)\\s?old\\b|(?<!\\b${vocabSource(lex, 'age-not-now')}\\s)\\bage\\s?:?\\s?(\\d{1,2})(?![\\p{N}/]|[.,]\\d)(?!\\s?(?:\\/\\s?(?:12|52)|months?|mths?|weeks?|wks?|days?|at\\b))`,
        'giu',
      ),
  );
}

export function textAges(lex: CompiledLexicon, text: string, forename?: string): number[] {
  // "8/12 old", "6 weeks old": months or weeks, under a year.
  const ages = [...text.matchAll(ageRegex(lex))].map((m) => (m[4] !== undefined ? 0 : Number(m[1] ?? m[2] ?? m[3] ?? m[5])));
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

/** Whether the sentence of a token names a new or suspected diagnosis ("newly diagnosed", "?", "possible"). */
function newInSentence(input: DetectInput, tok: number): boolean {
  const s = input.doc.sentences[input.doc.tokenSentence[tok]];
  return !!s && vocabRegex(input.lexicon, 'new-diagnosis-cue').test(input.doc.norm.text.slice(s.start, s.end));
}

/** Longest stretch, in words, between an occupation cue and the agency it names ("works as [a social worker in a] child protection team"). */
const OCCUPATION_WORDS = 6;

/**
 * A safeguarding agency, role or process named as the patient's own job: after an occupation
 * cue in the same clause ("works as social worker in a child protection team"), or just before
 * "by profession" ("pt is an IDVA by profession"). Both cue lists are vocabularies.
 */
function occupational(input: DetectInput, start: number, end: number): boolean {
  const lex = input.lexicon;
  const text = input.doc.norm.text;
  const cue = once(lex, 'occupation-cue', () => new RegExp(vocabRegex(lex, 'occupation-cue').source, 'giu'));
  const cueAfter = once(lex, 'occupation-cue-after', () => new RegExp(`^\\s*${vocabSource(lex, 'occupation-cue-after')}(?![\\p{L}\\p{N}_])`, 'iu'));
  // Only an agency, a team or a role is a job ("child protection team", "IDVA", "MASH"); an
  // exploitation phrase after "works for" ("works for a county lines gang") is not.
  const org = once(lex, 'occupation-org', () => vocabRegex(lex, 'organisation-cue'));
  if (!org.test(text.slice(start, end + 12).split(/[.;:,\n]/)[0])) return false;
  const before = text.slice(Math.max(0, start - 80), start);
  let cueEnd = -1;
  for (const m of before.matchAll(cue)) cueEnd = m.index! + m[0].length;
  if (cueEnd >= 0) {
    const gap = before.slice(cueEnd);
    const gapWords = gap.split(/\s+/).filter(Boolean);
    // a joiner or a clause's own verb or pronoun in the gap starts another clause: "works at the
    // bakery and lives in a refuge" names her home, not her job
    const joined = once(lex, 'occupation-gap-breakers', () => new Set([...words(lex, 'clause-joiner'), ...words(lex, 'list-breaker')]));
    if (!/[.;:,!?\n]|\s[-–]\s/.test(gap) && gapWords.length <= OCCUPATION_WORDS && !gapWords.some((w) => joined.has(w.toLowerCase()))) return true;
  }
  return cueAfter.test(text.slice(end, end + 30));
}

/**
 * A finding's own words, lower case, after the word before them when that word says which one
 * ("lung cancer"); a query, negation or linking word before them (vocab/ruled-out-filler) says
 * nothing about which ("?melanoma", "no features to suggest melanoma" are both "melanoma").
 */
function conceptOf(input: DetectInput, startTok: number, start: number, end: number): string {
  const filler = words(input.lexicon, 'ruled-out-filler');
  const t = input.doc.tokens[startTok - 1];
  const qualifier = t && t.kind === 'word' && !filler.has(t.lower) ? t.lower + ' ' : '';
  return qualifier + input.doc.norm.text.slice(start, end).toLowerCase();
}

/** The newOnly entries this text names as long-standing or history somewhere (see detectLexiconFindings). */
export function backgroundConditions(input: DetectInput): Set<number> {
  const background = new Set<number>();
  for (const h of input.hits) {
    const e = input.lexicon.entries[h.entry];
    if (isFinding(e) && e.newOnly && !background.has(h.entry) && (input.contextFor(h.startTok, h.endTok).historical || longStanding(input, h.startTok))) background.add(h.entry);
  }
  return background;
}

/** Findings straight from lexicon entries that have a category. */
export function detectLexiconFindings(input: DetectInput): RawFinding[] {
  const out: RawFinding[] = [];
  let ages: number[] | undefined;
  // A newOnly condition the document once names as long-standing ("Diagnosis: relapsing-remitting
  // MS (diagnosed 2015)") is background in its other mentions too ("Multiple Sclerosis Service",
  // "on ocrelizumab", "our Parkinson's nurse"), unless their own sentence says new or suspected.
  // A part of a longer document is told the whole document's (windows.ts).
  const background = backgroundConditions(input);
  for (const e of input.documentBackground ?? []) background.add(e);
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
    if (e.newOnly && background.has(h.entry) && !newInSentence(input, h.startTok)) continue;
    // The patient's own job in a safeguarding service is not a safeguarding concern.
    if (e.category === 'safeguarding' && occupational(input, h.start, h.end)) continue;
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
    if (e.category === 'sensitive') f.concept = conceptOf(input, h.startTok, h.start, h.end);
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
    fresh: true,
  };
}
