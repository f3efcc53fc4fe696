import { isWhiteSpace } from './chars.js';
import { formFacts, NO_BREAK_AFTER } from './layout.js';
import type { Token } from './tokenise.js';
import type { TextVocabulary } from './vocabulary.js';

export interface Sentence {
  /** normalised offsets */
  start: number;
  end: number;
  /** token index range [firstToken, endToken) */
  firstToken: number;
  endToken: number;
}

const BULLET = new Set(['*', '-', '•', '>', '+']);
/**
 * Context never reaches further than a sentence, and a run-on "sentence" of thousands of
 * tokens (pasted tables, hostile input) would make per-sentence work quadratic: long ones
 * are cut into pieces of at most this many tokens.
 */
export const MAX_SENTENCE_TOKENS = 150;

function hasSpaceBetween(text: string, a: Token, b: Token | undefined): boolean {
  if (!b) return true;
  return b.start > a.end && isWhiteSpace(text.charCodeAt(a.end));
}

/**
 * Split into sentences that survive clinical text: "Dr. Patel", "o/e.", "12.3.24", "?DV.",
 * bullet lists and one finding per line.
 */
export function splitSentences(text: string, tokens: Token[], vocab: TextVocabulary): Sentence[] {
  const out: Sentence[] = [];
  let first = 0;
  const close = (endTok: number) => {
    // Trim newline tokens at either end of the sentence.
    let a = first;
    let b = endTok;
    while (a < b && tokens[a].kind === 'newline') a++;
    while (b > a && tokens[b - 1].kind === 'newline') b--;
    if (b > a) out.push({ start: tokens[a].start, end: tokens[b - 1].end, firstToken: a, endToken: b });
    first = endTok;
  };

  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    const next = tokens[i + 1];
    if (i + 1 - first >= MAX_SENTENCE_TOKENS) {
      close(i + 1);
      continue;
    }
    if (t.kind === 'newline') {
      if (next?.kind === 'newline') {
        close(i + 1);
        continue;
      }
      // A line break continues the sentence only when the text plainly runs on: the previous
      // line ends mid-clause and the next one starts in lower case (wrapped prose).
      const prev = tokens[i - 1];
      const runsOn =
        prev !== undefined &&
        next !== undefined &&
        (prev.kind === 'word' || prev.text === ',') &&
        next.kind === 'word' &&
        next.shape.startsWith('x') &&
        !BULLET.has(next.text);
      if (!runsOn) close(i + 1);
      continue;
    }
    if (t.kind !== 'punct') continue;
    if (t.text === '.' || t.text === '!' || t.text === '?') {
      if (!hasSpaceBetween(text, t, next)) continue; // "12.3.24", "?DV"
      const prev = tokens[i - 1];
      if (t.text === '?' && (!prev || prev.end !== t.start)) continue; // "? NAI" is a query, not an end
      if (t.text === '.' && prev && prev.kind === 'word') {
        if (formFacts(prev, vocab) & NO_BREAK_AFTER) continue; // vocab.noBreakAfter
        if (prev.text.length === 1 && prev.shape === 'X') continue; // initials: "J. Smith"
      }
      // Ellipsis or repeated marks: break after the last one.
      if (next && next.kind === 'punct' && next.start === t.end && /[.!?]/.test(next.text)) continue;
      close(i + 1);
    }
  }
  close(tokens.length);
  return out;
}

/** For each token, the index of its sentence (newline tokens between sentences get -1). */
export function sentenceIndex(tokens: Token[], sentences: Sentence[]): Int32Array {
  const idx = new Int32Array(tokens.length).fill(-1);
  sentences.forEach((s, k) => {
    for (let i = s.firstToken; i < s.endToken; i++) idx[i] = k;
  });
  return idx;
}

/**
 * A question put to someone ("Do you use any recreational drugs?", "Doctor: Any thoughts of
 * self-harm?"): it asks, it asserts nothing. Not a clinical query ("?self-harm", "NAI?"):
 * those never open like a question to someone, and never say "you".
 */
export function isQuestion(text: string, s: Sentence, vocab: TextVocabulary): boolean {
  const body = text.slice(s.start, s.end).trimEnd();
  return body.endsWith('?') && (vocab.questionOpening.test(body) || vocab.addressed.test(body));
}
