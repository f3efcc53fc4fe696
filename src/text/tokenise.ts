
export type TokenKind = 'word' | 'punct' | 'newline';

export interface Token {
  /** offsets into the normalised text */
  start: number;
  end: number;
  text: string;
  lower: string;
  kind: TokenKind;
  /** word shape: X upper, x lower, d digit, collapsed ("Xxxx" -> "Xx", "NHS" -> "X") */
  shape: string;
  /** index of this token in the document's token list */
  index: number;
  /** hyphens, slashes and dashes between words do not count for term matching */
  skip: boolean;
  /** shared by every token with this text */
  form: TokenForm;
}

/**
 * What every occurrence of one token text shares: the text itself, its lower-case form and
 * shape, and a memo where the layers above keep per-form work (whatever they are: this layer
 * does not know), so a repeated token costs them no allocation and no string hashing.
 */
export interface TokenForm {
  text: string;
  lower: string;
  shape: string;
  /** memo slots: [owner, value] pairs at the indexes `claimMemoSlot` hands out */
  memo: unknown[];
  /**
   * This layer's own memo, read at every token (a field, not a memo slot, saves a read): the
   * layout's facts about the form (layout.ts) and the vocabulary they were worked out for.
   */
  layoutFacts: number;
  layoutFor: unknown;
  /**
   * The same for the lexicon matcher (lexicon/match.ts), which reads its step for the form at
   * every token: what it worked out, and the compiled lexicon it was for. A field is one load
   * where a memo slot is three (the form, its memo array, the slot).
   */
  matchStep: unknown;
  matchFor: unknown;
  /** The same for the person detector (rules/people-words.ts): the form's word bits, and the word lists they were worked out for. */
  peopleBits: number;
  peopleFor: unknown;
  /**
   * Not shared: a number of three digits or more (a date part, an NHS or phone number, an entry
   * number) is rarely seen twice, so it gets a form of its own that dies with its document, and
   * caches keyed by text leave it out (a backlog of numbered records otherwise fills every
   * per-form cache to its bound with numbers).
   */
  transient?: true;
}

let memoSlots = 0;
/**
 * A memo slot of every token form for one consumer: `form.memo[slot]` holds who computed
 * `form.memo[slot + 1]` (e.g. a compiled lexicon), so a consumer checks the owner before using it.
 */
export function claimMemoSlot(): number {
  const slot = memoSlots;
  memoSlots += 2;
  return slot;
}

/*
 * The token grammar, by code point:
 *   word:    [\p{L}\p{M}\p{N}]+ (?: ' [\p{L}\p{M}]+ )*   ("mum's", "o'brien", "2nd")
 *   newline: \n
 *   punct:   any single code point that is not whitespace, a letter, a mark or a number
 * Whitespace other than \n separates tokens and belongs to none. The scanner below is a
 * hand-written form of the regex /[\p{L}\p{M}\p{N}]+(?:'[\p{L}\p{M}]+)*|\n|[^\s\p{L}\p{M}\p{N}]/gu
 * (a test holds it to that regex on random text); it reads each code unit once and finds
 * the token's shared form without making a string, which the regex could not.
 */
const OTHER = 0;
const LETTER = 1; // \p{L} or \p{M}
const NUMBER = 2; // \p{N}
const SPACE = 3; // \s other than \n

const LETTER_OR_MARK = /^[\p{L}\p{M}]$/u;
const NUMBER_RE = /^\p{N}$/u;
const SPACE_RE = /^\s$/u;

function classifyCodePoint(cp: number): number {
  const ch = String.fromCodePoint(cp);
  if (LETTER_OR_MARK.test(ch)) return LETTER;
  if (NUMBER_RE.test(ch)) return NUMBER;
  if (SPACE_RE.test(ch)) return SPACE;
  return OTHER;
}

// Class of every BMP code unit, filled on first sight (0 = not yet known, else class + 1).
const bmpClass = new Uint8Array(0x10000);
for (let c = 0; c < 128; c++) bmpClass[c] = classifyCodePoint(c) + 1;

/** Class of the code point at i, and its width in code units (2 for a surrogate pair). */
let width = 1;
function classAt(text: string, i: number): number {
  const c = text.charCodeAt(i);
  if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
    const d = text.charCodeAt(i + 1);
    if (d >= 0xdc00 && d <= 0xdfff) {
      width = 2;
      return classifyCodePoint(((c - 0xd800) << 10) + (d - 0xdc00) + 0x10000);
    }
  }
  width = 1;
  const k = bmpClass[c];
  if (k !== 0) return k - 1;
  // A lone surrogate is not a letter, number or space: it stands alone as punctuation.
  const cls = c >= 0xd800 && c <= 0xdfff ? OTHER : classifyCodePoint(c);
  bmpClass[c] = cls + 1;
  return cls;
}

