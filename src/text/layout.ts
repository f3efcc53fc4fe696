import { isWhiteSpace } from './chars.js';
import type { Sentence } from './sentences.js';
import type { Token } from './tokenise.js';
import type { TextVocabulary } from './vocabulary.js';

/**
 * How a clinical text is laid out inside its sentences: where a new item of a list starts, where
 * a field label opens a new field, where a new clause starts with its own subject, and which
 * lines are form questions with their answers. Context scope follows this layout: a negation in
 * one numbered item or one field does not reach into the next ("COMPLICATIONS: None
 * POSTOPERATIVE DIAGNOSIS: 1) polyp"), and a condition named in a form's question is not
 * affirmed ("Any history of HIV or hepatitis?  No").
 */

/** What starts at a token: nothing, or the kind of boundary. */
export const enum Break {
  None = 0,
  /** "1)", "2.", "(a)": a numbered or lettered item */
  Item = 1,
  /** "-", "*", "•" at the start of a line */
  Bullet = 2,
  /** "Findings:", "POSTOPERATIVE DIAGNOSIS:": a field label inside a line */
  Label = 3,
  /** ", she ..." / "and he ...": a new clause with a subject of its own */
  Clause = 4,
}

export interface FormItem {
  /** token range [start, end) of the question or item the answer is about */
  start: number;
  end: number;
  /**
   * no: answered no / none / negative; yes: answered yes; unknown: "not known", "N/A";
   * open: a question with no answer written (a question asserts nothing).
   */
  answer: 'no' | 'yes' | 'unknown' | 'open';
  /** normalised offsets of the answer (or of the question mark, for an open question) */
  answerStart: number;
  answerEnd: number;
}

export interface Layout {
  /** prefix counts: breaks[i] = number of boundaries (any kind) at tokens before i; length tokens + 1 */
  breaks: Int32Array;
  /** the same, field labels only (a heading's own scope runs over its numbered items) */
  labels: Int32Array;
  /** the same, without clause boundaries (a question mark asks its whole sentence) */
  structural: Int32Array;
  forms: FormItem[];
  /** form item index per token, or -1 (undefined when the text has no form items) */
  formOf?: Int32Array;
}

const BULLETS = new Set(['*', '-', '•', '>', '+', '·', '–', '○', '▪']);
/** Punctuation a label may contain ("Date/Time", "Drugs & alcohol", "Smoking (pack-years)"). */
const IN_LABEL = new Set(['/', '&', '-', '(', ')', "'"]);
/** Longest inline label, in words ("HISTORY OF PRESENT ILLNESS"). */
const MAX_LABEL_WORDS = 5;
/** A lower-case label ("past medical history:") reaches back this far to its capital or the line start. */
const MAX_LOWER_LABEL_WORDS = 3;

const isUpperWord = (t: Token) => t.kind === 'word' && /[A-Z]/.test(t.shape) && !/x/.test(t.shape) && t.text.length >= 2;
const isTitleWord = (t: Token) => t.kind === 'word' && t.shape.startsWith('Xx');
const isLowerWord = (t: Token) => t.kind === 'word' && t.shape.startsWith('x');

/*
 * What the layout passes ask of a token depends only on its text (and the vocabulary), so it is
 * worked out once per distinct token form, kept on the form (TokenForm.layoutFacts), and read
 * per token from one array of bits: the passes below test a bit instead of comparing strings,
 * running regexes on shapes or hashing a word into the vocabulary's sets at every token.
 */
