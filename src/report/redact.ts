import { z } from 'zod';
import {
  CategorySchema,
  FindingSchema,
  PatientSchema,
  RedactOperatorSchema,
  type Category,
  type Finding,
  type Patient,
  type RedactedSpan,
  type Redaction,
  type RedactOperator,
  type ScanResult,
} from '../model/index.js';
import type { CompiledLexicon } from '../lexicon/compile.js';
import { resolvePatient } from '../rules/patient.js';
import { once, words } from '../rules/vocab.js';
import { defaultScanner, type Scanner } from '../scanner/index.js';
import { isAffirmed } from '../score/verdict.js';
import type { Analysed } from '../text/index.js';

/**
 * Redaction for subject access requests and letters sent on: every affirmed finding of the
 * chosen categories is replaced by a label naming its category (Presidio's "replace"
 * operator) or removed (its "redact"), never masked in a way that keeps a name's length or
 * initials. A third party's name found by the person-name rule is followed through the whole
 * document: every other mention of that person (full name, forename or surname alone, title
 * and surname) goes too, before or after; pronouns stay.
 */

/** The label each category's redactions read as (DESIGN.md, contract additions). */
export const REDACTION_LABEL: Record<Category, string> = {
  thirdParty: '[third party]',
  safeguarding: '[safeguarding]',
  sensitive: '[sensitive]',
  harm: '[harm]',
};

/** The rule id logged for a mention found by following a redacted person's name through the text. */
export const SAME_PERSON_RULE = 'redact/same-person';

/** Where ranges of different categories overlap, the label of the more serious one is shown. */
const PRIORITY: Record<Category, number> = { safeguarding: 4, harm: 3, thirdParty: 2, sensitive: 1 };

export const RedactOptionsSchema = z
  .object({
    /** which categories' findings are redacted; default thirdParty */
    categories: z.array(CategorySchema).min(1).optional(),
    /** replace (a category label, the default) or redact (nothing left in its place) */
    operator: RedactOperatorSchema.optional(),
    /** whose record it is, as given to scan: a mention that fits the patient's name is not followed */
    patient: PatientSchema.optional(),
    /** the scanner that made the result (its lexicons' title words); default the shared one */
    scanner: z.custom<Scanner>((v) => !!v && typeof v === 'object' && typeof (v as Scanner).analyse === 'function', 'must be a scanner from createScanner').optional(),
  })
  .strict();
export type RedactOptions = z.input<typeof RedactOptionsSchema>;

export interface RedactResult {
  /** the redacted text */
  text: string;
  /** each finding and mention redacted, in original offsets, sorted by start (no text) */
  redactions: Redaction[];
  /** each replaced range, original and redacted offsets: the offset map */
  map: RedactedSpan[];
}

/** Redaction refused: the result is not of this text, or its scan failed (nothing is returned that could be unredacted). */
export class RedactionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RedactionError';
  }
}

const ResultShape = z.object({ findings: z.array(FindingSchema), error: z.string().optional() });

interface Range {
  start: number;
  end: number;
  category: Category;
  ruleId: string;
}

/** The word lists the person-following reads (lexicons/people.yaml), built once per compiled lexicon. */
interface TitleWords {
  /** a regex source matching any title word, with its usual cases */
  source: string;
  male: ReadonlySet<string>;
  female: ReadonlySet<string>;
  /** a title at the end of a string (just before a name) */
  before: RegExp;
}

/** A word in the cases a name is written in: as written, Capitalised, UPPER (and lower for all-lower-case notes). */
function casedAlternatives(word: string, lower: boolean): string[] {
  const cap = word.charAt(0).toUpperCase() + word.slice(1).toLowerCase();
  const forms = new Set([word, cap, word.toUpperCase()]);
  if (lower) forms.add(word.toLowerCase());
  return [...forms];
}

const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');

function titleWords(lex: CompiledLexicon): TitleWords {
  return once(lex, 'redact-titles', () => {
    const all = [...words(lex, 'name-title')].sort((a, b) => b.length - a.length);
    const source = all.length ? `(?:${all.flatMap((t) => casedAlternatives(t, true)).map(escapeRegex).join('|')})` : '(?!)';
    return {
      source,
      male: words(lex, 'title-male'),
      female: words(lex, 'title-female'),
      before: new RegExp(`(?<![\\p{L}\\p{N}_])(${source})\\.?[ \\t]+$`, 'u'),
    };
  });
}

