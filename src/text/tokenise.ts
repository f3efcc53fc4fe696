
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

// A word is a run of letters, marks and digits, with inner apostrophes ("mum's", "o'brien").
const TOKEN_RE = /[\p{L}\p{M}\p{N}]+(?:'[\p{L}\p{M}]+)*|\n|[^\s\p{L}\p{M}\p{N}]/gu;
const SKIP = new Set(['-', '/', '\\', '_', '~']);

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

const WORD_START = /[\p{L}\p{M}\p{N}]/u;
function isWordStart(ch: string): boolean {
  const c = ch.charCodeAt(0);
  if (c < 128) return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
  return WORD_START.test(ch);
}

// Lower-case form and shape per distinct word, shared across documents (bounded).
const MAX_FORMS = 60_000;
/**
 * What every occurrence of one token text shares: its lower-case form and shape, and a slot
 * where the matcher keeps its per-lexicon first step, so a token costs one Map look-up in all.
 */
export interface TokenForm {
  lower: string;
  shape: string;
  /** matcher's cache slot: the lexicon it was computed for, and the result */
  lex?: unknown;
  step?: unknown;
  /** the pattern prefilter's cache slot, likewise */
  pfxOwner?: unknown;
  pfx?: unknown;
}
const forms = new Map<string, TokenForm>();
function formsOf(word: string, kind: TokenKind): TokenForm {
  let f = forms.get(word);
  if (!f) {
    f = kind === 'word' ? { lower: word.toLowerCase(), shape: shapeOf(word) } : { lower: word, shape: word };
    if (forms.size >= MAX_FORMS) forms.clear();
    forms.set(word, f);
  }
  return f;
}

/** Tokenise normalised text. Offsets are exact; every character is in at most one token. */
export function tokenise(text: string): Token[] {
  const tokens: Token[] = [];
  TOKEN_RE.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = TOKEN_RE.exec(text)) !== null) {
    const t = m[0];
    const kind: TokenKind = t === '\n' ? 'newline' : isWordStart(t[0]) ? 'word' : 'punct';
    const form = formsOf(t, kind);
    const lower = form.lower;
    const shape = form.shape;
    tokens.push({
      start: m.index,
      end: m.index + t.length,
      text: t,
      lower,
      kind,
      shape,
      index: tokens.length,
      skip: kind === 'newline' || (kind === 'punct' && SKIP.has(t)),
      form,
    });
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
