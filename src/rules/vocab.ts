import type { CompiledLexicon } from '../lexicon/compile.js';
import { vocabularyRegex } from '../lexicon/vocabulary.js';

/**
 * Detectors read their word lists from the lexicons' named vocabularies (lexicons/*.yaml), never
 * from the code. What they build from a vocabulary (a word set, a regex) is built once per
 * compiled lexicon and kept here.
 */
const built = new WeakMap<CompiledLexicon, Map<string, unknown>>();

export function once<T>(lex: CompiledLexicon, key: string, make: () => T): T {
  let m = built.get(lex);
  if (!m) built.set(lex, (m = new Map()));
  if (m.has(key)) return m.get(key) as T;
  const v = make();
  m.set(key, v);
  return v;
}

const EMPTY: ReadonlySet<string> = new Set();

/** The single-word terms of a vocabulary, lower case. */
export const words = (lex: CompiledLexicon, name: string): ReadonlySet<string> => lex.vocabularies.get(name)?.words ?? EMPTY;

/** A vocabulary as a case-insensitive regex: terms as whole words, patterns as written. */
export const vocabRegex = (lex: CompiledLexicon, name: string, flags = 'i'): RegExp =>
  once(lex, `re:${name}:${flags}`, () => vocabularyRegex(lex.vocabularies.get(name), flags));

/** A vocabulary's regex source (`(?:...)`) to build a larger regex from. */
export const vocabSource = (lex: CompiledLexicon, name: string): string => lex.vocabularies.get(name)?.source ?? '(?!)';
