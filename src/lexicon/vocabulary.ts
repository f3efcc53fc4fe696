import { NO_TEXT_VOCABULARY, type SectionKind, type TextVocabulary } from '../text/index.js';
import type { LexiconProblem } from './errors.js';
import type { LoadedEntry, LoadedVocabulary } from './schema.js';
import { isVocabulary } from './schema.js';

/**
 * Named vocabularies: word lists that patterns, terms and detectors refer to by name
 * (`{relative}`), so that no list is spelt out twice. A vocabulary holds terms (plain words
 * and phrases) and patterns (regex fragments); either may refer to other vocabularies.
 */
export interface CompiledVocabulary {
  name: string;
  /** lower-case terms, references expanded */
  terms: string[];
  /** single-word terms, lower case: for token-by-token look-ups */
  words: Set<string>;
  /** a regex source matching any item: `(?:...)`, no flags implied */
  source: string;
  /** the terms alone, and the patterns alone, as regex sources (either may be empty) */
  termSource: string;
  patternSource: string;
}

export type Vocabularies = ReadonlyMap<string, CompiledVocabulary>;

const REF = /\{([a-z][a-z0-9-]*)\}/g;
/** Largest expansion of one term with references (a product of vocabularies). */
const MAX_EXPANSION = 2000;

const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

/**
 * A term as a regex fragment, meaning what the term matcher means by it: words separated by any
 * run of spaces, a hyphen between words optional ("step-dad", "step dad", "stepdad"). A term
 * ending in `*` is a word beginning ("diabet*": diabetes, diabetic).
 */
export function termToRegex(term: string): string {
  const t = term.trim();
  const prefix = t.length > 1 && t.endsWith('*');
  const body = (prefix ? t.slice(0, -1) : t)
    .split(/\s+/)
    .map((w) => w.split('-').map(escapeRegex).join('[-\\s]?'))
    .join('\\s+');
  return prefix ? `${body}[\\p{L}\\p{N}]*` : body;
}

export class VocabularyError extends Error {}

/** Build every named vocabulary of a set of entries (later entries of the same name add to earlier ones). */
export function compileVocabularies(entries: readonly LoadedEntry[], problems?: LexiconProblem[]): Map<string, CompiledVocabulary> {
  const byName = new Map<string, LoadedVocabulary[]>();
  for (const e of entries) {
    if (!isVocabulary(e) || !e.name) continue;
    const list = byName.get(e.name);
    if (list) list.push(e);
    else byName.set(e.name, [e]);
  }
  const done = new Map<string, CompiledVocabulary>();
  const busy = new Set<string>();
  const build = (name: string, from: LoadedVocabulary | undefined): CompiledVocabulary | undefined => {
    const got = done.get(name);
    if (got) return got;
    const list = byName.get(name);
    if (!list) return undefined;
    if (busy.has(name)) {
      problems?.push({ file: from?.file ?? list[0].file, line: from?.line, entryId: from?.id, field: 'name', message: `vocabulary {${name}} refers to itself` });
      return undefined;
    }
    busy.add(name);
    const terms: string[] = [];
    const alternatives: string[] = [];
    const patterns: string[] = [];
    for (const e of list) {
      for (const t of e.terms ?? []) {
        const text = typeof t === 'string' ? t : t.term;
        for (const x of expandTerm(text, (n) => build(n, e), (m) => problems?.push({ file: e.file, line: e.line, entryId: e.id, field: 'terms', message: m }))) {
          terms.push(x.toLowerCase());
          alternatives.push(termToRegex(x));
        }
      }
      for (const p of e.patterns ?? []) {
        const src = typeof p === 'string' ? p : p.regex;
        patterns.push(expandPatternWith(src, (n) => build(n, e), (m) => problems?.push({ file: e.file, line: e.line, entryId: e.id, field: 'patterns', message: m })));
      }
      for (const a of e.abbreviations ?? []) {
        const text = typeof a === 'string' ? a : a.abbr;
        terms.push(text.toLowerCase());
        alternatives.push(escapeRegex(text));
      }
    }
    busy.delete(name);
    // Longest first, so an alternation prefers "mother-in-law" over "mother".
    const uniq = [...new Set(alternatives)].sort((a, b) => b.length - a.length || (a < b ? -1 : 1));
    const pats = [...new Set(patterns)];
    const termSource = uniq.length ? `(?:${uniq.join('|')})` : '';
    const patternSource = pats.length ? `(?:${pats.join('|')})` : '';
    const v: CompiledVocabulary = {
      name,
      terms: [...new Set(terms)],
      words: wordsOf(terms),
      source: `(?:${[...uniq, ...pats].join('|')})`,
      termSource,
      patternSource,
    };
    done.set(name, v);
    return v;
  };
  for (const name of byName.keys()) build(name, undefined);
  return done;
}

