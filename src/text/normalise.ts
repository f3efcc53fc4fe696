/**
 * Normalisation that keeps a map back to the caller's original string.
 *
 * Every later step works on the normalised text; findings are reported in original UTF-16
 * offsets by mapping through `starts`/`ends`. Each normalised code unit records the original
 * offset where the chunk it came from starts and ends, so a span [s, e) of normalised text
 * maps to [starts[s], ends[e - 1]) of the original.
 */

import { CONFUSABLES } from './confusables.js';

export interface Normalised {
  /** normalised text */
  text: string;
  /** original offset of the start of the chunk each normalised code unit came from */
  starts: Uint32Array;
  /** original offset of the end of that chunk */
  ends: Uint32Array;
  /** length of the original string */
  originalLength: number;
  /** the text is the original unchanged, so every offset maps to itself (toOriginal and fromOriginal need no map) */
  readonly unchanged: boolean;
}

/**
 * A normalised text and its offset map. Most records are plain ASCII and nothing in them
 * changes: their map is the identity, written out (two arrays as long as the text) only when
 * something reads it, since mapping an offset needs no array then.
 */
class OffsetMapped implements Normalised {
  readonly unchanged: boolean;
  constructor(
    readonly text: string,
    private startsMap: Uint32Array | undefined,
    private endsMap: Uint32Array | undefined,
    readonly originalLength: number,
  ) {
    this.unchanged = startsMap === undefined;
  }
  get starts(): Uint32Array {
    return (this.startsMap ??= identityMap(this.text.length, 0));
  }
  get ends(): Uint32Array {
    return (this.endsMap ??= identityMap(this.text.length, 1));
  }
}

/** [from, from + 1, ...]: the identity offset map of a text of length n (ends: from = 1). */
function identityMap(n: number, from: number): Uint32Array {
  const out = new Uint32Array(n);
  for (let i = 0; i < n; i++) out[i] = i + from;
  return out;
}

/** A normalised text with its offset map (see OffsetMapped). */
export function mapped(text: string, starts: Uint32Array, ends: Uint32Array, originalLength: number): Normalised {
  return new OffsetMapped(text, starts, ends, originalLength);
}

// What a reader does not see: zero-width and format characters, joiners, variation selectors,
// tag characters (U+E0000-E007F), Hangul fillers and the other default-ignorable code points.
// Put inside a word ("do\u200Bmestic", "MA\u{E0041}RAC") they hide it from a matcher.
const INVISIBLE = /^(?:\p{Default_Ignorable_Code_Point}|\p{Cf})$/u;
// Every kind of horizontal space becomes one ordinary space.
const SPACE = /[\t\v\f\u00A0\u1680\u2000-\u200A\u202F\u205F\u3000]/;
// Accents are stripped from Latin, Greek and Cyrillic letters ("Mârac", "dísclosed"): no
// lexicon word needs them, and names read the same without them. Other scripts keep their marks.
const STRIP_MARKS_SCRIPT = /^[\p{Script=Latin}\p{Script=Greek}\p{Script=Cyrillic}]/u;
const ANY_MARK = /\p{M}/gu;

const PUNCT_MAP: Record<string, string> = {
  '\u2018': "'", '\u2019': "'", '\u201A': "'", '\u201B': "'", '\u2032': "'", '\u0060': "'",
  '\u201C': '"', '\u201D': '"', '\u201E': '"', '\u201F': '"', '\u2033': '"',
  '\u2010': '-', '\u2011': '-', '\u2012': '-', '\u2013': '-', '\u2014': '-', '\u2015': '-', '\u2212': '-',
  '\u2022': '*', '\u25CF': '*', '\u25AA': '*', '\u2023': '*', '\u2043': '*',
};

/** A letter of a script whose accents we strip, without them ("â" -> "a"); anything else as it is. */
function withoutMarks(s: string): string {
  const d = s.normalize('NFD');
  if (d.length === s.length || !STRIP_MARKS_SCRIPT.test(d)) return s;
  return d.replace(ANY_MARK, '').normalize('NFC');
}

const isAscii = (code: number) => code < 0x80;
const MARK = /\p{M}/u;
function isMarkAt(s: string, i: number): boolean {
  const c = s.charCodeAt(i);
  return c >= 0x300 && !(c >= 0xd800 && c <= 0xdfff) && MARK.test(s[i]);
}

/** Anything but printable ASCII and \n, or a backtick: one regex scan finds it faster than a loop of charCodeAt. */
const NOT_PLAIN = /[^\n\x20-\x5f\x61-\x7e]/;

/** Printable ASCII and \n only, no backtick: most records, and nothing to change in them. */
function isPlainAscii(s: string): boolean {
  return !NOT_PLAIN.test(s);
}

/**
 * Normalise `input` for matching. Never throws: lone surrogates become U+FFFD, control
 * characters become spaces, so offsets always stay inside the original.
 */
