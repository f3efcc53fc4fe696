import type { KnownWord } from './reveal.js';
import type { SectionKind } from './sections.js';

/**
 * The words the text layer reads structure by: which line opens a section, a salutation, a
 * sign-off or the patient block, where a full stop does not end a sentence, and what makes a
 * sentence a question put to someone. The text layer knows no words of its own: these come
 * from the lexicons' vocabularies (lexicons/structure.yaml), compiled by the lexicon layer.
 */
export interface TextVocabulary {
  /** section headings, lower case with single spaces ("family history"), by the section they open */
  headings: ReadonlyMap<string, SectionKind>;
  /** matches at the start of a line that signs off a letter ("Yours sincerely") */
  signOff: RegExp;
  /** matches at the start of a line that greets the reader ("Dear") */
  salutation: RegExp;
  /** matches at the start of a line that says whose record it is ("Re:", "Patient name:") */
  regarding: RegExp;
  /** lower-case words after which a full stop does not end a sentence ("dr", "approx") */
  noBreakAfter: ReadonlySet<string>;
  /** matches at the start of a sentence that asks someone something ("Do you...", "Any...") */
  questionOpening: RegExp;
  /** matches anywhere in a sentence that speaks to someone ("you", "is there") */
  addressed: RegExp;
  /** a word the lexicons use: a disguised one ("M A R A C", "abu-\nse") is joined when it is one (reveal.ts) */
  knownWord: KnownWord;
}

const NEVER = /(?!)/;

/** No structure words at all: every line is body text, every full stop may end a sentence. */
export const NO_TEXT_VOCABULARY: TextVocabulary = {
  headings: new Map(),
  signOff: NEVER,
  salutation: NEVER,
  regarding: NEVER,
  noBreakAfter: new Set(),
  questionOpening: NEVER,
  addressed: NEVER,
  knownWord: () => false,
};