/** A vocabulary's single-word terms (no space, not a word beginning such as "diabet*"). */
export function wordsOf(terms: readonly string[]): Set<string> {
  return new Set(terms.filter((t) => !/\s/.test(t) && !(t.length > 1 && t.endsWith('*'))));
}

function expandPatternWith(src: string, lookup: (name: string) => CompiledVocabulary | undefined, fail: (m: string) => void): string {
  return src.replace(REF, (whole, name: string) => {
    const v = lookup(name);
    if (!v) {
      fail(`refers to an unknown vocabulary {${name}}`);
      return whole;
    }
    return v.source;
  });
}

/** A pattern with its `{name}` references replaced by the vocabularies' alternations. */
export function expandPattern(src: string, vocabularies: Vocabularies, fail: (m: string) => void = () => undefined): string {
  return expandPatternWith(src, (n) => vocabularies.get(n), fail);
}

/** A term with `{name}` references: one term per combination of the vocabularies' terms. */
export function expandTerm(term: string, lookup: (name: string) => CompiledVocabulary | undefined, fail: (m: string) => void = () => undefined): string[] {
  if (!term.includes('{')) return [term];
  let out = [''];
  let last = 0;
  for (const m of term.matchAll(REF)) {
    const lit = term.slice(last, m.index);
    const v = lookup(m[1]);
    if (!v) {
      fail(`refers to an unknown vocabulary {${m[1]}}`);
      return [];
    }
    const next: string[] = [];
    for (const o of out) for (const t of v.terms) next.push(o + lit + t);
    if (next.length > MAX_EXPANSION) {
      fail(`expands to more than ${MAX_EXPANSION} terms; use a pattern instead`);
      return [];
    }
    out = next;
    last = m.index! + m[0].length;
  }
  return out.map((o) => o + term.slice(last));
}

/** Does a string refer to a vocabulary? */
export const hasReference = (s: string): boolean => /\{[a-z][a-z0-9-]*\}/.test(s);

/**
 * A vocabulary as a regex for detectors that test text: its terms as whole words, its patterns
 * as they are written (a pattern brings its own boundaries). Case-insensitive by default.
 */
export function vocabularyRegex(v: CompiledVocabulary | undefined, flags = 'i'): RegExp {
  if (!v) return /(?!)/;
  const parts: string[] = [];
  if (v.termSource) parts.push(`(?<![\\p{L}\\p{N}_])${v.termSource}(?![\\p{L}\\p{N}_])`);
  if (v.patternSource) parts.push(v.patternSource);
  return parts.length ? new RegExp(parts.join('|'), flags.includes('u') ? flags : flags + 'u') : /(?!)/;
}

/** The text layer's structure words, from the vocabularies named in lexicons/structure.yaml. */
export function textVocabulary(v: Vocabularies, knownWord: TextVocabulary['knownWord'] = NO_TEXT_VOCABULARY.knownWord): TextVocabulary {
  const headings = new Map<string, SectionKind>();
  const SECTION: [string, SectionKind][] = [
    ['heading-family', 'family'],
    ['heading-social', 'social'],
    ['heading-plan', 'plan'],
    ['heading-history', 'history'],
    ['heading-allergy', 'allergy'],
    ['heading-cc', 'cc'],
  ];
  for (const [name, kind] of SECTION) for (const t of v.get(name)?.terms ?? []) headings.set(t.replace(/\s+/g, ' '), kind);
  const atLineStart = (name: string, tail: string) => {
    const x = v.get(name);
    return x ? new RegExp(`^\\s*${x.source}${tail}`, 'iu') : NO_TEXT_VOCABULARY.signOff;
  };
  const anywhere = (name: string) => (v.get(name) ? vocabularyRegex(v.get(name), 'i') : NO_TEXT_VOCABULARY.addressed);
  return {
    headings,
    signOff: atLineStart('sign-off', '(?![\\p{L}\\p{N}_])'),
    salutation: atLineStart('salutation', '(?![\\p{L}\\p{N}_])'),
    regarding: atLineStart('patient-block-label', '\\s*:'),
    noBreakAfter: v.get('no-sentence-break-after')?.words ?? new Set(),
    // A speaker's label ("Doctor:", "Pt:") may stand before the question.
    questionOpening: v.get('question-opener') ? new RegExp(`^(?:[A-Za-z_]{1,20}:\\s*)?${v.get('question-opener')!.source}(?![\\p{L}\\p{N}_])`, 'iu') : NO_TEXT_VOCABULARY.questionOpening,
    addressed: anywhere('addressing'),
    knownWord,
    ...layoutVocabulary(v),
  };
}