// A name's words: letters, with inner apostrophes and hyphens ("O'Brien", "Hughes-Price").
const NAME_WORD = /\p{L}[\p{L}\p{M}'\u2019]*(?:-\p{L}[\p{L}\p{M}'\u2019]*)*/gu;
// Token boundaries that also keep a hyphenated or apostrophised name whole ("Holt" is not in "Holt-Smith" or "O'Holt").
const BEFORE = "(?<![\\p{L}\\p{N}_]|\\p{L}-|\\p{L}['\\u2019])";
const AFTER = '(?![\\p{L}\\p{N}_]|-\\p{L})';

/** The words of a name as written in the text, possessive "'s" dropped, initials left out. */
function nameWords(span: string): string[] {
  return (span.match(NAME_WORD) ?? []).map((w) => w.replace(/['\u2019]s$/i, '')).filter((w) => w.length > 1);
}

function sexOfTitle(t: string | undefined, tw: TitleWords): 'male' | 'female' | undefined {
  if (!t) return undefined;
  const k = t.toLowerCase();
  return tw.male.has(k) ? 'male' : tw.female.has(k) ? 'female' : undefined;
}

/**
 * Every other mention of each redacted person: the full name, then each word of it alone
 * (forename, surname, each half of a double-barrelled name), with any title before it, found in
 * the whole text on token boundaries. A form made only of the patient's own name parts ("Mrs
 * Hughes" in Tom Hughes's record) is followed only where a title points away from the patient:
 * a title of the other sex, or (the patient's sex unknown) of the same sex as the person's own.
 */
function samePersonMentions(text: string, people: Range[], doc: Analysed, lex: CompiledLexicon, patient: Patient | undefined): Range[] {
  if (people.length === 0) return [];
  const tw = titleWords(lex);
  const identity = resolvePatient(doc, lex, patient);
  const own = new Set(identity.nameParts);
  const patientSex = identity.sex?.startsWith('f') ? 'female' : identity.sex?.startsWith('m') ? 'male' : undefined;
  const lower = doc.caseStyle === 'lower';
  const out: Range[] = [];
  const searched = new Set<string>();
  for (const p of people) {
    const parts = nameWords(text.slice(p.start, p.end));
    if (parts.length === 0) continue;
    const ownTitle = tw.before.exec(text.slice(Math.max(0, p.start - 16), p.start))?.[1];
    const forms: string[][] = [parts];
    for (const w of parts) {
      forms.push([w]);
      if (w.includes('-')) for (const half of w.split('-')) if (half.length > 1) forms.push([half]);
    }
    for (const form of forms) {
      const key = `${form.join(' ')}|${ownTitle ?? ''}`;
      if (searched.has(key)) continue;
      searched.add(key);
      const shared = own.size > 0 && form.every((w) => w.split('-').every((h) => own.has(h.toLowerCase().replace(/\u2019/g, "'"))));
      const body = form.map((w) => `(?:${casedAlternatives(w, lower).map(escapeRegex).join('|')})`).join('\\s+');
      const re = new RegExp(`${BEFORE}(?:(${tw.source})\\.?[ \\t]+)?${body}${AFTER}`, 'gu');
      for (const m of text.matchAll(re)) {
        if (shared) {
          const sex = sexOfTitle(m[1], tw);
          const away = sex !== undefined && (patientSex ? sex !== patientSex : sex === sexOfTitle(ownTitle, tw));
          if (!away) continue;
        }
        out.push({ start: m.index!, end: m.index! + m[0].length, category: 'thirdParty', ruleId: SAME_PERSON_RULE });
      }
    }
  }
  return out;
}

/** Merge overlapping or touching ranges, and same-label ranges with only spaces between them ("partner Dave"). */
function mergeRanges(text: string, ranges: Range[]): { start: number; end: number; category: Category }[] {
  const sorted = [...ranges].sort((a, b) => a.start - b.start || b.end - a.end);
  const groups: { start: number; end: number; category: Category }[] = [];
  for (const r of sorted) {
    const g = groups[groups.length - 1];
    if (g && (r.start <= g.end || (r.category === g.category && /^[ \t]*$/.test(text.slice(g.end, r.start))))) {
      g.end = Math.max(g.end, r.end);
      if (PRIORITY[r.category] > PRIORITY[g.category]) g.category = r.category;
      continue;
    }
    groups.push({ start: r.start, end: r.end, category: r.category });
  }
  return groups;
}

/**
 * `redact(text, result, options)`: the text with each affirmed finding of the chosen categories
 * (default thirdParty) replaced by its category's label, and every other mention of a redacted
 * person too. `result` is the scan of this same text. Throws RedactionError when the result
 * cannot be trusted for it (a failed scan, offsets outside the text): never a half-redacted text.
 */
export function redact(text: string, result: Pick<ScanResult, 'findings' | 'error'>, options: RedactOptions = {}): RedactResult {
  const opts = RedactOptionsSchema.parse(options);
  if (typeof text !== 'string') throw new RedactionError('text must be a string');
  const parsed = ResultShape.safeParse(result);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new RedactionError(`the scan result is not valid: field "${issue.path.join('.')}": ${issue.code}`);
  }
  const r = parsed.data;
  if (r.error) throw new RedactionError('the scan of this document failed, so its findings are incomplete: it is not redacted');
  const bad = r.findings.findIndex((f) => f.end > text.length || f.start > f.end);
  if (bad >= 0) throw new RedactionError(`finding ${bad} lies outside the text (offsets ${r.findings[bad].start}-${r.findings[bad].end} of ${text.length}): the result is not of this text`);

  const categories = new Set<Category>(opts.categories ?? ['thirdParty']);
  const scanner = opts.scanner ?? defaultScanner();
  const lex = scanner.compiled;
  const chosen: Finding[] = r.findings.filter((f) => isAffirmed(f) && categories.has(f.category) && f.end > f.start);
  const ranges: Range[] = chosen.map((f) => ({ start: f.start, end: f.end, category: f.category, ruleId: f.ruleId }));
  const people = ranges.filter((_, i) => chosen[i].type === 'person-name');
  if (people.length) {
    const mentions = samePersonMentions(text, people, scanner.analyse(text), lex, opts.patient);
    // A title before a redacted name goes with it: "[third party]", not "Mrs [third party]".
    const tw = titleWords(lex);
    for (const p of people) {
      const m = tw.before.exec(text.slice(Math.max(0, p.start - 16), p.start));
      if (m) p.start -= m[0].length;
    }
    // A mention the finding itself (or a longer mention) already covers adds nothing to the log.
    const covers = (r: Range, m: Range) => r !== m && r.start <= m.start && r.end >= m.end && (r.ruleId !== SAME_PERSON_RULE || r.end - r.start > m.end - m.start);
    const all = [...ranges, ...mentions];
    ranges.push(...mentions.filter((m) => !all.some((r) => covers(r, m))));
  }

  const label = (c: Category) => ((opts.operator ?? 'replace') === 'replace' ? REDACTION_LABEL[c] : '');
  let out = '';
  let at = 0;
  const map: RedactedSpan[] = [];
  for (const g of mergeRanges(text, ranges)) {
    out += text.slice(at, g.start);
    const redactedStart = out.length;
    out += label(g.category);
    map.push({ category: g.category, start: g.start, end: g.end, redactedStart, redactedEnd: out.length });
    at = g.end;
  }
  out += text.slice(at);

  const seen = new Set<string>();
  const redactions: Redaction[] = [];
  for (const x of [...ranges].sort((a, b) => a.start - b.start || a.end - b.end || (a.ruleId < b.ruleId ? -1 : 1))) {
    const k = `${x.start}:${x.end}:${x.category}:${x.ruleId}`;
    if (seen.has(k)) continue;
    seen.add(k);
    redactions.push({ category: x.category, ruleId: x.ruleId, start: x.start, end: x.end });
  }
  return { text: out, redactions, map };
}

/** The offset in the original text of an offset in the redacted one (inside a label: where the redacted range began). */
export function originalOffset(map: readonly RedactedSpan[], redacted: number): number {
  let shift = 0;
  for (const s of map) {
    if (redacted < s.redactedStart) break;
    if (redacted < s.redactedEnd) return s.start;
    shift = s.end - s.redactedEnd;
  }
  return redacted + shift;
}

/** The offset in the redacted text of an offset in the original (inside a redacted range: where its label begins). */
export function redactedOffset(map: readonly RedactedSpan[], original: number): number {
  let shift = 0;
  for (const s of map) {
    if (original < s.start) break;
    if (original < s.end) return s.redactedStart;
    shift = s.redactedEnd - s.end;
  }
  return original + shift;
}