export function normalise(input: string): Normalised {
  const n = input.length;
  if (isPlainAscii(input)) return new OffsetMapped(input, undefined, undefined, n);
  // Most clinical text is ASCII; size for that and grow when NFKC expands (e.g. "ﬁ" -> "fi").
  let cap = n + 16;
  let starts = new Uint32Array(cap);
  let ends = new Uint32Array(cap);
  const out: string[] = [];
  let len = 0;

  const grow = (extra: number) => {
    if (len + extra <= cap) return;
    cap = Math.max(cap * 2, len + extra + 16);
    const ns = new Uint32Array(cap);
    ns.set(starts.subarray(0, len));
    starts = ns;
    const ne = new Uint32Array(cap);
    ne.set(ends.subarray(0, len));
    ends = ne;
  };
  const push = (s: string, from: number, to: number) => {
    grow(s.length);
    for (let k = 0; k < s.length; k++) {
      starts[len + k] = from;
      ends[len + k] = to;
    }
    len += s.length;
    out.push(s);
  };

  let i = 0;
  while (i < n) {
    const code = input.charCodeAt(i);
    if (isAscii(code) && !isMarkAt(input, i + 1)) {
      // Fast path: run of plain printable ASCII.
      if (code === 13) {
        // CRLF and lone CR both become one LF.
        const to = input.charCodeAt(i + 1) === 10 ? i + 2 : i + 1;
        push('\n', i, to);
        i = to;
        continue;
      }
      if (code === 10) {
        push('\n', i, i + 1);
        i++;
        continue;
      }
      if (code < 32 || code === 127) {
        push(' ', i, i + 1);
        i++;
        continue;
      }
      let j = i + 1;
      while (j < n) {
        const c = input.charCodeAt(j);
        if (c >= 127 || c < 32) break;
        j++;
      }
      // The base of a combining sequence goes the slow way (only the character after the run
      // can be a mark: the run is ASCII).
      if (isMarkAt(input, j)) j--;
      const run = input.slice(i, j);
      grow(run.length);
      for (let k = 0; k < run.length; k++) {
        starts[len + k] = i + k;
        ends[len + k] = i + k + 1;
      }
      len += run.length;
      out.push(run === '`' ? "'" : run.replace(/`/g, "'"));
      i = j;
      continue;
    }

    // A chunk: one code point (surrogate pair aware) plus any combining marks after it.
    if (code < 32 || code === 127) {
      push(code === 10 || code === 13 ? '\n' : ' ', i, i + 1);
      i++;
      continue;
    }
    let cp: string;
    let j: number;
    if (code >= 0xd800 && code <= 0xdbff) {
      const next = input.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        cp = input.slice(i, i + 2);
        j = i + 2;
      } else {
        cp = '\uFFFD';
        j = i + 1;
      }
    } else if (code >= 0xdc00 && code <= 0xdfff) {
      cp = '\uFFFD';
      j = i + 1;
    } else {
      cp = input[i];
      j = i + 1;
    }
    // Attach following combining marks so NFKC can compose them ("e" + U+0301 -> "é").
    let marks = '';
    while (j < n) {
      const c = input.charCodeAt(j);
      if (c < 0x300) break;
      const ch = input[j];
      if (c >= 0xd800 && c <= 0xdfff) break;
      if (!MARK.test(ch)) break;
      if (!INVISIBLE.test(ch)) marks += ch; // a variation selector or grapheme joiner is dropped
      j++;
    }

    if (INVISIBLE.test(cp) && marks === '') {
      i = j; // dropped: "do\u200Bmestic" reads as "domestic"
      continue;
    }
    if (SPACE.test(cp)) {
      push(' ', i, j);
      i = j;
      continue;
    }
    if (cp === '\u2028' || cp === '\u2029' || cp === '\u0085') {
      push('\n', i, j);
      i = j;
      continue;
    }
    const mapped = CONFUSABLES[cp] ?? PUNCT_MAP[cp];
    if (mapped !== undefined) {
      push(marks ? withoutMarks((mapped + marks).normalize('NFKC')) : mapped, i, j);
      i = j;
      continue;
    }
    const cc = cp.codePointAt(0)!;
    if ((cc >= 0x80 && cc < 0xa0)) {
      push(' ', i, j);
      i = j;
      continue;
    }
    let s = withoutMarks((cp + marks).normalize('NFKC'));
    // NFKC can yield characters we map (e.g. fullwidth quotes, or a small capital from a
    // compatibility form); map them too.
    if (s.length === 1 && (PUNCT_MAP[s] ?? CONFUSABLES[s]) !== undefined) s = PUNCT_MAP[s] ?? CONFUSABLES[s];
    if (s.length > 0) push(s, i, j);
    i = j;
  }

  return new OffsetMapped(out.join(''), starts.subarray(0, len), ends.subarray(0, len), n);
}

/** Map a normalised span [start, end) back to the original string. */
export function toOriginal(norm: Normalised, start: number, end: number): { start: number; end: number } {
  const n = norm.text.length;
  if (n === 0) return { start: 0, end: 0 };
  const s = Math.min(Math.max(start, 0), n - 1);
  const e = Math.min(Math.max(end, s + 1), n);
  if (norm.unchanged) return { start: s, end: e };
  return { start: norm.starts[s], end: norm.ends[e - 1] };
}

/** Map an original offset to the first normalised offset at or after it. */
export function fromOriginal(norm: Normalised, offset: number): number {
  // Unchanged: the number of offsets below this one.
  if (norm.unchanged) return offset > 0 ? Math.min(Math.ceil(offset), norm.text.length) : 0;
  // Binary search: starts is non-decreasing.
  let lo = 0;
  let hi = norm.starts.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (norm.starts[mid] < offset) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
