import { createRequire } from 'node:module';
import { sectionAt, type Token } from '../text/index.js';
import type { ContextResult } from '../model/index.js';
import { hitIndex, markNear, type HitIndex } from './hit-index.js';
import type { DetectInput, RawFinding, Rule, Source } from './types.js';
import { once, vocabSource, words } from './vocab.js';

/**
 * Person names, found by cheap evidence first (titles, name lists, capitalised runs,
 * relationship words next to a name, "Name (son)", "Name, 7"), with compromise asked only
 * about capitalised words nothing else explains. Each name is then classed as the patient,
 * a professional acting in role, or a third party; only third parties are findings.
 */

/** compromise costs ~1 ms a sentence: a document gets a few questions at most. */
const MAX_COMPROMISE_CALLS = 4;
// Names in these sections are the letter's professionals (structure, not words).
const PROFESSIONAL_SECTIONS = new Set(['header', 'signature', 'cc', 'salutation']);

/** The word lists this rule reads (lexicons/people.yaml), fetched once per document. */
interface Words {
  personalTitle: ReadonlySet<string>;
  titleMale: ReadonlySet<string>;
  titleFemale: ReadonlySet<string>;
  placeOpener: ReadonlySet<string>;
  notAName: ReadonlySet<string>;
  personSlot: ReadonlySet<string>;
  notAPersonAfter: ReadonlySet<string>;
  eponymHead: ReadonlySet<string>;
  formerName: RegExp;
}

function wordsOf(input: DetectInput): Words {
  const lex = input.lexicon;
  return once(lex, 'people', () => ({
    personalTitle: words(lex, 'personal-title'),
    titleMale: words(lex, 'title-male'),
    titleFemale: words(lex, 'title-female'),
    placeOpener: words(lex, 'place-opener'),
    notAName: words(lex, 'not-a-name'),
    personSlot: words(lex, 'person-slot'),
    notAPersonAfter: words(lex, 'not-a-person-after'),
    eponymHead: words(lex, 'eponym-head'),
    // "formerly registered as", "née": the patient's own earlier name follows, in the same sentence.
    formerName: new RegExp(`(?<![\\p{L}\\p{N}_])${vocabSource(lex, 'former-name-cue')}(?![\\p{L}\\p{N}_])[^.]*$`, 'iu'),
  }));
}

const AFFIRMED_OTHER: ContextResult = { negated: false, uncertain: false, hypothetical: false, historical: false, experiencer: 'other', triggers: [] };

type Person = { a: number; b: number; evidence: number; titled: 'personal' | 'professional' | null };

let nlp: ((text: string) => { terms(): { json(): { terms: { text: string; tags: string[] }[] }[] } }) | undefined;
function compromise() {
  if (!nlp) {
    // Loaded on first need: importing it costs ~220 ms (DESIGN.md), most documents never ask.
    const req = createRequire(typeof __filename !== 'undefined' ? __filename : import.meta.url);
    nlp = req('compromise') as typeof nlp;
  }
  return nlp!;
}

const isWord = (t: Token | undefined): t is Token => !!t && t.kind === 'word';
const isCap = (t: Token | undefined) => isWord(t) && t.shape[0] === 'X';
const isInitial = (t: Token | undefined) => isWord(t) && t.text.length === 1 && t.shape === 'X';

function nextWord(toks: Token[], i: number): number {
  let j = i;
  while (j < toks.length && toks[j].kind === 'punct' && toks[j].text === '.') j++;
  return j;
}

function professionalTitleAt(idx: HitIndex, i: number): boolean {
  return idx.proStartsAt[i] === 1 && idx.proEndsAt[i + 1] === 1;
}

function nameAllowedCase(input: DetectInput, idx: HitIndex, i: number): boolean {
  const t = input.doc.tokens[i];
  if (input.doc.caseStyle !== 'mixed') return true;
  if (t.shape === 'Xx' || t.shape === "Xx'x" || t.shape === "X'Xx") return true;
  // ALL-CAPS surnames after a name ("Derek HAINES") or ALL-CAPS name blocks.
  if (t.shape === 'X' && t.text.length > 1) {
    const prev = input.doc.tokens[i - 1];
    return !!prev && (idx.forename[i - 1] === 1 || isCap(prev)) && idx.surname[i] === 1;
  }
  return false;
}