const WORD = 1;
const NEWLINE = 1 << 1;
const UPPER = 1 << 2; // isUpperWord
const TITLE = 1 << 3; // isTitleWord
const LOWER = 1 << 4; // isLowerWord
const MARKER = 1 << 5; // markerWord
const BULLET = 1 << 6; // one of BULLETS
const COLON = 1 << 7;
const COMMA = 1 << 8;
const OPEN = 1 << 9; // "("
const CLOSE = 1 << 10; // ")"
const SUBJECT = 1 << 11; // in vocab.clauseSubject
const JOINER = 1 << 12; // in vocab.clauseJoiner
const OWNER = 1 << 13; // in vocab.clauseOwner
const NOUN = 1 << 14; // in vocab.clauseSubjectNoun
/** in vocab.noBreakAfter: a full stop after it does not end a sentence ("Dr.") (read by sentences.ts) */
export const NO_BREAK_AFTER = 1 << 15;
/** A word that counts towards the text's letter-case (two characters or more, not a number), and whether it is all upper or all lower case (read by index.ts). */
export const CASE_COUNTED = 1 << 16;
export const CASE_UPPER = 1 << 17;
export const CASE_LOWER = 1 << 18;

function factsOf(t: Token, vocab: TextVocabulary): number {
  const word = t.kind === 'word';
  let f = 0;
  if (word) f |= WORD;
  if (t.kind === 'newline') f |= NEWLINE;
  if (isUpperWord(t)) f |= UPPER;
  if (isTitleWord(t)) f |= TITLE;
  if (isLowerWord(t)) f |= LOWER;
  if (markerWord(t)) f |= MARKER;
  if (BULLETS.has(t.text)) f |= BULLET;
  if (t.text === ':') f |= COLON;
  else if (t.text === ',') f |= COMMA;
  else if (t.text === '(') f |= OPEN;
  else if (t.text === ')') f |= CLOSE;
  if (vocab.clauseSubject.has(t.lower)) f |= SUBJECT;
  if (vocab.clauseJoiner.has(t.lower)) f |= JOINER;
  if (vocab.clauseOwner.has(t.lower)) f |= OWNER;
  if (vocab.clauseSubjectNoun.has(t.lower)) f |= NOUN;
  if (vocab.noBreakAfter.has(t.lower)) f |= NO_BREAK_AFTER;
  if (word && t.text.length >= 2 && t.shape !== 'd') {
    f |= CASE_COUNTED;
    if (t.shape === 'X') f |= CASE_UPPER;
    else if (t.shape === 'x') f |= CASE_LOWER;
  }
  return f;
}

/**
 * A token's facts (the bits above), its form's worked out once for this vocabulary. The sentence
 * split and the letter-case count read them too, so that no pass hashes a word into a set or
 * compares shape strings at every token.
 */
export function formFacts(t: Token, vocab: TextVocabulary): number {
  const form = t.form;
  if (form.layoutFor !== vocab) {
    form.layoutFacts = factsOf(t, vocab);
    form.layoutFor = vocab;
  }
  return form.layoutFacts;
}

/** The layout facts of every token (bits above), each form's worked out once for this vocabulary. */
function tokenFacts(tokens: Token[], vocab: TextVocabulary, out: Uint32Array): void {
  for (let i = 0; i < tokens.length; i++) out[i] = formFacts(tokens[i], vocab);
}

/**
 * Whether only white space stands between the start of the line and token i. The passes below
 * that need where a token's line starts keep it as they go (an array of line starts and one of
 * parenthesis depths, made for every document, cost more than the passes that read them).
 */
const firstOnLine = (facts: Uint32Array, i: number) => i === 0 || (facts[i - 1] & NEWLINE) !== 0;

const spaceAfter = (text: string, t: Token) => t.end >= text.length || isWhiteSpace(text.charCodeAt(t.end));
const spaceBefore = (text: string, t: Token) => t.start === 0 || isWhiteSpace(text.charCodeAt(t.start - 1));

/** A marker's own token: one or two digits, or one letter. */
const markerWord = (t: Token) => t.kind === 'word' && ((t.shape === 'd' && t.text.length <= 2) || t.text.length === 1);

