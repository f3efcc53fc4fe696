import type { ContextIndex } from '../context/engine.js';
import type { CompiledLexicon } from '../lexicon/compile.js';
import type { Hit } from '../lexicon/match.js';
import type { HitIndex } from './hit-index.js';
import type { Category, ContextResult, Patient } from '../model/index.js';
import type { Analysed, DocumentKind } from '../text/index.js';

/** A finding before scoring, in normalised offsets. */
export interface RawFinding {
  category: Category;
  type: string;
  ruleId: string;
  start: number;
  end: number;
  startTok: number;
  endTok: number;
  weight: number;
  /** set by the lexicon entry: an affirmed mention means the concern was referred on */
  escalates?: boolean;
  /** set by the lexicon entry: a serious diagnosis (malignant, terminal, progressive neurological) */
  serious?: boolean;
  /** set by the lexicon entry: something not yet shared with the patient */
  undisclosed?: boolean;
  /** modifiers this finding's entry says do not apply to it */
  ignoreModifiers?: ('uncertain' | 'hypothetical' | 'historical')[];
  /** context decided by the detector itself (identifiers, names), instead of ConText */
  context?: ContextResult;
  /**
   * A sensitive lexicon finding's own words, lower case, with the word before them when it says
   * which one ("lung cancer"; "melanoma" after "?"): what document/ruled-out compares, kept on the
   * finding because a document read in windows has no one text to slice.
   */
  concept?: string;
}

/** A finding with its context settled. */
export interface Contextual extends RawFinding {
  context: ContextResult;
  /** a document rule lifted this finding to at least this level, and which rule did */
  raise?: { to: 'withhold'; by: string };
  /** a document rule found this finding ruled out later in the document: by which rule, and the finding that does */
  ruledOut?: { by: string; because: Contextual };
}

export interface PatientIdentity {
  /** lower-case name parts (forename first, surname last) */
  nameParts: string[];
  forename?: string;
  surname?: string;
  nhsDigits?: string;
  dob?: { d: number; m: number; y: number };
  /** age in whole years when the document was written (else today), when a date of birth is known */
  age?: number;
  /** whether `age` is at a date the document gives (false: at today's date, which may be years after it was written) */
  ageDated?: boolean;
  /** 'female' | 'male' | other, lower-case, from the caller */
  sex?: string;
}

export interface DetectInput {
  doc: Analysed;
  lexicon: CompiledLexicon;
  hits: Hit[];
  context: ContextIndex;
  patient: PatientIdentity;
  /** the caller's patient, as given */
  given?: Patient;
  /** the caller's kind, else the text layer's */
  kind: DocumentKind;
  /** ConText for a token range, memoised per document */
  contextFor(a: number, b: number): ContextResult;
  /** ages written anywhere in the whole document, when this is a part of a longer one */
  documentAges?: () => number[];
  /** when this is a part of a longer one: the types of finding anywhere in the whole document */
  documentTypes?: ReadonlySet<string>;
  /** when this is a part of a longer one: the names decided anywhere in the whole document (people.ts) */
  documentNames?: NameDecisions;
  /** when this is a part of a longer one: whether the whole document says the patient lacks capacity (third-party-information.ts) */
  documentLacksCapacity?: boolean;
  /** when this is a part of a longer one: the newOnly entries the whole document names as long-standing (lexicon-findings.ts) */
  documentBackground?: ReadonlySet<number>;
  /** when this is a part of a longer one: told the names this part decides, for the whole document's */
  noteNames?: (decided: NameDecision[]) => void;
  /** the per-token views of the hits, once built (hit-index.ts: ask `hitIndex(input)`, not this) */
  hitIndex?: HitIndex;
}

/** A name decided by what stood beside it: its words (lower case), its role, where it stands in the analysed text. */
export interface NameDecision {
  words: string[];
  role: 'patient' | 'professional' | 'third';
  start: number;
  end: number;
}

/**
 * Names decided by what stood beside them, which decide their other mentions: each name word
 * with the roles it was given, and where the first firm third party's name ends (a character
 * offset of the analysed text; mentions from there on are followed).
 */
export interface NameDecisions {
  byWord: ReadonlyMap<string, ReadonlySet<'patient' | 'professional' | 'third' | 'none'>>;
  from: number;
}

/** A detector reads the analysed document and returns findings. It may throw: the scanner fails closed. */
export type Detector = (input: DetectInput) => RawFinding[];

/** A text a rule's example runs on: a string, or a string with the scan context it needs. */
export type RuleExample = string | { text: string; patient?: Patient; kind?: DocumentKind };

/**
 * What a rule declares about itself, after ESLint's rule meta: its id (the `ruleId` of its
 * findings), what it reports, and why. Lexicon entries are rules of this shape too.
 */
export interface RuleMeta {
  id: string;
  category: Category;
  /** finding types it reports */
  types: string[];
  description: string;
  /** where its behaviour is documented */
  docs?: string;
}

/** Texts on which the rule must fire (`match`) and must not (`noMatch`), run in `npm test`. */
export interface RuleExamples {
  match: RuleExample[];
  noMatch: RuleExample[];
}

export interface Rule {
  meta: RuleMeta;
  examples: RuleExamples;
  /** where the rule comes from: a lexicon file, or the code */
  origin: 'lexicon' | 'code';
}

/** The stages of the rules step, in order. */
export type Stage = 'detect' | 'combine' | 'document';

/**
 * A source of findings: it implements one or more rules. `detect` sources read the document;
 * `combine` sources read the first-stage findings too and add, convert or drop some; `document`
 * sources lift findings by what the whole document says.
 */
export type Source =
  | {
      stage: 'detect';
      name: string;
      rules: Rule[];
      detect: Detector;
      /** its findings are new objects made for each call (the built-in detectors'): the rules step may complete them in place */
      fresh?: boolean;
    }
  | { stage: 'combine'; name: string; rules: Rule[]; combine: (input: DetectInput, found: Contextual[]) => Contextual[] }
  | { stage: 'document'; name: string; rules: Rule[]; apply: (input: DetectInput, found: Contextual[]) => void };
