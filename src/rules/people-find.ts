import type { Token } from '../text/index.js';
import { takeRoom, type HitIndex } from './hit-index.js';
import {
  CAPITAL_FIRST,
  CAPITALISED,
  caselessTokens,
  CLERGY_TITLE,
  compromise,
  CREDENTIAL,
  DIGIT,
  finiteVerb,
  foreignWord,
  gerund,
  LOWER,
  MIXED,
  NOT_A_NAME,
  OBJECT_CUE_START,
  ONE_CHAR,
  PERSONAL_TITLE,
  letterCase,
  phraseAt,
  PLACE_OPENER,
  PRO_TITLE,
  tokenBits,
  UPPER,
  wordClass,
  type PeopleWords,
} from './people-words.js';
import type { DetectInput } from './types.js';

/**
 * Where the names are. A name is found where something anchors it: a relationship word or a
 * proxy role before it ("grandson tom", "niece is mrs. jan holt", "LPA - Jan Holt") or after it
 * ("Jan Holt (niece)", "Carol, his wife"), a title, or a verb that takes a person ("please ask
 * for Pete"). In such a slot the name lists are read in any letter case and capitals count in
 * mixed-case text; outside one, a name needs capitals in mixed-case text (or two name words in
 * a row, or a verb of saying after it, where the text's case says nothing).
 */

/** What put a name where it is. */
export type Anchor = 'relation' | 'title' | 'clergy' | 'professional-title' | 'slot' | 'list' | 'capitals' | 'compromise' | 'coreference';

export interface Person {
  a: number;
  b: number;
  evidence: number;
  anchor: Anchor;
}

/** compromise costs ~1 ms a sentence: a document gets a few questions at most. */
const MAX_COMPROMISE_CALLS = 4;

/** Per-document state the finders share. */
export interface NameDoc {
  input: DetectInput;
  toks: Token[];
  idx: HitIndex;
  w: PeopleWords;
  /** what each token's word is, as bits (people-words.ts: WORD, PERSONAL_TITLE, ...): the loops read these, not the tokens */
  bits: Uint16Array;
  /** each token's letter case, filled a sentence at a time on the first ask: read it with caseOf */
  caseless: Uint8Array;
  /** tokens already in a name */
  taken: Uint8Array;
  /** object cues ("ask for", "explained to") that end just before token i */
  objectEnds: Uint8Array;
  /** tokens under a professional field label (filled by people-whose.ts: labelScope) */
  labels: Uint8Array;
  /**
   * The tokens a name may start at outside a relationship's or a cue's slot, in text order: a
   * title, a professional role's first word, a forename from the lists, a capitalised word. The
   * finders that read every token for these (titled, unanchored, compromisePairs) read only
   * these, about one token in ten.
   */
  starts: number[];
}

export function nameDoc(input: DetectInput, idx: HitIndex, w: PeopleWords): NameDoc {
  const toks = input.doc.tokens;
  const n = toks.length;
  // The per-token arrays as views of one buffer: the room the hit index's buffer keeps for
  // them (one allocation per document, not six: each typed array of its own costs more than
  // the loop that fills it), else a buffer of their own. The 16-bit array first, so it starts
  // aligned (the room starts at an even offset).
  const bytes = 2 * n + n + n + 2 * (n + 1);
  const { buf, at } = takeRoom(idx, bytes) ?? { buf: new ArrayBuffer(bytes), at: 0 };
  const bits = tokenBits(toks, w, new Uint16Array(buf, at, n));
  return {
    input,
    toks,
    idx,
    w,
    bits,
    caseless: caselessTokens(input.doc, new Uint8Array(buf, at + 2 * n, n)),
    taken: new Uint8Array(buf, at + 3 * n, n),
    objectEnds: objectCueEnds(toks, bits, w, new Uint8Array(buf, at + 4 * n, n + 1)),
    labels: new Uint8Array(buf, at + 5 * n + 1, n + 1),
    starts: nameStarts(bits, idx),
  };
}

const START_BITS = PERSONAL_TITLE | CLERGY_TITLE | PRO_TITLE | CAPITALISED;