function markItems(text: string, tokens: Token[], facts: Uint32Array, kind: Uint8Array): void {
  // "N." inline counts only as part of a run (1. ... 2. ...) on one line: "stage 2. Pt" is a sentence end.
  const inlineDots: { tok: number; n: number; line: number }[] = [];
  let line = 0; // the first token of token i's line
  // Open parentheses on the line before token i and before token i - 1 (a "1)" inside "(grade 1)" is no item).
  let depth = 0;
  let depthBefore = 0;
  for (let i = 0; i < tokens.length; i++) {
    const f = facts[i];
    if (f & NEWLINE) depth = 0;
    if (f & MARKER) markItemAt(text, tokens, facts, kind, i, line, depth, depthBefore, inlineDots);
    depthBefore = depth;
    if (f & OPEN) depth++;
    else if (f & CLOSE && depth > 0) depth--;
    if (f & NEWLINE) line = i + 1;
  }
  for (let k = 0; k < inlineDots.length; k++) {
    const d = inlineDots[k];
    const before = inlineDots[k - 1];
    const after = inlineDots[k + 1];
    const chained = (before && before.line === d.line && before.n === d.n - 1) || (after && after.line === d.line && after.n === d.n + 1);
    if (chained) kind[d.tok] = Break.Item;
  }
}

/**
 * Whether the marker word at token i opens an item ("1)", "(a)", "2."), on a line starting at token
 * `line`, with `depth` parentheses open before it and `depthBefore` before the token before it.
 */
function markItemAt(
  text: string,
  tokens: Token[],
  facts: Uint32Array,
  kind: Uint8Array,
  i: number,
  line: number,
  depth: number,
  depthBefore: number,
  inlineDots: { tok: number; n: number; line: number }[],
): void {
  const t = tokens[i];
  const next = tokens[i + 1];
  if (!next || next.start !== t.end || !spaceAfter(text, next)) return;
  const prev = tokens[i - 1];
  const parenOpen = prev && prev.text === '(' && prev.end === t.start;
  if (next.text === ')') {
    const at = parenOpen ? i - 1 : i;
    if (!spaceBefore(text, tokens[at])) return;
    if ((parenOpen ? depthBefore : depth) > 0) return; // "(grade 1)"
    if (t.shape !== 'd' && !parenOpen && !firstOnLine(facts, at)) return; // "vitamin D) " is no item
    kind[at] = Break.Item;
  } else if (next.text === '.' && t.shape === 'd' && !parenOpen) {
    if (!spaceBefore(text, t)) return;
    const after = tokens[i + 2];
    if (!after || after.kind === 'newline') return;
    if (firstOnLine(facts, i) || (BULLETS.has(tokens[i - 1].text) && firstOnLine(facts, i - 1))) kind[i] = Break.Item;
    else inlineDots.push({ tok: i, n: Number(t.text), line });
  }
}

function markBullets(text: string, tokens: Token[], facts: Uint32Array, kind: Uint8Array): void {
  for (let i = 0; i < tokens.length; i++) {
    if (!(facts[i] & BULLET) || !firstOnLine(facts, i)) continue;
    const t = tokens[i];
    if (t.kind === 'punct' && spaceAfter(text, t) && tokens[i + 1]?.kind !== 'newline') kind[i] = Break.Bullet;
  }
}

/**
 * A field label inside a line: the words before a colon (followed by white space), read back as
 * far as they keep one case: "POSTOPERATIVE DIAGNOSIS:", "Menstrual History:", or lower-case words
 * back to a capital or the line start ("past medical history:"). Prose with a colon ("the
 * following: ...") is no label: its lower-case words run back further than a label's.
 */