/**
 * The characters (ASCII, lower case) a whole answer of these vocabularies can begin with (see
 * TextVocabulary.answerStarts), read off their terms as `termToRegex` writes them: a term
 * begins with its first character, or, past a hyphen `termToRegex` makes optional ("-ve"), with
 * the first character after its leading hyphens and spaces. Undefined when a vocabulary has
 * patterns (what a pattern begins with is not read here), or when a term is empty or begins
 * outside ASCII (a letter such as the long s matches an ASCII one when case is ignored).
 */
function answerStarts(vocabularies: (CompiledVocabulary | undefined)[]): string | undefined {
  const starts = new Set<string>();
  for (const v of vocabularies) {
    if (!v) continue; // an absent vocabulary answers nothing
    if (v.patternSource) return undefined;
    for (const term of v.terms) {
      const bare = term.replace(/^[-\s]+/, '');
      if (!bare || term.charCodeAt(0) >= 128 || bare.charCodeAt(0) >= 128) return undefined;
      starts.add(term[0].toLowerCase());
      starts.add(bare[0].toLowerCase());
    }
  }
  return [...starts].sort().join('');
}

/** The words context scope reads layout by (lexicons/context-layout.yaml): clauses, lists, forms and their answers. */
function layoutVocabulary(v: Vocabularies): Pick<
  TextVocabulary,
  | 'clauseSubject'
  | 'clauseJoiner'
  | 'clauseOwner'
  | 'clauseSubjectNoun'
  | 'listBreaker'
  | 'clauseVerb'
  | 'answerNo'
  | 'answerYes'
  | 'answerUnknown'
  | 'answerLead'
  | 'answerStarts'
  | 'formQuestionLabel'
  | 'formOpener'
  | 'yesNoQuestion'
  | 'formAddressed'
  | 'valueGeneric'
  | 'habit'
  | 'verbNegator'
  | 'conditionSubject'
  | 'consequenceModal'
  | 'listAdjunct'
  | 'habitQualifier'
  | 'conditionGeneric'
  | 'nowTime'
  | 'notDisclosed'
> {
  const words = (name: string): ReadonlySet<string> => v.get(name)?.words ?? new Set();
  const whole = (name: string) => (v.get(name) ? new RegExp(`^(?:${v.get(name)!.source})$`, 'iu') : NO_TEXT_VOCABULARY.answerNo);
  const opening = (name: string, label = '') => (v.get(name) ? new RegExp(`^${label}(?:${v.get(name)!.source})(?![\\p{L}\\p{N}_])`, 'iu') : NO_TEXT_VOCABULARY.answerNo);
  // A speaker's or a form's label ("Q:", "Doctor:") may stand before the question.
  const speaker = '(?:[A-Za-z_]{1,20}\\s*\\d{0,3}\\s*[:.)]\\s*)?';
  return {
    clauseSubject: words('clause-subject'),
    clauseJoiner: words('clause-joiner'),
    clauseOwner: words('clause-owner'),
    clauseSubjectNoun: words('clause-subject-noun'),
    listBreaker: words('list-breaker'),
    clauseVerb: words('clause-verb'),
    answerNo: whole('form-answer-no'),
    answerYes: whole('form-answer-yes'),
    answerUnknown: whole('form-answer-unknown'),
    answerLead: opening('form-answer-lead', ''),
    answerStarts: answerStarts(['form-answer-no', 'form-answer-yes', 'form-answer-unknown'].map((name) => v.get(name))),
    formQuestionLabel: opening('form-question-label'),
    formOpener: opening('form-question-opener', speaker),
    yesNoQuestion: opening('yes-no-question-opener', speaker),
    formAddressed: v.get('form-addressee') ? vocabularyRegex(v.get('form-addressee'), 'i') : NO_TEXT_VOCABULARY.answerNo,
    valueGeneric: words('field-value-generic'),
    habit: words('habit'),
    verbNegator: words('verb-negator'),
    conditionSubject: words('condition-subject'),
    consequenceModal: words('consequence-modal'),
    listAdjunct: words('list-adjunct'),
    habitQualifier: words('habit-qualifier'),
    conditionGeneric: words('condition-generic'),
    nowTime: v.get('now-time') ? vocabularyRegex(v.get('now-time'), 'i') : NO_TEXT_VOCABULARY.nowTime,
    notDisclosed: v.get('not-disclosed-answer') ? vocabularyRegex(v.get('not-disclosed-answer'), 'i') : NO_TEXT_VOCABULARY.notDisclosed,
  };
}