function shapeOf(text: string): string {
  let out = '';
  let last = '';
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    let c: string;
    if (code >= 48 && code <= 57) c = 'd';
    else if (code >= 65 && code <= 90) c = 'X';
    else if (code >= 97 && code <= 122) c = 'x';
    else if (code === 39) c = "'";
    else {
      const ch = text[i];
      c = ch !== ch.toLowerCase() ? 'X' : 'x';
    }
    if (c !== last) out += c;
    last = c;
  }
  return out;
}

/*
 * Shared forms, interned by an open-addressing table keyed on a hash of the code units, so a
 * token already seen is found by comparing characters in place. The table keeps each form's
 * code units in one array of its own (`chars`), a slot's hash, length and place there side by
 * side, and grows from small: a look-up reads a line of `meta` and the characters, not the form
 * object and its string, which was most of its cost.
 * Bounded for flat memory: when full it starts again empty (forms held by live tokens stay valid).
 */
const MAX_FORMS = 60_000;
const FIRST_SLOTS = 1 << 12; // doubled whenever half full, so probe runs stay short
const FIRST_CHARS = 1 << 16;
let slots = FIRST_SLOTS;
let mask = slots - 1;
/** four ints per slot: its hash, its length (0: an empty slot), where its code units start in `chars`, its form's index in `formList` */
let meta = new Int32Array(slots * 4);
/**
 * The forms in the order they were first seen. A slot names its form by index into this list,
 * read from the slot's own line of `meta`: the common words of a record are seen first, so their
 * forms sit together at the start of the list and stay in cache, where an array of forms by slot
 * scattered them over the whole table.
 */
let formList: TokenForm[] = [];
let chars = new Uint16Array(FIRST_CHARS);
let charsUsed = 0;
let formCount = 0;

function emptyTable(n: number): void {
  slots = n;
  mask = n - 1;
  meta = new Int32Array(n * 4);
  formCount = 0;
}

function place(h: number, at: number, len: number, index: number): void {
  let slot = h & mask;
  while (meta[slot * 4 + 1] !== 0) slot = (slot + 1) & mask;
  meta[slot * 4] = h;
  meta[slot * 4 + 1] = len;
  meta[slot * 4 + 2] = at;
  meta[slot * 4 + 3] = index;
  formCount++;
}

function growTable(): void {
  const m = meta;
  const n = slots;
  emptyTable(slots * 2);
  for (let k = 0; k < n; k++) if (m[k * 4 + 1] !== 0) place(m[k * 4], m[k * 4 + 2], m[k * 4 + 1], m[k * 4 + 3]);
}

/** Copy text[start, end) into `chars`; where it starts there. */
function keepChars(text: string, start: number, end: number): number {
  const len = end - start;
  if (charsUsed + len > chars.length) {
    const more = new Uint16Array(Math.max(chars.length * 2, charsUsed + len));
    more.set(chars.subarray(0, charsUsed));
    chars = more;
  }
  const at = charsUsed;
  for (let k = 0; k < len; k++) chars[at + k] = text.charCodeAt(start + k);
  charsUsed += len;
  return at;
}

/**
 * One string for each distinct word shape, shared by every form of that shape: the layers above
 * compare shapes at every token, and a few shared strings stay in cache where a string of each
 * form's own did not. Bounded (shapes of odd words are many): past it a shape is its own string.
 */
const SHAPES = new Map<string, string>();
const MAX_SHAPES = 4096;
function sharedShape(shape: string): string {
  const known = SHAPES.get(shape);
  if (known !== undefined) return known;
  if (SHAPES.size < MAX_SHAPES) SHAPES.set(shape, shape);
  return shape;
}

// Every form has the same fields in the same order, `transient` included, so that code reading
// forms sees one object shape (a number's form had been a copy with the field added).
function newForm(s: string, word: boolean, transient?: true): TokenForm {
  return word
    ? { text: s, lower: s.toLowerCase(), shape: sharedShape(shapeOf(s)), memo: [], layoutFacts: 0, layoutFor: undefined, matchStep: undefined, matchFor: undefined, peopleBits: 0, peopleFor: undefined, transient }
    : { text: s, lower: s, shape: s, memo: [], layoutFacts: 0, layoutFor: undefined, matchStep: undefined, matchFor: undefined, peopleBits: 0, peopleFor: undefined, transient };
}

const NEWLINE_FORM: TokenForm = newForm('\n', false);

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;
const mix = (h: number) => h ^ (h >>> 15);

function hashOf(text: string, start: number, end: number): number {
  let h = FNV_OFFSET;
  for (let k = start; k < end; k++) h = Math.imul(h ^ text.charCodeAt(k), FNV_PRIME);
  return mix(h);
}

