import type { ContextIndex } from '../context/engine.js';
import type { CompiledLexicon } from '../lexicon/compile.js';
import type { Hit } from '../lexicon/match.js';
import type { Category, ContextResult, Patient } from '../schemas.js';
import type { Analysed } from '../text/index.js';

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
  /** modifiers this finding's entry says do not apply to it */
  ignoreModifiers?: ('uncertain' | 'hypothetical' | 'historical')[];
  /** context decided by the detector itself (identifiers, names), instead of ConText */
  context?: ContextResult;
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
  kind?: 'entry' | 'letter';
  /** ConText for a token range, memoised per document */
  contextFor(a: number, b: number): ContextResult;
}

/** A detector reads the analysed document and returns findings. It may throw: the scanner fails closed. */
export type Detector = (input: DetectInput) => RawFinding[];
