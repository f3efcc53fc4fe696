import { defaultScanner } from '../../src/scanner/index.js';
import { analyse as analyseText, type TextVocabulary } from '../../src/text/index.js';

/** The built-in lexicons' structure words, for tests of the text layer (which knows none of its own). */
export const TEXT_VOCAB: TextVocabulary = defaultScanner().compiled.text;

/** `analyse` with the built-in structure words. */
export const analyse = (text: string) => analyseText(text, TEXT_VOCAB);