/** The shared form of text[start, end), whose hash is `h` (from hashOf). */
function formAt(text: string, start: number, end: number, word: boolean, h: number): TokenForm {
  const len = end - start;
  for (let slot = h & mask; ; slot = (slot + 1) & mask) {
    const m = slot << 2;
    const l = meta[m + 1];
    if (l === 0) break;
    if (meta[m] !== h || l !== len) continue;
    const at = meta[m + 2];
    let k = 0;
    while (k < len && chars[at + k] === text.charCodeAt(start + k)) k++;
    if (k === len) return formList[meta[m + 3]];
  }
  const f = newForm(text.slice(start, end), word);
  if (formCount >= MAX_FORMS) {
    emptyTable(slots);
    formList = [];
    // A very long token once seen does not keep its room for ever.
    if (chars.length > FIRST_CHARS * 16) chars = new Uint16Array(FIRST_CHARS);
    charsUsed = 0;
  } else if (2 * formCount >= slots) growTable();
  place(h, keepChars(text, start, end), len, formList.length);
  formList.push(f);
  return f;
}

/** A number's own form (see TokenForm.transient): digits are their own lower case and shape class. */
function numberForm(s: string): TokenForm {
  return newForm(s, true, true);
}

// One-character ASCII tokens (punctuation, "a", "I", digits) are a quarter of all tokens:
// their forms sit in a fixed table, never cleared.
const asciiForms: (TokenForm | undefined)[] = new Array(128).fill(undefined);
function asciiForm(code: number, word: boolean): TokenForm {
  let f = asciiForms[code];
  if (f === undefined) {
    f = newForm(String.fromCharCode(code), word);
    asciiForms[code] = f;
  }
  return f;
}

// ASCII letters and digits: the words of almost every record, read without a class look-up.
const ASCII_WORD = new Uint8Array(128);
for (let c = 0; c < 128; c++) ASCII_WORD[c] = bmpClass[c] - 1 === LETTER || bmpClass[c] - 1 === NUMBER ? 1 : 0;

const SKIP_CODES = new Set([45, 47, 92, 95, 126]); // - / \ _ ~

function makeToken(tokens: Token[], start: number, end: number, kind: TokenKind, form: TokenForm, skip: boolean): void {
  tokens.push({ start, end, text: form.text, lower: form.lower, kind, shape: form.shape, index: tokens.length, skip, form });
}

/** Tokenise normalised text. Offsets are exact; every character is in at most one token. */
export function tokenise(text: string): Token[] {
  const tokens: Token[] = [];
  const n = text.length;
  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 10) {
      makeToken(tokens, i, i + 1, 'newline', NEWLINE_FORM, true);
      i++;
      continue;
    }
    if (c === 32) {
      i++;
      continue;
    }
    const cls = classAt(text, i);
    if (cls === SPACE) {
      i += width;
      continue;
    }
    if (cls === OTHER) {
      const end = i + width;
      const form = width === 1 && c < 128 ? asciiForm(c, false) : formAt(text, i, end, false, hashOf(text, i, end));
      makeToken(tokens, i, end, 'punct', form, width === 1 && SKIP_CODES.has(c));
      i = end;
      continue;
    }
    // The word's hash is built as it is read, while it stays in ASCII.
    let j = i + width;
    let ascii = c < 128;
    let digits = c >= 48 && c <= 57;
    let h = Math.imul(FNV_OFFSET ^ c, FNV_PRIME);
    while (j < n) {
      const d = text.charCodeAt(j);
      if (d < 128) {
        if (ASCII_WORD[d] === 0) break;
        if (d > 57) digits = false;
        h = Math.imul(h ^ d, FNV_PRIME);
        j++;
        continue;
      }
      const k = classAt(text, j);
      if (k !== LETTER && k !== NUMBER) break;
      ascii = false;
      digits = false;
      j += width;
    }
    // Inner apostrophes, each followed by at least one letter or mark.
    while (j + 1 < n && text.charCodeAt(j) === 39 && classAt(text, j + 1) === LETTER) {
      ascii = false;
      digits = false;
      j += 1 + width;
      while (j < n && classAt(text, j) === LETTER) j += width;
    }
    if (digits && j - i >= 3) {
      makeToken(tokens, i, j, 'word', numberForm(text.slice(i, j)), false);
      i = j;
      continue;
    }
    const form =
      j === i + 1 && c < 128 ? asciiForm(c, true) : formAt(text, i, j, true, ascii ? mix(h) : hashOf(text, i, j));
    makeToken(tokens, i, j, 'word', form, false);
    i = j;
  }
  return tokens;
}

/**
 * Token index range [a, b) of the tokens that overlap the text span [start, end): a is the
 * first token ending after start (binary search), b the first starting at or after end.
 * b <= a when the span covers no token.
 */
export function tokensCovering(tokens: Token[], start: number, end: number): [number, number] {
  let lo = 0;
  let hi = tokens.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (tokens[mid].end <= start) lo = mid + 1;
    else hi = mid;
  }
  let b = lo;
  while (b < tokens.length && tokens[b].start < end) b++;
  return [lo, b];
}