/**
 * NameDoc.starts: the tokens with a title's or a capitalised word's bits, a list forename or a
 * role's start (a plain array: about one token in ten, where a typed array of every token's
 * room made the document's buffer, zeroed at each allocation, bigger).
 */
function nameStarts(bits: Uint16Array, idx: HitIndex): number[] {
  const { forename, proStartsAt } = idx;
  const out: number[] = [];
  // one test a token, not three: both hit arrays hold only 0 and 1
  for (let i = 0; i < bits.length; i++) if ((bits[i] & START_BITS) | forename[i] | proStartsAt[i]) out.push(i);
  return out;
}

/** Where a verb that takes a person ("ask for", "explained to") ends: ends[j] = 1 for a cue over tokens [i, j). */
function objectCueEnds(toks: Token[], bits: Uint16Array, w: PeopleWords, ends: Uint8Array): Uint8Array {
  for (let i = 0; i < toks.length; i++) {
    if (!(bits[i] & OBJECT_CUE_START)) continue;
    const j = phraseAt(toks, i, w.objectCue);
    if (j > 0) ends[j] = 1;
  }
  return ends;
}

/** Token i's letter case: MIXED (capitals are evidence), UPPER or LOWER (case says nothing). */
export const caseOf = (d: NameDoc, i: number): number => letterCase(d.input.doc, d.bits, d.caseless, i);

export const isWord = (t: Token | undefined): t is Token => !!t && t.kind === 'word';
export const isCap = (t: Token | undefined) => isWord(t) && t.shape[0] === 'X';
const isInitial = (toks: Token[], i: number) => isWord(toks[i]) && toks[i].text.length === 1 && toks[i].shape === 'X';
const hasDigit = (t: Token) => t.shape.includes('d');
/** no space between two tokens ("Adeyemi-Cole", "Barlow/Ortolani") */
export const joined = (x: Token | undefined, y: Token | undefined) => !!x && !!y && x.end === y.start;

const CONNECT_AFTER_RELATION = new Set([',', ':', '-', '(', '=', '\u2013', '\u2014']);
const CONNECT_BEFORE_RELATION = new Set([',', '(', '-', '\u2013', '\u2014']);

function listName(d: NameDoc, i: number): boolean {
  return d.idx.forename[i] === 1 || d.idx.surname[i] === 1;
}

/** The things no name is ever made of, whatever the slot. */
function blocked(d: NameDoc, i: number): boolean {
  const t = d.toks[i];
  if (!isWord(t) || d.idx.finding[i] || d.idx.vocabulary[i]) return true;
  const bits = d.bits[i];
  if (bits & (DIGIT | NOT_A_NAME)) return true;
  // A capitalised word after "North", "Upper", "Great"... is the rest of a place name.
  if (i > 0 && (d.bits[i - 1] & (PLACE_OPENER | CAPITAL_FIRST)) === (PLACE_OPENER | CAPITAL_FIRST)) return true;
  // Capitals with a lower-case ending after an apostrophe ("DNA'd") are an abbreviation used as a verb.
  if (t.shape === "X'x") return true;
  // Post-nominal letters end a name ("Sanjay Patel BSc"), they are not part of it.
  if (t.shape !== 'Xx' && t.shape !== 'x' && bits & CREDENTIAL) return true;
  return false;
}

/**
 * An ordinary word that is also a forename ("will", "sue", "ray") is a name in lower-case or
 * capitals text only when what follows cannot continue the ordinary word: the end of the
 * clause, a number, a surname, a verb in the third person or the past, a preposition.
 * "son will collect" (a verb follows) is not a name; "son ray lives nearby", "BROTHER JACK
 * 07700 900123" are.
 */
function closesName(d: NameDoc, i: number): boolean {
  const n = d.toks[i + 1];
  if (!n || n.kind !== 'word') return true;
  if (hasDigit(n)) return true;
  if (listName(d, i + 1)) return true;
  // "who" follows a person, never the everyday word ("partner grant who works nights")
  if (d.w.personPronoun.has(n.lower)) return true;
  const c = wordClass(n);
  if (c === 'name' || c === 'unknown') return true;
  // a verb in -ing cannot follow a modal or an ordinary noun-like word either ("daughter dawn staying overnight")
  if (c === 'verb') return finiteVerb(n) || gerund(n);
  return c === 'link';
}