function findCandidates(input: DetectInput, idx: HitIndex, w: Words): Person[] {
  const toks = input.doc.tokens;
  const people: Person[] = [];
  const seen = new Uint8Array(toks.length);
  // A capitalised word after "North", "Upper", "Great"... is the rest of a place name.
  const placeTail = (i: number) => i > 0 && w.placeOpener.has(toks[i - 1].lower) && isCap(toks[i - 1]);
  const usable = (i: number) => isWord(toks[i]) && !idx.finding[i] && !w.notAName.has(toks[i].lower) && !placeTail(i);
  // Capitals with a lower-case ending after an apostrophe ("DNA'd", "OD'd", "CT'd") are an
  // abbreviation used as a verb, never part of a name.
  const surnameish = (i: number) =>
    usable(i) &&
    !idx.vocabulary[i] &&
    toks[i].shape !== "X'x" &&
    (isCap(toks[i]) || (input.doc.caseStyle !== 'mixed' && (idx.surname[i] === 1 || idx.forename[i] === 1)));
  const extend = (a: number, max: number) => {
    let b = a;
    while (b < toks.length && b - a < max) {
      const j = b;
      if (surnameish(j) || isInitial(toks[j])) {
        b = nextWord(toks, j + 1);
        // don't swallow a trailing full stop that is not part of an initial
        if (b > j + 1 && !isInitial(toks[j])) b = j + 1;
        continue;
      }
      break;
    }
    while (b > a && !isWord(toks[b - 1])) b--;
    return b;
  };

  for (let i = 0; i < toks.length; i++) {
    if (seen[i]) continue;
    const t = toks[i];
    if (!isWord(t)) continue;
    const lower = t.lower;
    // Titles: "Mrs Gwen Hughes", "Dr. Patel", "Nurse Evans".
    const personal = w.personalTitle.has(lower);
    const professional = !personal && professionalTitleAt(idx, i) && isCap(t);
    if (personal || professional) {
      const a = nextWord(toks, i + 1);
      const b = extend(a, 3);
      if (b > a && toks.slice(a, b).some((x) => isWord(x) && x.text.length > 1)) {
        people.push({ a, b, evidence: 1, titled: personal ? 'personal' : 'professional' });
        for (let k = i; k < b; k++) seen[k] = 1;
      }
      continue;
    }
    if (!usable(i) || idx.vocabulary[i]) continue;
    if (idx.forename[i] && nameAllowedCase(input, idx, i)) {
      const b = Math.max(i + 1, extend(i + 1, 2));
      people.push({ a: i, b, evidence: 0.9, titled: null });
      for (let k = i; k < b; k++) seen[k] = 1;
      continue;
    }
    if (isCap(t) && t.shape === 'Xx' && t.text.length > 1) {
      // Capitalised word with no list evidence: a relationship word next to it, "(son)",
      // ", 7", or a following capitalised word, then compromise's vote.
      const prev = toks[i - 1];
      // "partner Dave", "father (Gwyn", "Mother: Donna" -- not across a full stop.
      const relBefore = idx.relEndsAt[i] === 1 || (i > 0 && idx.relEndsAt[i - 1] === 1 && /^[,(:\-]$/.test(toks[i - 1].text));
      const after = toks[i + 1];
      const relAfter =
        (after?.text === '(' && idx.relStartsAt[i + 2] === 1) ||
        (after?.text === ',' && /^\d{1,2}$/.test(toks[i + 2]?.text ?? '') && toks[i + 3]?.kind !== 'punct');
      const sentenceInitial = !prev || prev.kind === 'newline' || /[.!?:*\-]/.test(prev.text);
      let evidence = 0;
      if (relBefore || relAfter) evidence = 0.8;
      else if (!sentenceInitial && idx.surname[i]) evidence = 0.6;
      else if (!sentenceInitial && isCap(after) && after!.shape === 'Xx' && idx.surname[i + 1]) evidence = 0.6;
      if (evidence > 0) {
        const b = extend(i, 3);
        people.push({ a: i, b: Math.max(b, i + 1), evidence, titled: null });
        for (let k = i; k < b; k++) seen[k] = 1;
      }
    }
  }
  return people;
}

/**
 * Ask compromise about a pair of capitalised words that no list knows ("Tayla Brennan") and
 * that nothing marks as a place or an organisation. Everything cheaper has been tried first,
 * and compromise is loaded only for documents that have such a pair.
 */
function compromiseCandidates(input: DetectInput, idx: HitIndex, taken: Uint8Array, w: Words): Person[] {
  const { doc } = input;
  const toks = doc.tokens;
  const out: Person[] = [];
  let calls = 0;
  const plain = (k: number) => {
    const t = toks[k];
    return !!t && t.shape === 'Xx' && t.text.length > 1 && !taken[k] && !idx.finding[k] && !idx.vocabulary[k] && !w.notAName.has(t.lower);
  };
  for (let i = 1; i + 1 < toks.length; i++) {
    if (!plain(i) || !plain(i + 1)) continue;
    const prev = toks[i - 1];
    if (prev.kind === 'newline' || /[.!?:*\-(]/.test(prev.text)) continue;
    // Only in a slot where a person is plausible ("seen with", "told by", "her partner").
    if (!w.personSlot.has(prev.lower) && !idx.relEndsAt[i]) continue;
    const after = toks[i + 2];
    if (after && after.kind === 'word' && w.notAPersonAfter.has(after.lower)) continue;
    if (w.notAPersonAfter.has(toks[i + 1].lower)) continue;
    const s = doc.sentences[doc.tokenSentence[i]];
    if (!s || calls >= MAX_COMPROMISE_CALLS) continue;
    calls++;
    const terms = compromise()(doc.norm.text.slice(s.start, s.end)).terms().json().flatMap((x) => x.terms);
    const tagged = new Set(terms.filter((x) => x.tags.some((g) => /Person|FirstName|LastName|MaleName|FemaleName/.test(g))).map((x) => x.text.toLowerCase()));
    if (tagged.has(toks[i].lower) || tagged.has(toks[i + 1].lower)) {
      out.push({ a: i, b: i + 2, evidence: 0.5, titled: null });
      taken[i] = taken[i + 1] = 1;
    }
    i++;
  }
  return out;
}

type Role = 'patient' | 'professional' | 'third';

/** The sex a personal title just before a name implies ("Mrs Reddy"), if any. */
function titleSexBefore(toks: Token[], a: number, w: Words): 'male' | 'female' | undefined {
  let i = a - 1;
  if (toks[i]?.text === '.') i--;
  const t = toks[i];
  if (!t || t.kind !== 'word') return undefined;
  return w.titleMale.has(t.lower) ? 'male' : w.titleFemale.has(t.lower) ? 'female' : undefined;
}



function classify(input: DetectInput, idx: HitIndex, p: Person, w: Words): Role {
  const { doc, patient } = input;
  const toks = doc.tokens;
  const words = toks.slice(p.a, p.b).filter((t) => isWord(t) && t.text.length > 1).map((t) => t.lower.replace(/'s$/, ''));
  // "Mr Pryce's brother": a possessive name anchors the relationship after it; it is not the relative.
  const possessive = /'s$/i.test(toks[p.b - 1].text);
  const relNear = possessive ? markNear(idx.relEndsAt, idx.relStartsAt, p.a, p.a, 2, -1) : markNear(idx.relEndsAt, idx.relStartsAt, p.a, p.b, 2, 2);
  // The patient: whole name, forename, or title and surname with nothing pointing elsewhere.
  // A title of the other sex ("Mrs Reddy" in Mr Reddy's record) points to someone else.
  const titleSex = titleSexBefore(toks, p.a, w);
  const otherSex = !!titleSex && !!patient.sex && /^(?:female|male|f|m)$/.test(patient.sex) && titleSex[0] !== patient.sex[0];
  if (patient.nameParts.length && words.length && !otherSex) {
    const parts = new Set(patient.nameParts);
    const allPatient = words.every((w) => parts.has(w));
    const onlySurname = patient.surname !== undefined && words.length === 1 && words[0] === patient.surname;
    // Whole name, forename(s) ("Ruby-Mae" is two parts), or title and surname.
    if (allPatient && !(onlySurname && relNear)) return 'patient';
  }
  const next = toks[p.b];
  const lastWord = toks[p.b - 1];
  if ((next && next.kind === 'word' && w.notAPersonAfter.has(next.lower)) || w.notAPersonAfter.has(lastWord.lower)) return 'professional';
  if (/'s$/i.test(lastWord.text) || next?.text === "'") {
    for (let k = p.b; k < Math.min(toks.length, p.b + 6) && toks[k].kind !== 'newline'; k++) if (w.eponymHead.has(toks[k].lower)) return 'professional';
  }
  // The patient's own earlier name ("formerly registered as", "née", "previous name").
  const before = doc.norm.text.slice(Math.max(0, toks[p.a].start - 40), toks[p.a].start);
  if (w.formerName.test(before)) return 'patient';
  if (p.titled === 'professional') return 'professional';
  const sec = sectionAt(doc.sections, toks[p.a].start);
  if (sec && PROFESSIONAL_SECTIONS.has(sec.kind) && !relNear) return 'professional';
  // In the "Re:" / "Patient:" block, names that are not the patient's are the letter's
  // professionals (GP, consultant) unless the line names a relative.
  if (sec?.kind === 'regarding' && !relNear) return 'professional';
  // A role word just before ("HV Sarah Jones", "SW Jo") or just after ("Jo Smith, social worker").
  const roleNear = markNear(idx.proEndsAt, idx.proStartsAt, p.a, p.b, 2, 3);
  if (roleNear && !relNear) return 'professional';
  return 'third';
}

export function detectPeople(input: DetectInput): RawFinding[] {
  const idx = hitIndex(input);
  const w = wordsOf(input);
  const toks = input.doc.tokens;
  const people = findCandidates(input, idx, w);
  const taken = new Uint8Array(toks.length);
  for (const p of people) for (let k = p.a; k < p.b; k++) taken[k] = 1;
  for (const p of compromiseCandidates(input, idx, taken, w)) people.push(p);
  const out: RawFinding[] = [];
  for (const p of people) {
    if (p.b <= p.a) continue;
    if (classify(input, idx, p, w) !== 'third') continue;
    out.push({
      category: 'thirdParty',
      type: 'person-name',
      ruleId: 'detector/person-name',
      start: toks[p.a].start,
      end: toks[p.b - 1].end,
      startTok: p.a,
      endTok: p.b,
      weight: p.evidence >= 0.8 ? 0.55 : 0.45,
      context: { ...AFFIRMED_OTHER, triggers: [] },
    });
  }
  return out;
}

export const personNameRule: Rule = {
  origin: 'code',
  meta: {
    id: 'detector/person-name',
    category: 'thirdParty',
    types: ['person-name'],
    description:
      "A person's name that is neither the patient's nor a professional's in role: found by titles, name lists, relationship words beside it, and (for capitalised pairs nothing else explains) compromise.",
    docs: 'POLICY.md: a named non-professional is review; names that fit the patient are not third parties',
  },
  examples: {
    match: ['Lives with partner Dave and two children.', 'Mrs Gwen Hughes phoned about her husband.', { text: 'Seen with Mrs Hughes, his wife.', patient: { name: 'Tom Hughes', sex: 'male' } }],
    noMatch: [
      'Seen with HV Sarah Jones re weaning.',
      { text: 'Mrs Hughes attended for her smear.', patient: { name: 'Gwen Hughes', sex: 'female' } },
      'Letter from Hyde Park Surgery filed.',
      'Returned from Kenya last week, well.',
    ],
  },
};

export const people: Source = { stage: 'detect', name: 'people', rules: [personNameRule], detect: detectPeople };
