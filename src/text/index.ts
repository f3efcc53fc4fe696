import { documentKind, type DocumentKind } from './kind.js';
import { normalise, type Normalised } from './normalise.js';
import { reveal } from './reveal.js';
import { findSections, type Section } from './sections.js';
import { sentenceIndex, splitSentences, type Sentence } from './sentences.js';
import { tokenise, type Token } from './tokenise.js';
import type { TextVocabulary } from './vocabulary.js';

export { normalise, toOriginal, fromOriginal, type Normalised } from './normalise.js';
export { tokenise, tokensCovering, claimMemoSlot, type Token, type TokenForm } from './tokenise.js';
export { splitSentences, isQuestion, type Sentence } from './sentences.js';
export { findSections, sectionAt, type Section, type SectionKind } from './sections.js';
export { documentKind, type DocumentKind } from './kind.js';
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
  /** a letter filed into the record, or an entry written in it (see kind.ts) */
  kind: DocumentKind;
  /** letter-case of the whole text: ALL-CAPS notes and lower-case typing change name evidence */
  caseStyle: 'mixed' | 'upper' | 'lower';
  /** the structure words this analysis used (questions are read with them later) */
  vocab: TextVocabulary;
}

function caseStyleOf(tokens: Token[]): Analysed['caseStyle'] {
  let upper = 0;
  let lower = 0;
  let words = 0;
  for (const t of tokens) {
    if (t.kind !== 'word' || t.text.length < 2 || t.shape === 'd') continue;
    words++;
    if (t.shape === 'X') upper++;
    else if (t.shape === 'x') lower++;
  }
  if (words >= 4 && upper / words > 0.85) return 'upper';
  if (words >= 4 && lower / words > 0.97) return 'lower';
  return 'mixed';
}

/** Normalise, tokenise, split into sentences and sections, and tell a letter from an entry. */
export function analyse(original: string, vocab: TextVocabulary): Analysed {
  const norm = reveal(normalise(original), vocab.knownWord);
  const tokens = tokenise(norm.text);
  const sentences = splitSentences(norm.text, tokens, vocab);
  const sections = findSections(norm.text, vocab);
  return {
    original,
    norm,
    tokens,
    sentences,
    tokenSentence: sentenceIndex(tokens, sentences),
    sections,
    kind: documentKind(sections),
    caseStyle: caseStyleOf(tokens),
    vocab,
  };
}