function surnameNext(d: NameDoc, i: number): boolean {
  const n = d.toks[i + 1];
  if (!isWord(n) || blocked(d, i + 1)) return false;
  if (listName(d, i + 1)) return true;
  const c = wordClass(n);
  return c === 'name' || (c === 'unknown' && foreignWord(n, d.input.lexicon.text.knownWord));
}

export type Slot = 'title' | 'strong' | 'next' | 'bracket' | 'listed' | 'weak' | 'more';

/**
 * Can token i be (the first word of) a name in this kind of slot? `title`: after Mr, Rabbi, Dr;
 * `strong`: after or before a relationship word or proxy role (`next`: right after one, where a
 * capitalised noun that is also a name may stand, "Son Ignatius"); `bracket`: alone in brackets
 * after one ("partner (shaz)"); `listed`: a slot where only a
 * known name will do (before ", daughter"); `weak`: after a verb that takes a person; `more`:
 * the second or third word of a name already begun.
 */
export function nameWord(d: NameDoc, i: number, slot: Slot): boolean {
  if (blocked(d, i)) return false;
  const t = d.toks[i];
  const style = caseOf(d, i);
  const caseless = style !== MIXED;
  if (t.text.length < 2) return slot === 'more' && isInitial(d.toks, i);
  // two letters: a known name ("Jo", "Al") or nothing ("HO", "OT")
  if (t.text.length < 3 && !listName(d, i) && !d.w.anchoredForename.has(t.lower) && slot !== 'more' && slot !== 'title') return false;
  // an acronym in lower-case typing ("mother COPD") is never a name
  if (style === LOWER && t.shape === 'X') return false;
  if (listName(d, i)) return slot === 'weak' && !caseless ? isCap(t) : true;
  if (slot !== 'weak' && slot !== 'listed' && d.w.anchoredForename.has(t.lower)) return (!caseless && isCap(t)) || closesName(d, i);
  const c = wordClass(t);
  if (c === 'name') return caseless || isCap(t) || slot !== 'weak';
  if (slot === 'weak' || slot === 'listed') return false;
  if (!caseless && !isCap(t)) return false;
  // An all-capitals word in mixed-case text is an acronym unless a title or a name stands before it;
  // even then, one with no vowel is ("Mrs Connor HRT review", "Mr Adeyemi's BP"), as no name is.
  if (!caseless && t.shape === 'X' && (slot === 'strong' || slot === 'next' || slot === 'bracket')) return false;
  if (!caseless && t.shape === 'X' && slot === 'more' && !/[aeiouy]/.test(t.lower)) return false;
  const foreign = c === 'unknown' && foreignWord(t, d.input.lexicon.text.knownWord, slot === 'bracket');
  switch (slot) {
    case 'title':
      // where case says nothing, an English noun after a title needs a surname after it ("mrs. jan holt"; not "i might miss one now")
      return caseless ? foreign || (c === 'noun' && surnameNext(d, i)) : c === 'unknown' || c === 'noun';
    case 'more':
      // surnames that are also words ("Lauren Bright", "Paul Green") in mixed-case text
      return caseless ? foreign : c === 'unknown' || c === 'noun' || c === 'adj';
    case 'bracket':
      return caseless ? foreign : c === 'unknown';
    case 'strong':
    case 'next':
      // in capitals, a word no dictionary knows ("IVANA PETROVA (DAUGHTER)"); in lower-case typing
      // too, when what follows cannot continue an ordinary word ("sister ottilie at bedside",
      // "girlfriend anouk called"); in mixed case, a capitalised noun that is also a name
      // ("Son Ignatius visited") on the same condition
      if (caseless) return foreign && (style === UPPER || closesName(d, i));
      return c === 'unknown' || (slot === 'next' && c === 'noun' && t.shape === 'Xx' && !titleWord(d, t) && closesName(d, i));
  }
}