function labelStart(tokens: Token[], facts: Uint32Array, colon: number): number {
  const last = colon - 1;
  const p = tokens[last];
  if (!p || p.kind !== 'word' || p.shape === 'd' || p.end !== tokens[colon].start) return -1;
  const pf = facts[last];
  let mode = pf & UPPER ? 'upper' : pf & TITLE ? 'title' : pf & LOWER ? 'lower' : 'other';
  if (mode === 'other') return -1;
  let start = last;
  let words = 1;
  for (let k = last - 1; k >= 0 && !(facts[k] & NEWLINE); k--) {
    const t = tokens[k];
    const f = facts[k];
    if (t.kind !== 'word') {
      if (IN_LABEL.has(t.text)) continue;
      return start; // a stop: the label runs from the word after it
    }
    if (words >= MAX_LABEL_WORDS) return start;
    if (mode === 'upper') {
      // a test's name before its method or antibody in capitals ("Syphilis EIA:"): one word in
      // capitals, then the label reads on back in title case
      if (f & TITLE && words === 1) mode = 'title';
      else if (!(f & UPPER) && t.shape !== 'd' && !/^X+d/.test(t.shape)) return start;
    } else if (mode === 'title') {
      // and an acronym before one word in title case ("HCV Ab:")
      if (f & UPPER && words === 1) mode = 'upper';
      else if (!(f & TITLE)) return start;
    } else {
      // lower case: back to (and including) a capitalised word, within a few words
      if (f & (TITLE | UPPER)) return k;
      if (!(f & LOWER) || words >= MAX_LOWER_LABEL_WORDS) return -1;
    }
    start = k;
    words++;
  }
  return start; // the line's start
}

function markLabels(text: string, tokens: Token[], facts: Uint32Array, kind: Uint8Array): void {
  let line = 0; // the first token of token i's line
  for (let i = 1; i < tokens.length; i++) {
    if (facts[i - 1] & NEWLINE) line = i;
    if (!(facts[i] & COLON) || !spaceAfter(text, tokens[i])) continue;
    let s = labelStart(tokens, facts, i);
    if (s < 0) continue;
    // Inside a line, a label opens a new field only after another field ("Complications: nil
    // Findings:"), a column gap or a full stop; else the whole line before the colon is the
    // label ("Chlamydia trachomatis NAAT: not detected", "DV enquiry, seen alone: denies").
    if (s > line && tokens[s - 1].text === ',') continue; // "DV enquiry, seen alone: denies" is one clause
    if (s > line && !fieldBefore(text, tokens, line, s)) s = line;
    if (kind[s] === Break.None) kind[s] = Break.Label;
  }
}

/** Whether a field ends just before token s, on a line starting at token `line`. */
function fieldBefore(text: string, tokens: Token[], line: number, s: number): boolean {
  const prev = tokens[s - 1];
  if (prev.text === '.' || prev.text === ';') return true;
  if (tokens[s].start - prev.end >= 2 && /^ +$/.test(text.slice(prev.end, tokens[s].start))) return true;
  for (let k = line; k < s; k++) if (tokens[k].text === ':') return true;
  return false;
}

/** ", she ..." / "and he ...": a subject pronoun after a comma or a coordinator opens a clause of its own. */
function markClauses(facts: Uint32Array, kind: Uint8Array): void {
  for (let i = 1; i < facts.length; i++) {
    const f = facts[i];
    if (!(f & WORD) || !(f & (SUBJECT | OWNER)) || kind[i] !== Break.None || !(f & SUBJECT || ownedSubject(facts, i))) continue;
    const prev = facts[i - 1];
    if (prev & COMMA || (prev & WORD && prev & JOINER)) kind[i] = Break.Clause;
  }
}

/**
 * "her partner checks it", "my mum says": a possessive and a person, then a word that is not a
 * joiner, open a clause of their own. Without the word after, they are an item of a list ("no
 * contact with friends, her husband or children").
 */
function ownedSubject(facts: Uint32Array, i: number): boolean {
  if (i + 2 >= facts.length) return false;
  const noun = facts[i + 1];
  const next = facts[i + 2];
  return (facts[i] & OWNER) !== 0 && (noun & WORD) !== 0 && (noun & NOUN) !== 0 && (next & WORD) !== 0 && (next & JOINER) === 0;
}

/** The three prefix counts of boundaries (see Layout), in one pass. */
function prefixCounts(kind: Uint8Array, { breaks, labels, structural }: LayoutArrays): void {
  let b = 0;
  let l = 0;
  let s = 0;
  for (let i = 0; i < kind.length; i++) {
    const k = kind[i];
    if (k !== Break.None) {
      b++;
      if (k === Break.Label) l++;
      if (k !== Break.Clause) s++;
    }
    breaks[i + 1] = b;
    labels[i + 1] = l;
    structural[i + 1] = s;
  }
}

