import { documentKind, type DocumentKind } from './kind.js';
import { normalise, type Normalised } from './normalise.js';
import { reveal } from './reveal.js';
import { CASE_COUNTED, CASE_LOWER, CASE_UPPER, findLayout, formFacts, type Layout } from './layout.js';
import { findSections, sectionStateAt, type Section, type SectionState } from './sections.js';
import { sentenceIndex, splitSentences, type Sentence } from './sentences.js';
import { tokenise, type Token } from './tokenise.js';
import type { TextVocabulary } from './vocabulary.js';

export { normalise, toOriginal, fromOriginal, type Normalised } from './normalise.js';
export { tokenise, tokensCovering, claimMemoSlot, type Token, type TokenForm } from './tokenise.js';
export { splitSentences, isQuestion, type Sentence } from './sentences.js';
export { findSections, sectionAt, sectionStateAt, type Section, type SectionKind, type SectionState } from './sections.js';
export { documentKind, type DocumentKind } from './kind.js';
export { breakBetween, type FormItem, type Layout } from './layout.js';
export { NO_TEXT_VOCABULARY, type TextVocabulary } from './vocabulary.js';
export { stem } from './stem.js';
export { reveal, type KnownWord } from './reveal.js';

/** Everything the detectors need about one document's text, computed once. */
export interface Analysed {
  original: string;
  norm: Normalised;
  tokens: Token[];
  sentences: Sentence[];
  /** sentence index per token */
  tokenSentence: Int32Array;
  sections: Section[];
  /** list items, field labels, clauses and form questions inside the sentences (context scope follows them) */
  layout: Layout;
  /** a letter filed into the record, or an entry written in it (see kind.ts) */
  kind: DocumentKind;
  /** letter-case of the whole text: ALL-CAPS notes and lower-case typing change name evidence */
  caseStyle: 'mixed' | 'upper' | 'lower';
  /** the structure words this analysis used (questions are read with them later) */
  vocab: TextVocabulary;
}

type CaseCounts = { upper: number; lower: number; words: number };

/** Words of two characters or more that are not numbers, and how many of them are all upper or all lower case (from each form's facts). */
function countCase(tokens: Token[], vocab: TextVocabulary, c: CaseCounts): CaseCounts {
  for (let i = 0; i < tokens.length; i++) {
    const f = formFacts(tokens[i], vocab);
    if (!(f & CASE_COUNTED)) continue;
    c.words++;
    if (f & CASE_UPPER) c.upper++;
    else if (f & CASE_LOWER) c.lower++;
  }
  return c;
}

function caseStyleOf(c: CaseCounts): Analysed['caseStyle'] {
  if (c.words >= 4 && c.upper / c.words > 0.85) return 'upper';
  if (c.words >= 4 && c.lower / c.words > 0.97) return 'lower';
  return 'mixed';
}

/** Facts about a whole document that a part of it, read on its own, must be told. */
export interface DocumentFacts {
  norm: Normalised;
  sections: Section[];
  kind: DocumentKind;
  caseStyle: Analysed['caseStyle'];
}

/** How a part of a document is read: as the whole document has it at that point. */
export interface PartOf {
  /** the section state where the part starts (none for the document's first part) */
  from?: SectionState;
  kind: DocumentKind;
  caseStyle: Analysed['caseStyle'];
}

/**
 * The whole-document facts for reading a long document in parts: its sections, kind and
 * letter-case, without holding every token of it at once (tokens are counted a slice at a time).
 */
export function documentFacts(original: string, vocab: TextVocabulary): DocumentFacts {
  const norm = reveal(normalise(original), vocab.knownWord);
  const sections = findSections(norm.text, vocab);
  const counts: CaseCounts = { upper: 0, lower: 0, words: 0 };
  const SLICE = 1 << 18;
  for (let at = 0; at < norm.text.length; ) {
    let end = Math.min(norm.text.length, at + SLICE);
    // Cut where no token can run across: at white space, or between two characters that are
    // not word characters (tokens of those are one character long).
    while (end < norm.text.length && !tokenBoundary(norm.text, end)) end++;
    countCase(tokenise(norm.text.slice(at, end)), vocab, counts);
    at = end;
  }
  return { norm, sections, kind: documentKind(sections), caseStyle: caseStyleOf(counts) };
}

const WORDISH = /[\p{L}\p{M}\p{N}']/u;
function tokenBoundary(text: string, i: number): boolean {
  const c = text.charCodeAt(i);
  if (c >= 0xdc00 && c <= 0xdfff) return false; // inside a surrogate pair
  return /\s/.test(text[i]) || (!WORDISH.test(text[i - 1]) && !WORDISH.test(text[i]));
}

/** Where a part of a document starting at this normalised offset stands in the whole. */
export function partAt(facts: DocumentFacts, normOffset: number): PartOf {
  const from = normOffset > 0 ? sectionStateAt(facts.sections, normOffset) : undefined;
  return from ? { from, kind: facts.kind, caseStyle: facts.caseStyle } : { kind: facts.kind, caseStyle: facts.caseStyle };
}

/**
 * Normalise, tokenise, split into sentences and sections, and tell a letter from an entry.
 * `part`: the text is a part of a longer document, read as the whole has it (see partAt).
 */
export function analyse(original: string, vocab: TextVocabulary, part?: PartOf): Analysed {
  const norm = reveal(normalise(original), vocab.knownWord);
  const tokens = tokenise(norm.text);
  const sentences = splitSentences(norm.text, tokens, vocab);
  const sections = findSections(norm.text, vocab, part?.from);
  const tokenSentence = sentenceIndex(tokens, sentences);
  return {
    original,
    norm,
    tokens,
    sentences,
    tokenSentence,
    sections,
    layout: findLayout(norm.text, tokens, sentences, tokenSentence, vocab),
    kind: part?.kind ?? documentKind(sections),
    caseStyle: part?.caseStyle ?? caseStyleOf(countCase(tokens, vocab, { upper: 0, lower: 0, words: 0 })),
    vocab,
  };
}