/** A title ("Dr", "Mrs", "Rabbi") is never the first word of a name. */
function titleWord(d: NameDoc, t: Token): boolean {
  return d.w.personalTitle.has(t.lower) || d.w.clergyTitle.has(t.lower) || d.w.proTitle.has(t.lower);
}

/** A name from token a: its first word already passed `nameWord`; up to `max` words. */
export function extendName(d: NameDoc, a: number, max: number): number {
  const toks = d.toks;
  let b = a + 1;
  if (isInitial(toks, a) && toks[b]?.text === '.') b++;
  let words = 1;
  while (b < toks.length) {
    let j = b;
    // a gap of two spaces or more, or a label's colon, ends a field ("Mr Piet Janssen   Radiology: ...")
    if (toks[j].start - toks[j - 1].end >= 2 || (toks[j + 1]?.text === ':' && !listName(d, j))) break;
    // a double-barrelled name: "Adeyemi-Cole", written without spaces; a name at its length still
    // takes the second half of its last word ("Ffion Rees-Morgan, Heart Failure Nurse
    // Specialist": the role then follows the whole name)
    const barrel = toks[j].skip && joined(toks[j - 1], toks[j]) && joined(toks[j], toks[j + 1]) && toks[j].text === '-';
    if (barrel) j++;
    else if (words >= max) break;
    if (!nameWord(d, j, 'more')) break;
    b = j + 1;
    if (isInitial(toks, j) && toks[b]?.text === '.') b++;
    words++;
  }
  while (b > a + 1 && !isWord(toks[b - 1])) b--;
  return b;
}

function add(d: NameDoc, out: Person[], a: number, b: number, evidence: number, anchor: Anchor): void {
  if (b <= a) return;
  for (let k = a; k < b; k++) if (d.taken[k]) return;
  out.push({ a, b, evidence, anchor });
  for (let k = a; k < b; k++) d.taken[k] = 1;
}

function skipDot(toks: Token[], i: number): number {
  return toks[i]?.text === '.' ? i + 1 : i;
}

const sameLine = (toks: Token[], a: number, b: number) => {
  for (let k = a; k < b; k++) if (toks[k]?.kind === 'newline') return false;
  return true;
};

/** Names after a title: "Mrs Gwen Hughes", "mrs. jan holt", "Rabbi Kaplan", "DR K. FENN", "NP Okafor". */
function titled(d: NameDoc, out: Person[]): void {
  const { toks, w, idx } = d;
  for (const i of d.starts) {
    const bits = d.bits[i];
    // most tokens: no title, no role
    if (!(bits & (PERSONAL_TITLE | CLERGY_TITLE | PRO_TITLE)) && idx.proStartsAt[i] !== 1) continue;
    const t = toks[i];
    if (!isWord(t)) continue;
    // a relationship word that is also a title ("Sister") anchors as a relationship (afterRelation)
    if (idx.relStartsAt[i] === 1 && idx.relEndsAt[i + 1] === 1) continue;
    let anchor: Anchor | undefined;
    if (bits & PERSONAL_TITLE) anchor = 'title';
    else if (bits & CLERGY_TITLE) anchor = 'clergy';
    else if (bits & PRO_TITLE || (idx.proStartsAt[i] === 1 && idx.proEndsAt[i + 1] === 1 && isCap(t))) anchor = 'professional-title';
    if (!anchor) continue;
    // "MS", "MR" in capitals in mixed-case or lower-case text are acronyms (multiple sclerosis, mitral regurgitation)
    if (anchor !== 'professional-title' && t.shape === 'X' && t.text.length > 1 && caseOf(d, i) !== UPPER) continue;
    // only an abbreviated title takes a full stop ("Mrs.", "Dr."); "...and priest. Priest gave" is two sentences
    const a = t.text.length <= 4 ? skipDot(toks, i + 1) : i + 1;
    if (!sameLine(toks, i, a + 1)) continue;
    // a professional title needs a capital or a dot in mixed-case text ("Dr Patel", "dr. mahn"), never "per dr"
    if (anchor === 'professional-title' && !caseOf(d, i) && !isCap(t) && a === i + 1) continue;
    const first = nameWord(d, a, 'title') || (isInitial(toks, a) && nameWord(d, skipDot(toks, a + 1), 'more'));
    if (!first) continue;
    let b = extendName(d, a, 3);
    if (!toks.slice(a, b).some((x) => isWord(x) && x.text.length > 1)) continue;
    add(d, out, a, b, 1, anchor);
    // a plural title covers every name of its list: "Drs. Vaal and Okonjo"
    const plural = anchor === 'professional-title' && t.lower.endsWith('s') && w.proTitle.has(t.lower.slice(0, -1));
    for (let n = 0; plural && n < 3 && w.nameCoordinator.has(toks[b]?.lower ?? ''); n++) {
      const k = b + 1;
      if (d.taken[k] || !sameLine(toks, b, k + 1) || !nameWord(d, k, 'title')) break;
      b = extendName(d, k, 3);
      add(d, out, k, b, 1, anchor);
    }
  }
}

