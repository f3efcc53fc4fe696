import { normalise, type Normalised } from './normalise.js';
import { findSections, type Section } from './sections.js';
import { sentenceIndex, splitSentences, type Sentence } from './sentences.js';
import { tokenise, type Token } from './tokenise.js';

export { normalise, toOriginal, fromOriginal, type Normalised } from './normalise.js';
export { tokenise, tokensCovering, type Token } from './tokenise.js';
export { splitSentences, type Sentence } from './sentences.js';
export { findSections, sectionAt, type Section, type SectionKind } from './sections.js';
export { stem } from './stem.js';

/** Everything the detectors need about one document's text, computed once. */
export interface Analysed {
  original: string;
  norm: Normalised;
  tokens: Token[];
  sentences: Sentence[];
  /** sentence index per token */
  tokenSentence: Int32Array;
  sections: Section[];
  /** letter-case of the whole text: ALL-CAPS notes and lower-case typing change name evidence */
  caseStyle: 'mixed' | 'upper' | 'lower';
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

export function analyse(original: string): Analysed {
  const norm = normalise(original);
  const tokens = tokenise(norm.text);
  const sentences = splitSentences(norm.text, tokens);
  return {
    original,
    norm,
    tokens,
    sentences,
    tokenSentence: sentenceIndex(tokens, sentences),
    sections: findSections(norm.text),
    caseStyle: caseStyleOf(tokens),
  };
}
