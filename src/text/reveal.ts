/**
 * Words a reader reads whole and a matcher would not: a word broken across a line with a hyphen
 * ("MA-\nRAC", "abu-\nse", common in wrapped and scanned letters), letters spaced or dotted
 * apart ("M A R A C", "M.A.R.A.C."), and a word with `*`, `_` or `'` put inside it ("MA*RAC",
 * "ab_use"). Each is joined only when the joined word is one the lexicons know, so ordinary
 * hyphenated compounds ("follow-\nup"), initials and contractions stay as written. The offset
 * map is kept: a finding on the joined word points at the whole of it in the original.
 */
import { mapped, type Normalised } from './normalise.js';

/** Is this lower-case word one the lexicons use (as written, or by its stem)? */
export type KnownWord = (lower: string) => boolean;

// A word spelt out: letters or digits each apart from the next by the same one character (a
// space, dot, asterisk, underscore or hyphen), "M A R A C", "M.A.R.A.C.", "a*b*u*s*e", "0 7 7 0 0",
// punctuation within it spelt out too ("L e a n n e ' s"); or a word with asterisks, underscores
// or apostrophes inside it, "MA*RAC", "ab_use". Then a hyphen at a line break between letters
// ("MA-\nRAC").
const SPELT = /(?<![\p{L}\p{N}]|[\p{L}\p{N}][.*_-])[\p{L}\p{N}]([ .*_-])[\p{L}\p{N}](?![\p{L}\p{N}])(?:\1[\p{L}\p{N}\p{P}\p{S}](?![\p{L}\p{N}]))*(?<=[\p{L}\p{N}])(?![.*_-][\p{L}\p{N}])\.?/uy;
const INSIDE = /(?<![\p{L}\p{N}])\p{L}+(?:[*_']+\p{L}+)+(?![\p{L}\p{N}])/uy;
const HOTSPOT = /\b[A-Za-z0-9][ .*_-][A-Za-z0-9]\b|[A-Za-z][*_'][A-Za-z]|-[ \t]*\n/g;
// A hyphen at a line break between letters.
const CANDIDATE = /-[ \t]*\n[ \t]*(?=\p{L})/uy;
const LETTERS_BEFORE = /\p{L}+$/u;
const LETTERS_AFTER = /^\p{L}+/u;
// "he's", "don't", "partner's", "we'll": an apostrophe before these is English, not disguise.
const CONTRACTION = /(?:'(?:s|d|ll|re|ve|m)|n't)$/iu;
// Built once here: the build writes a literal with \p{...} as `new RegExp(...)`, which in a
// function would make a new regex object at every call.
const LETTER = /\p{L}/u;
const LETTERS = /^\p{L}+$/u;
const DIGITS = /^\p{N}+$/u;
/** How far back and forward a broken word's halves are looked for. */
const HALF = 40;

interface Disguised {
  at: number;
  end: number;
  /** how it is disguised: the separator of a spelt-out word, or the symbol inside a word */
  sep: string;
  /** its letters and digits (left empty for an ordinary word with symbols inside: never read) */
  word: string;
  /** spelt out, or with symbols inside */
  spelt: boolean;
  /** it reads as an English contraction ("he's"), or a decimal ("2.5") */
  ordinary: boolean;
}

/**
 * Between two disguised words of a passage: spaces, punctuation and words of one or two
 * characters ("3", "a", "in", "/"), which a disguise leaves alone or spells out to themselves.
 */
function gapOk(text: string, from: number, to: number): boolean {
  return to - from <= 12 && text.slice(from, to).split(/\s+/).every((t) => [...t].length <= 2);
}

/**
 * `norm` with disguised words joined; the same object when there is nothing to join.
 *
 * A disguised word on its own is joined only when the joined word is one the lexicons know, so
 * initials ("J R T"), contractions, decimals and ordinary text stay as written. Two or more in a
 * row disguised the same way ("D i s c l o s e d   t h a t", "t*h*e p*a*r*t*n*e*r") are a
 * disguised passage: every word in it is joined, known or not, because the words between the
 * lexicon's ("to", "her") carry the meaning too, and the gaps between them shrink to one space.
 * A passage needs two words that are not ordinary English ("ma'am. You're" is not one).
 */
export function reveal(norm: Normalised, known: KnownWord): Normalised {
  const text = norm.text;
  const found: Disguised[] = [];
  const cuts: number[] = []; // [from, to) pairs of normalised offsets to remove
  // One fast pass finds the few places worth a closer look: a space, dot, asterisk, underscore
  // or hyphen between two single letters or digits; an asterisk, underscore or apostrophe
  // between letters; a hyphen at a line break. (ASCII classes: normalise() has already folded
  // look-alike and accented letters to ASCII.)
  HOTSPOT.lastIndex = 0;
  for (let m = HOTSPOT.exec(text); m; m = HOTSPOT.exec(text)) {
    const i = m.index;
    if (m[0][0] === '-') {
      if (!isAlnum(text, i - 1)) continue;
      CANDIDATE.lastIndex = i;
      const lb = CANDIDATE.exec(text);
      if (!lb) continue;
      // A line-break hyphen: the word is the letters before and after it.
      const before = LETTERS_BEFORE.exec(text.slice(Math.max(0, i - HALF), i))?.[0] ?? '';
      const after = LETTERS_AFTER.exec(text.slice(i + lb[0].length, i + lb[0].length + HALF))?.[0] ?? '';
      if (known((before + after).toLowerCase())) cuts.push(i, i + lb[0].length);
      continue;
    }
    const symbol = m[0][1] === '*' || m[0][1] === '_' || m[0][1] === "'";
    const from = symbol ? wordStart(text, i) : i;
    if (found.length && from < found[found.length - 1].end) continue;
    SPELT.lastIndex = from;
    const spelt = m[0][1] !== "'" ? SPELT.exec(text) : null;
    if (spelt) {
      const word = spelt[0].replace(/[^\p{L}\p{N}]/gu, '');
      found.push({ at: from, end: from + spelt[0].length, sep: spelt[1], word, spelt: true, ordinary: spelt[1] === '.' && DIGITS.test(word) });
      HOTSPOT.lastIndex = Math.max(HOTSPOT.lastIndex, from + spelt[0].length);
      continue;
    }
    HOTSPOT.lastIndex = i + 1; // "3 t.o": the next letter may start a word of its own
    if (!symbol) continue;
    INSIDE.lastIndex = from;
    const inside = INSIDE.exec(text);
    if (inside) {
      const sym = /[*_']/.exec(inside[0])![0];
      const ordinary = sym === "'" && CONTRACTION.test(inside[0]);
      found.push({ at: from, end: from + inside[0].length, sep: sym, word: ordinary ? '' : inside[0].replace(/[^\p{L}]/gu, ''), spelt: false, ordinary });
      HOTSPOT.lastIndex = Math.max(HOTSPOT.lastIndex, from + inside[0].length);
    }
  }
  // Passages: runs of disguised words, disguised alike, only spaces and punctuation apart.
  // (Read in place, found[k] to found[e - 1]: most runs are one ordinary word, and copying each
  // into an array of its own cost more than the rest of the pass.)
  for (let k = 0; k < found.length; ) {
    let e = k + 1;
    while (e < found.length && found[e].sep === found[k].sep && found[e].spelt === found[k].spelt && gapOk(text, found[e - 1].end, found[e].at)) e++;
    let unordinary = 0;
    for (let i = k; i < e; i++) if (!found[i].ordinary) unordinary++;
    const passage = unordinary >= 2;
    for (let i = k; i < e; i++) {
      const d = found[i];
      if (passage) {
        // A decimal joins only between spelt-out words ("S.e.c.t.i.o.n 4.7 e.n.q.u.i.r.y").
        if (d.ordinary && d.spelt && !(i > k && i < e - 1)) continue;
        if (i + 1 < e) for (let x = d.end; x < found[i + 1].at; x++) if (/\s/.test(text[x]) && /\s/.test(text[x + 1] ?? '')) cuts.push(x, x + 1);
      } else if (d.ordinary || d.word.length < 3 || !LETTERS.test(d.word) || !known(d.word.toLowerCase())) continue;
      cutSymbols(text, d, cuts);
    }
    k = e;
  }
  if (cuts.length === 0) return norm;
  return without(norm, sortPairs(cuts));
}

/** Cut what disguises one word: every separator of a spelt-out word, the symbols inside another. */
function cutSymbols(text: string, d: Disguised, cuts: number[]): void {
  const s = text.slice(d.at, d.end);
  // A trailing dot of "M.A.R.A.C." ends the word and may end the sentence: it stays.
  const last = d.spelt && d.sep === '.' && s.endsWith('.') ? s.length - 1 : s.length;
  if (d.spelt) for (let i = 1; i < last; i += 2) cuts.push(d.at + i, d.at + i + 1);
  else for (let i = 0; i < last; i++) if (!LETTER.test(s[i])) cuts.push(d.at + i, d.at + i + 1);
}

const ALNUM = /[\p{L}\p{N}]/u;
/** A letter or digit at `i` (ASCII by char code; anything else by its Unicode category). */
function isAlnum(text: string, i: number): boolean {
  if (i < 0 || i >= text.length) return false;
  const c = text.charCodeAt(i);
  if (c < 128) return (c >= 48 && c <= 57) || ((c | 32) >= 97 && (c | 32) <= 122);
  return ALNUM.test(text[i]);
}

/** A letter at `i` (ASCII by char code; anything else by its Unicode category). */
function isLetter(text: string, i: number): boolean {
  const c = text.charCodeAt(i);
  if (c < 128) return (c | 32) >= 97 && (c | 32) <= 122;
  return LETTER.test(text[i]);
}

/** Where the word holding offset `i` starts. */
function wordStart(text: string, i: number): number {
  let k = i;
  while (k > 0 && isLetter(text, k - 1)) k--;
  return k;
}

/** [from, to) pairs in ascending order (line-break cuts come after the others). */
function sortPairs(cuts: number[]): number[] {
  const pairs: [number, number][] = [];
  for (let k = 0; k < cuts.length; k += 2) pairs.push([cuts[k], cuts[k + 1]]);
  pairs.sort((a, b) => a[0] - b[0]);
  const out: number[] = [];
  for (const [a, b] of pairs) {
    if (out.length && a < out[out.length - 1]) continue; // overlapping: already cut
    out.push(a, b);
  }
  return out;
}

/** `norm` without the given [from, to) ranges (ascending, not overlapping), offsets carried. */
function without(norm: Normalised, cuts: number[]): Normalised {
  let removed = 0;
  for (let k = 0; k < cuts.length; k += 2) removed += cuts[k + 1] - cuts[k];
  const len = norm.text.length - removed;
  const starts = new Uint32Array(len);
  const ends = new Uint32Array(len);
  const pieces: string[] = [];
  let from = 0;
  let out = 0;
  const copy = (a: number, b: number) => {
    if (b <= a) return;
    pieces.push(norm.text.slice(a, b));
    starts.set(norm.starts.subarray(a, b), out);
    ends.set(norm.ends.subarray(a, b), out);
    out += b - a;
  };
  for (let k = 0; k < cuts.length; k += 2) {
    copy(from, cuts[k]);
    from = cuts[k + 1];
  }
  copy(from, norm.text.length);
  return mapped(pieces.join(''), starts, ends, norm.originalLength);
}
