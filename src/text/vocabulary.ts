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
  /** after a comma or a joiner, these words open a clause with a subject of its own (", she is negative") */
  clauseSubject: ReadonlySet<string>;
  /** joiners after which a subject opens a new clause ("and", "but") */
  clauseJoiner: ReadonlySet<string>;
  /** a possessive ("her", "my") and a person ("partner", "mum") after a comma open a clause when a word follows: ", her partner checks it" */
  clauseOwner: ReadonlySet<string>;
  clauseSubjectNoun: ReadonlySet<string>;
  /** words that make a stretch of text a clause rather than an item of a list ("is", "she", "which") */
  listBreaker: ReadonlySet<string>;
  /** verbs that open a clause without a subject after a comma or a joiner, as notes write (", appears unkempt") */
  clauseVerb: ReadonlySet<string>;
  /** a whole form answer meaning no / yes / not known ("N", "Nil", "non-reactive"; "Y"; "N/A") */
  answerNo: RegExp;
  answerYes: RegExp;
  answerUnknown: RegExp;
  /**
   * The characters (ASCII, lower case) any of those whole answers can begin with, so that the
   * text after a form's separator that begins with another letter or digit is passed over without
   * running the three regexes; undefined when not known (every answer is then read in full).
   * Derived from the answer vocabularies where they are compiled, so it stays exact as they change.
   */
  answerStarts?: string;
  /** words at the start of an answer saying how it was asked ("asked -", "accepted, result") */
  answerLead: RegExp;
  /** a question listed as a form lists it ("Q:", "Q3.") or opening as a form asks ("Any ...", "Ever ...") */
  formQuestionLabel: RegExp;
  formOpener: RegExp;
  /** a yes/no question's opening ("Do", "Has", "Are") */
  yesNoQuestion: RegExp;
  /** who a form's question is put to or about ("you", "the applicant") */
  formAddressed: RegExp;
  /** words a field's value may hold besides a restatement of its label, and still only answer it ("no current or past self harm") */
  valueGeneric: ReadonlySet<string>;
  /** habits a social history records (tobacco, alcohol, drugs), and the words that qualify them ("use", "illicit") */
  habit: ReadonlySet<string>;
  /** words that negate the verb after them ("not", "didn't"): "did not disclose DV" negates what was not disclosed */
  verbNegator: ReadonlySet<string>;
  /** who a condition is about, between "if" and its verb ("if she discloses", "should the child report") */
  conditionSubject: ReadonlySet<string>;
  /** modals that make a clause a consequence ("we would refer", "she will call") */
  consequenceModal: ReadonlySet<string>;
  /** words that open an adjunct, not an item of a list ("in line with", "due to", "following") */
  listAdjunct: ReadonlySet<string>;
  habitQualifier: ReadonlySet<string>;
  /** words of a condition's name too general to tell it again ("disease", "pain", "left"): a presentation that repeats only these does not name it */
  conditionGeneric: ReadonlySet<string>;
  /** a time that is now or days ago ("yesterday", "ongoing"): a history heading does not hold over its sentence */
  nowTime: RegExp;
  /** an answer that says nothing was disclosed ("not disclosed"): a clinician's query so answered is not ruled out */
  notDisclosed: RegExp;
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
  clauseSubject: new Set(),
  clauseJoiner: new Set(),
  clauseOwner: new Set(),
  clauseSubjectNoun: new Set(),
  listBreaker: new Set(),
  clauseVerb: new Set(),
  answerNo: NEVER,
  answerYes: NEVER,
  answerUnknown: NEVER,
  answerLead: NEVER,
  formQuestionLabel: NEVER,
  formOpener: NEVER,
  yesNoQuestion: NEVER,
  formAddressed: NEVER,
  valueGeneric: new Set(),
  habit: new Set(),
  verbNegator: new Set(),
  conditionSubject: new Set(),
  consequenceModal: new Set(),
  listAdjunct: new Set(),
  habitQualifier: new Set(),
  conditionGeneric: new Set(),
  nowTime: NEVER,
  notDisclosed: NEVER,
};