/**
 * A month that is a forename ("April", "May", "June") in a relative's slot: only with a surname
 * after it on the same line, and no day number beside it ("daughter - JUNE FAIRCLOUGH"; not
 * "son visiting in June", "daughter due 3 May").
 */
function monthForename(d: NameDoc, j: number): boolean {
  const { toks, w } = d;
  const t = toks[j];
  if (!isWord(t) || !w.month.has(t.lower) || d.idx.finding[j]) return false;
  const prev = toks[j - 1];
  const next = toks[j + 1];
  if (!isWord(next) || !sameLine(toks, j, j + 2) || /\d/.test(prev?.text ?? '')) return false;
  return nameWord(d, j + 1, 'more') && !w.month.has(next.lower);
}

/** Names after a relationship word or proxy role: "grandson tom", "daughter is mrs. ana carvalho", "LPA - Jan Holt". */
function afterRelation(d: NameDoc, out: Person[]): void {
  const { toks, idx, w } = d;
  for (const h of idx.relationship) {
    let j = h.endTok;
    if (toks[j]?.text === "'s" || /'s$/.test(toks[h.endTok - 1]?.text ?? '')) {
      // "wife's name is Ilse": the relative's own name; any other word after the possessive is theirs ("son's wife")
      if (toks[j]?.text === "'s") j++;
      if (!(isWord(toks[j]) && w.nameLink.has(toks[j].lower) && isWord(toks[j + 1]) && w.nameLink.has(toks[j + 1].lower))) continue;
      j++;
    }
    if (toks[j] && CONNECT_AFTER_RELATION.has(toks[j].text)) j++;
    if (isWord(toks[j]) && w.nameLink.has(toks[j].lower)) j++;
    let titledHere = false;
    if (isWord(toks[j]) && (w.personalTitle.has(toks[j].lower) || w.clergyTitle.has(toks[j].lower))) {
      j = skipDot(toks, j + 1);
      titledHere = true;
    }
    if (j >= toks.length || d.taken[j] || !sameLine(toks, h.endTok, j + 1)) continue;
    const alone = toks[j - 1]?.text === '(' && toks[j + 1]?.text === ')';
    if (!nameWord(d, j, titledHere ? 'title' : alone ? 'bracket' : 'next') && !monthForename(d, j)) continue;
    let b = extendName(d, j, 3);
    add(d, out, j, b, 0.85, 'relation');
    // names joined to it share its anchor: "sons (Teodor and Benedek)", "dtrs priya & anjali"
    for (let n = 0; n < 3 && w.nameCoordinator.has(toks[b]?.lower ?? ''); n++) {
      const k = b + 1;
      if (!isWord(toks[k]) || d.taken[k] || titleWord(d, toks[k]) || !sameLine(toks, b, k + 1) || !nameWord(d, k, 'next')) break;
      b = extendName(d, k, 3);
      add(d, out, k, b, 0.85, 'relation');
    }
  }
}