// ---------------------------------------------------------------------------------------------
// Forms: questions and items with their answers
// ---------------------------------------------------------------------------------------------

/**
 * What may stand between an item and its answer: a question mark, leader dots, a column gap, a
 * colon, a spaced dash. Read over the whole text, never across a line break (its white space is
 * any but \n), so it finds on each line what it would find reading that line alone.
 */
const SEPARATOR = /\?|\.{3,}|…+|[ ]{2,}|:(?=\s|$)|[^\S\n][-–][^\S\n]/g;
/** An answer, with how it was asked and a remark, is read from this many characters at most (a long line is not read again and again). */
const ANSWER_READ = 80;
/** A speaker's label at the start of a line ("Patient:", "Guest_family_2:"). */
const SPEAKER = /^\s*[A-Za-z][A-Za-z_]{0,20}\d{0,2}\s*:\s*/;
/**
 * Leader characters between a separator and its answer: dots, dashes, an arrow ("-> No", "→ No")
 * or an equals sign, and the closing quote of a quoted question ('"Any history of ...?" - No').
 */
const LEADER = /[\s.…:_\-–—>→⇒=”"’']*/y;
/** A comma or semicolon and the white space after it ("accepted, result"). */
const COMMA_LEAD = /[,;]\s*/y;

/** Where the sticky regex `re` stops matching from `at` (at itself when it does not match). */
function after(re: RegExp, s: string, at: number): number {
  re.lastIndex = at;
  return re.test(s) ? re.lastIndex : at;
}

interface Answer {
  answer: FormItem['answer'];
  /** offsets of the answer inside the text it was read from */
  start: number;
  end: number;
}

/** Where an answer ends: at a remark's separator or at its sentence's full stop (the first match; no match, the whole). */
const ANSWER_END = /\s*(?:;|,|\(|[ ]{2,}|\s[-–—]\s|\s[-–—]$|\.(?=\s))/;

/**
 * The answer written at the start of `rest`, or undefined when what follows is not a bare
 * answer. Leading words that say how it was asked ("asked -", "accepted, result") are passed
 * over; a short remark may follow the answer ("No; ESS 4", "Yes - ramipril", "Y (inhaler)").
 */
function readAnswer(rest: string, vocab: TextVocabulary): Answer | undefined {
  let at = after(LEADER, rest, 0);
  for (let guard = 0; guard < 4; guard++) {
    const lead = vocab.answerLead.exec(rest.slice(at));
    if (!lead) break;
    at += lead[0].length;
    // Leader characters, or else a comma (no leader character is one).
    const leader = after(LEADER, rest, at);
    at = leader > at ? leader : after(COMMA_LEAD, rest, at);
  }
  const r = rest.slice(at);
  if (!r.trim()) return undefined;
  // Tick boxes: "[X] No  [ ] Yes" - the ticked one is the answer.
  if (r.startsWith('[')) {
    const ticked = /\[\s*[xX✓✔]\s*\]\s*([A-Za-z/]+)/.exec(r);
    if (!ticked || !/^(?:\[[^\]]{0,2}\]\s*[A-Za-z/]+\s*)+$/.test(r.trimEnd())) return undefined;
    const a = classify(ticked[1], vocab);
    return a ? { answer: a, start: at, end: rest.length } : undefined;
  }
  if (!mayBeAnswer(r, vocab)) return undefined;
  // The answer ends at a remark's separator or at its sentence's full stop ("Domestic abuse -
  // asked, nil. FGM - asked, not applicable.": each field is answered by one word).
  const end = ANSWER_END.exec(r);
  let head = end ? r.slice(0, end.index) : r;
  if (head.endsWith('.')) head = head.slice(0, -1);
  head = head.trimEnd();
  const a = classify(head, vocab);
  return a ? { answer: a, start: at, end: at + head.length } : undefined;
}

/**
 * Whether `r` may begin a whole answer: false only when it begins with an ASCII letter or digit
 * that no answer begins with (vocab.answerStarts). Most separators are followed by a field's
 * value or the next sentence, not an answer, and this spares them finding the answer's end and
 * the three answer regexes. A zero may stand for an O (see classify).
 */
function mayBeAnswer(r: string, vocab: TextVocabulary): boolean {
  const starts = vocab.answerStarts;
  if (starts === undefined) return true;
  const c = r.charCodeAt(0);
  const lower = c | 32; // an ASCII letter's lower case; a digit's own code
  if (!((c >= 48 && c <= 57) || (lower >= 97 && lower <= 122))) return true;
  return starts.includes(String.fromCharCode(lower)) || (c === 48 && starts.includes('o'));
}

function classify(raw: string, vocab: TextVocabulary): FormItem['answer'] | undefined {
  // A scanned form's answer read with a zero for an O ("N0"): only a word of letters with zeros.
  const word = raw.includes('0') && /^[A-Za-z]*0[A-Za-z0]*$/.test(raw) && /[A-Za-z]/.test(raw) ? raw.replace(/0/g, 'O') : raw;
  if (vocab.answerNo.test(word)) return 'no';
  if (vocab.answerYes.test(word)) return 'yes';
  if (vocab.answerUnknown.test(word)) return 'unknown';
  return undefined;
}

/**
 * Each token's end offset, in one array: the forms pass looks tokens up by offset at every
 * separator, and a binary search over this touches no token object.
 */
function tokenEnds(tokens: Token[], ends: Int32Array): Int32Array {
  for (let i = 0; i < tokens.length; i++) ends[i] = tokens[i].end;
  return ends;
}

/** First token index at or after a normalised offset, given every token's end (binary search). */
function tokenAt(ends: Int32Array, offset: number): number {
  let lo = 0;
  let hi = ends.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (ends[mid] <= offset) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Where the field that ends at `sep` starts, looking back no further than `lo`: at the last label,
 * list item or bullet, after a column gap or a semicolon ("HIV: positive   Syphilis: negative"
 * is two fields, and only the second is answered negative).
 */
function fieldStart(text: string, tokens: Token[], kind: Uint8Array, lo: number, sep: number): number {
  for (let k = sep - 1; k > lo; k--) {
    const t = tokens[k];
    if (kind[k] === Break.Label || kind[k] === Break.Item || kind[k] === Break.Bullet) return k;
    if (t.text === ';') return k + 1;
    if (t.start >= 2 && text[t.start - 1] === ' ' && text[t.start - 2] === ' ' && tokens[k - 1].kind !== 'newline') return k;
  }
  return lo;
}

/** The item's first token: past a list marker or a bullet. */
function skipMarker(tokens: Token[], kind: Uint8Array, from: number, to: number): number {
  let i = from;
  if (i < to && kind[i] === Break.Item) i += tokens[i].text === '(' ? 3 : 2; // "(a)", "1)", "2."
  else if (i < to && kind[i] === Break.Bullet) i++;
  return Math.min(i, to);
}

/**
 * Form items: a question or a field with its answer on the same line ("Any cancer?   No",
 * "Hx of HIV, hepatitis B or C ........ No", "FGM: N/A", "5. ... [X] No  [ ] Yes"), and
 * questions put as a form puts them with no answer written ("Has the applicant ever had
 * hepatitis, HIV or a psychiatric illness?"), whose answer may stand alone on the next line.
 * Only lines with a separator can hold one (a question mark is one), so only those are read.
 */
function findForms(text: string, tokens: Token[], sentences: Sentence[], sentenceOf: Int32Array, kind: Uint8Array, endsBuffer: Int32Array, vocab: TextVocabulary): FormItem[] {
  const out: FormItem[] = [];
  SEPARATOR.lastIndex = 0;
  let x = SEPARATOR.exec(text);
  if (!x) return out;
  const ends = tokenEnds(tokens, endsBuffer);
  while (x) {
    const ls = text.lastIndexOf('\n', x.index) + 1;
    const nl = text.indexOf('\n', x.index);
    x = formsOnLine(text, ls, nl < 0 ? text.length : nl, x, tokens, ends, sentences, sentenceOf, kind, vocab, out);
  }
  return out;
}

/**
 * The form items of the line [ls, le), whose first separator is `x`; returns the first separator
 * after the line.
 */
function formsOnLine(
  text: string,
  ls: number,
  le: number,
  x: RegExpExecArray | null,
  tokens: Token[],
  ends: Int32Array,
  sentences: Sentence[],
  sentenceOf: Int32Array,
  kind: Uint8Array,
  vocab: TextVocabulary,
  out: FormItem[],
): RegExpExecArray | null {
  const line = text.slice(ls, le);
  if (!line.trim()) {
    while (x && x.index < le) x = SEPARATOR.exec(text);
    return x;
  }
  const firstTok = tokenAt(ends, ls);
  let doneTo = 0; // offset in the line up to which an answer has been read
  let itemFloor = firstTok;
  let answeredQuestion = false;
  for (; x && x.index < le; x = SEPARATOR.exec(text)) {
    const at = x.index - ls; // offset of the separator in the line
    if (at < doneTo) continue;
    const sepEnd = at + x[0].length;
    const a = readAnswer(line.slice(sepEnd, sepEnd + ANSWER_READ), vocab);
    if (!a) continue;
    const sepTok = tokenAt(ends, ls + at);
    const isQ = x[0] === '?';
    // The item: the separator's sentence (a question's, or a field's, joined to the line before
    // when it runs on), never further back than the field before it on the same line.
    // The item never reaches past the start of the separator's sentence ("Previous TOP 2019.
    // DA routine enquiry - none disclosed": only the enquiry is answered).
    const si = sentenceOf[sepTok];
    let lo = si >= 0 ? sentences[si].firstToken : firstTok;
    if (itemFloor > firstTok) lo = Math.max(lo, itemFloor);
    const start = skipMarker(tokens, kind, fieldStart(text, tokens, kind, lo, sepTok), sepTok);
    if (sepTok > start) out.push({ start, end: sepTok, answer: a.answer, answerStart: ls + sepEnd + a.start, answerEnd: ls + sepEnd + a.end });
    doneTo = sepEnd + a.end;
    itemFloor = tokenAt(ends, ls + doneTo);
    if (isQ) answeredQuestion = true;
  }
  // A question with no answer on its line (the answer may stand alone on the next line), or a
  // form's question quoted inside a line ("Form rec'd: 'Is there anything in ... health?' Replied").
  const q = line.lastIndexOf('?');
  if (answeredQuestion || q < 0) return x;
  const opening = line.slice(q + 1).trim() === '' ? -1 : quoteOpening(line, q);
  if (opening === -2) return x;
  const qTok = tokenAt(ends, ls + q);
  const si = sentenceOf[qTok];
  if (si < 0) return x;
  const s = sentences[si];
  const floor = opening >= 0 ? Math.max(itemFloor, tokenAt(ends, ls + opening + 1)) : itemFloor;
  const start = skipMarker(tokens, kind, Math.max(s.firstToken, floor), qTok);
  if (qTok <= start) return x;
  const body = text.slice(tokens[start].start, ls + q + 1);
  // Asked as a form asks: listed (numbered, "Q:"), opening "Any ...", or a yes/no question put
  // to the person the form is about. A clinician's own query ("Is this NAI?") is not one.
  // (a quoted question is listed only by its own words: where it opens is no list marker)
  const listed = (opening < 0 && start > s.firstToken) || vocab.formQuestionLabel.test(body) || vocab.formOpener.test(body);
  if (!listed && !(vocab.yesNoQuestion.test(body) && vocab.formAddressed.test(body))) return x;
  // An answer alone at the start of the next line, perhaps after its speaker ("Patient: No.").
  if (opening < 0 && le < text.length) {
    const ns = le + 1;
    const nl = text.indexOf('\n', ns);
    const nextText = text.slice(ns, nl < 0 ? text.length : nl);
    const speaker = SPEAKER.exec(nextText)?.[0].length ?? 0;
    const a = readAnswer(nextText.slice(speaker, speaker + ANSWER_READ), vocab);
    if (a) {
      out.push({ start, end: qTok, answer: a.answer, answerStart: ns + speaker + a.start, answerEnd: ns + speaker + a.end });
      return x;
    }
  }
  out.push({ start, end: qTok, answer: 'open', answerStart: ls + q, answerEnd: ls + q + 1 });
  return x;
}

/**
 * Where the quote opens that the question mark at q closes ("... rec'd: 'Is there ...?' Replied"):
 * its offset in the line, or -2 when the question is not a quoted one (a closing quote right
 * after the mark, its opening one after a space, a colon or the line's start).
 */
function quoteOpening(line: string, q: number): number {
  const close = line.charCodeAt(q + 1);
  if (!QUOTE_CLOSE.has(close)) return -2;
  for (let i = q - 1; i >= 0; i--) {
    const c = line.charCodeAt(i);
    if (QUOTE_OPEN.has(c) && (i === 0 || isWhiteSpace(line.charCodeAt(i - 1)) || line[i - 1] === ':')) return i;
  }
  return -2;
}
/** Quote marks that may close and open a quoted question: straight and curly, single and double. */
const QUOTE_CLOSE = new Set([0x27, 0x22, 0x2019, 0x201d]);
const QUOTE_OPEN = new Set([0x27, 0x22, 0x2018, 0x201c]);

/** The typed arrays of one layout: the prefix counts it gives, and the working arrays they are counted from. */
interface LayoutArrays extends Pick<Layout, 'breaks' | 'labels' | 'structural'> {
  /** each token's layout facts (the bits above) */
  facts: Uint32Array;
  /** what starts at each token (Break) */
  kind: Uint8Array;
  /** each token's end offset (tokenEnds) */
  ends: Int32Array;
}

/**
 * All of a layout's typed arrays in one buffer: a typed array of its own for each, made for every
 * document, cost more than the passes that fill them. (The working arrays live on in the buffer
 * while the layout does, at 9 bytes a token.)
 */
function layoutArrays(tokens: number): LayoutArrays {
  const n = tokens + 1;
  const buffer = new ArrayBuffer(12 * n + 9 * tokens);
  // The four-byte arrays first, so that every view starts at a multiple of its element size.
  return {
    breaks: new Int32Array(buffer, 0, n),
    labels: new Int32Array(buffer, 4 * n, n),
    structural: new Int32Array(buffer, 8 * n, n),
    ends: new Int32Array(buffer, 12 * n, tokens),
    facts: new Uint32Array(buffer, 12 * n + 4 * tokens, tokens),
    kind: new Uint8Array(buffer, 12 * n + 8 * tokens, tokens),
  };
}

export function findLayout(text: string, tokens: Token[], sentences: Sentence[], sentenceOf: Int32Array, vocab: TextVocabulary): Layout {
  const arrays = layoutArrays(tokens.length);
  const { facts, kind } = arrays;
  tokenFacts(tokens, vocab, facts);
  markItems(text, tokens, facts, kind);
  markBullets(text, tokens, facts, kind);
  markLabels(text, tokens, facts, kind);
  markClauses(facts, kind);
  const forms = findForms(text, tokens, sentences, sentenceOf, kind, arrays.ends, vocab);
  let formOf: Int32Array | undefined;
  if (forms.length) {
    formOf = new Int32Array(tokens.length).fill(-1);
    forms.forEach((f, k) => {
      for (let i = f.start; i < f.end; i++) formOf![i] = k;
    });
  }
  prefixCounts(kind, arrays);
  return { breaks: arrays.breaks, labels: arrays.labels, structural: arrays.structural, forms, formOf };
}

/** Whether a boundary starts at any token in (from, to]. */
export function breakBetween(counts: Int32Array, from: number, to: number): boolean {
  if (to <= from) return false;
  return counts[Math.min(to + 1, counts.length - 1)] - counts[Math.min(from + 1, counts.length - 1)] > 0;
}