/**
 * The opening bracket of a description that ends at token k ("(pts closest living/competent
 * blood relative"): up to six words that describe (adjectives, nouns, possessives, words no
 * dictionary knows, slashes), no preposition, verb or clause word. Returns k when there is none.
 */
function describedFrom(d: NameDoc, k: number): number {
  const { toks, w } = d;
  for (let j = k, n = 0; j >= 1 && n < 6; j--) {
    const t = toks[j];
    if (t.text === '(') return j;
    if (t.text === '/' || t.text === '-') continue;
    if (!isWord(t)) return k;
    const c = wordClass(t);
    if (!(c === 'adj' || c === 'noun' || c === 'unknown' || gerund(t) || w.possessive.has(t.lower))) return k;
    n++;
  }
  return k;
}

/** Names before a relationship word or proxy role: "Jan Holt (niece)", "IVANA PETROVA (DAUGHTER)", "Carol, his wife". */
function beforeRelation(d: NameDoc, out: Person[]): void {
  const { toks, idx, w } = d;
  for (const h of idx.relationship) {
    let k = h.startTok - 1;
    // "his", "pt's", "the patient's" between the comma and the relationship word
    let owned = false;
    for (let n = 0; n < 2 && isWord(toks[k]) && w.possessive.has(toks[k].lower); n++, owned = true) k--;
    // a bracket that describes the relative: "Teodor Vaal (pts closest living/competent blood relative)"
    if (k >= 1 && !CONNECT_BEFORE_RELATION.has(toks[k].text)) k = describedFrom(d, k);
    if (k < 1 || !CONNECT_BEFORE_RELATION.has(toks[k].text)) continue;
    // "Carol, his wife" is apposition; "..., daughter visits daily" may be the next item of a list: a known name only,
    // unless a mark closes the relationship word as it opened it ("Ottilie, daughter, called")
    const closed = toks[h.endTok]?.text === toks[k].text;
    const slot = toks[k].text === ',' && !owned && !closed ? 'listed' : 'strong';
    const end = k;
    let a = end;
    while (a - 1 >= 0 && end - (a - 1) <= 3 && !d.taken[a - 1] && nameWord(d, a - 1, 'more')) a--;
    // the first word must be able to start a name in this slot
    while (a < end && !nameWord(d, a, slot)) a++;
    if (a >= end || !sameLine(toks, a, h.startTok)) continue;
    add(d, out, a, end, 0.85, 'relation');
  }
}

/** Names after a verb that takes a person: "please ask for Pete", "explained to Mihai". */
function afterObjectCue(d: NameDoc, out: Person[]): void {
  const { toks } = d;
  for (let i = 1; i < toks.length; i++) {
    if (!d.objectEnds[i] || d.taken[i]) continue;
    if (!nameWord(d, i, 'weak')) continue;
    add(d, out, i, extendName(d, i, 3), 0.8, 'slot');
  }
}

/**
 * Names with no anchor: a name from the lists in capitals-bearing text, a capitalised word with
 * a surname after it, and (where the text's case says nothing) a list name followed by another
 * name word, after a person slot, or before a verb of saying.
 */
function unanchored(d: NameDoc, out: Person[]): void {
  const { toks, idx, w, input } = d;
  for (const i of d.starts) {
    // only a forename from the lists or a capitalised word ("Xx") can be either kind below
    if (!idx.forename[i] && !(d.bits[i] & CAPITALISED)) continue;
    if (d.taken[i] || blocked(d, i)) continue;
    const t = toks[i];
    const caseless = caseOf(d, i) !== MIXED;
    if (listName(d, i) && idx.forename[i]) {
      if (!caseless) {
        const ok = t.shape === 'Xx' || t.shape === "Xx'x" || t.shape === "X'Xx" || (t.shape === 'X' && t.text.length > 1 && i > 0 && (idx.forename[i - 1] === 1 || isCap(toks[i - 1])) && idx.surname[i] === 1);
        if (!ok) continue;
        add(d, out, i, Math.max(i + 1, extendName(d, i, 2)), 0.9, 'list');
        continue;
      }
      const b = extendName(d, i, 2);
      const prev = toks[i - 1];
      const slot = !!prev && isWord(prev) && (w.personSlot.has(prev.lower) || d.objectEnds[i] === 1);
      const said = isWord(toks[b]) && w.subjectVerb.has(toks[b].lower);
      if (b - i >= 2 || slot || said) add(d, out, i, b, 0.9, 'list');
      continue;
    }
    if (caseless || t.shape !== 'Xx' || t.text.length < 2) continue;
    // A capitalised word no list knows: a surname after it, or it is a surname itself, not at the start of a sentence.
    const prev = toks[i - 1];
    const after = toks[i + 1];
    const sentenceInitial = !prev || prev.kind === 'newline' || /[.!?:*\-]/.test(prev.text);
    if (sentenceInitial || idx.vocabulary[i]) continue;
    const surnameHere = idx.surname[i] === 1;
    const surnameNext = isCap(after) && after!.shape === 'Xx' && idx.surname[i + 1] === 1;
    if (!surnameHere && !surnameNext) continue;
    const c = wordClass(t);
    if (c === 'function' || c === 'verb' || c === 'adj') continue;
    // a forename that is also a word, before the surname ("Precious Dube", "Will Cole")
    const start = isCap(prev) && prev!.shape === 'Xx' && w.anchoredForename.has(prev!.lower) && !d.taken[i - 1] ? i - 1 : i;
    add(d, out, start, Math.max(i + 1, extendName(d, i, 3)), 0.6, 'capitals');
  }
  void input;
}

/**
 * Ask compromise about a pair of capitalised words that no list knows ("Tayla Brennan") in a
 * slot where a person is plausible. Everything cheaper has been tried first, and compromise is
 * parsed only for documents that have such a pair.
 */
function compromisePairs(d: NameDoc, out: Person[]): void {
  const { toks, idx, w, input } = d;
  const doc = input.doc;
  let calls = 0;
  // a capitalised word ("Xx") of two letters or more, in no name, hit or list of non-names
  const plain = (k: number) => (d.bits[k] & (CAPITALISED | ONE_CHAR | NOT_A_NAME)) === CAPITALISED && !d.taken[k] && !idx.finding[k] && !idx.vocabulary[k];
  // past a pair that was asked about, its second word is not the first of another
  let next = 1;
  for (const i of d.starts) {
    if (i < next || i + 1 >= toks.length) continue;
    if (!plain(i) || !plain(i + 1)) continue;
    const prev = toks[i - 1];
    if (prev.kind === 'newline' || /[.!?:*\-(]/.test(prev.text)) continue;
    if (!w.personSlot.has(prev.lower) && !idx.relEndsAt[i]) continue;
    const after = toks[i + 2];
    if (after && after.kind === 'word' && w.notAPersonAfter.has(after.lower)) continue;
    if (w.notAPersonAfter.has(toks[i + 1].lower)) continue;
    const s = doc.sentences[doc.tokenSentence[i]];
    if (!s || calls >= MAX_COMPROMISE_CALLS) continue;
    calls++;
    const terms = compromise()(doc.norm.text.slice(s.start, s.end)).terms().json().flatMap((x) => x.terms);
    const tagged = new Set(terms.filter((x) => x.tags.some((g) => /Person|FirstName|LastName|MaleName|FemaleName/.test(g))).map((x) => x.text.toLowerCase()));
    if (tagged.has(toks[i].lower) || tagged.has(toks[i + 1].lower)) add(d, out, i, i + 2, 0.5, 'compromise');
    next = i + 2;
  }
}

/** Every name in the document, most firmly anchored first. */
export function findNames(d: NameDoc): Person[] {
  const out: Person[] = [];
  titled(d, out);
  afterRelation(d, out);
  beforeRelation(d, out);
  afterObjectCue(d, out);
  unanchored(d, out);
  compromisePairs(d, out);
  return out.sort((x, y) => x.a - y.a);
}

/** Where token i's phrase of a set ends, or -1 (re-exported for the classifier). */
export { phraseAt };
