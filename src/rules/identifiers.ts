import type { CompiledLexicon } from '../lexicon/compile.js';
import { sectionAt, tokensCovering, type Analysed } from '../text/index.js';
import type { ContextResult } from '../model/index.js';
import { nhsCheckDigitValid, nhsRangePlausible } from './nhs-number.js';
import { parseDate } from './patient.js';
import type { DetectInput, RawFinding, Rule, RuleExample, Source } from './types.js';
import { once, vocabRegex, vocabSource } from './vocab.js';

/**
 * Identifiers and contact details: NHS number, UK phone, email, postcode, date of birth,
 * National Insurance number. The patient's own, and a professional's or an organisation's
 * (letterhead, signature, helplines), are not third-party findings.
 */

// Shapes of identifiers (not words): NHS number, UK phone, email, postcode, National Insurance number.
const NHS_RE = /(?<![\d])(\d{3})([ -]?)(\d{3})\2(\d{4})(?![\d])/g;
const PHONE_RE = /(?<![\d+])(?:(?:\+44\s?\(?0?\)?\s?|\(?0)(?:7\d{3}\)?[\s-]?\d{3}[\s-]?\d{3}|[1-3]\d{2,3}\)?[\s-]?\d{3,4}[\s-]?\d{3,4}|800[\s-]?\d{3}[\s-]?\d{3,4}))(?![\d])/g;
const EMAIL_RE = /\b[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9.-]{1,253}\.[A-Za-z]{2,24}\b/g;
const POSTCODE_RE = /\b(?:[A-Z]{1,2}\d[A-Z\d]?) ?\d[ABD-HJLNP-UW-Z]{2}\b/g;
const DATE = String.raw`(\d{1,2}[./-]\d{1,2}[./-]\d{2,4}|\d{4}-\d{2}-\d{2}|\d{1,2} [A-Za-z]{3,9} \d{4})`;
const NI_RE = /\b(?!BG|GB|KN|NK|NT|TN|ZZ)[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z] ?\d{2} ?\d{2} ?\d{2} ?[A-D]\b/g;

/** The cue regexes this rule reads, built from the lexicons' vocabularies (lexicons/identifiers.yaml). */
interface Cues {
  /** "NHS no:" just before a number */
  nhsCue: RegExp;
  /** "DOB 02/03/1980" */
  dob: RegExp;
  /** words that make a number or address an organisation's or a professional's */
  org: RegExp;
  /** words that make it the patient's own ("her new mobile", "pt changed address") */
  patient: RegExp;
  /** words that point at another person (relationship words, his/her) */
  third: RegExp;
  /** a relative named on a header line ("Mother: Donna SHAW, 41 Larch Avenue") */
  relLine: RegExp;
  /** email domains of professionals and public bodies */
  proDomain: RegExp;
}

function cuesOf(lex: CompiledLexicon): Cues {
  return once(lex, 'identifiers', () => ({
    nhsCue: new RegExp(`(?<![\\p{L}\\p{N}_])${vocabSource(lex, 'nhs-number-label')}(?![\\p{L}\\p{N}_])(?:\\s*${vocabSource(lex, 'number-label')})?\\s*:?\\s*$`, 'iu'),
    dob: new RegExp(`(?<![\\p{L}\\p{N}_])${vocabSource(lex, 'dob-label')}\\s*:?\\s*${DATE}`, 'giu'),
    org: vocabRegex(lex, 'organisation-cue'),
    patient: vocabRegex(lex, 'own-contact-cue'),
    third: vocabRegex(lex, 'third-party-cue'),
    relLine: vocabRegex(lex, 'relative'),
    proDomain: new RegExp(`@${vocabSource(lex, 'professional-email-domain')}$`, 'i'),
  }));
}
const AFFIRMED: ContextResult = { negated: false, uncertain: false, hypothetical: false, historical: false, experiencer: 'other', triggers: [] };

function sentenceText(doc: Analysed, offset: number): string {
  // The sentence around an offset (normalised), for cue words.
  let lo = 0;
  let hi = doc.sentences.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const s = doc.sentences[mid];
    if (offset < s.start) hi = mid - 1;
    else if (offset >= s.end) lo = mid + 1;
    else return doc.norm.text.slice(s.start, s.end);
  }
  return doc.norm.text.slice(Math.max(0, offset - 80), offset + 80);
}

function tokenSpan(doc: Analysed, start: number, end: number): [number, number] {
  const [a, b] = tokensCovering(doc.tokens, start, end);
  return [a, Math.max(b, a + 1)];
}

type Owner = 'patient' | 'professional' | 'third' | 'unknown';

function lineAt(doc: Analysed, offset: number): string {
  const text = doc.norm.text;
  const a = text.lastIndexOf('\n', offset - 1) + 1;
  const b = text.indexOf('\n', offset);
  return text.slice(a, b < 0 ? text.length : b);
}

function ownerOf(doc: Analysed, cues: Cues, start: number, end: number): Owner {
  const sec = sectionAt(doc.sections, start);
  if (sec && (sec.kind === 'regarding' || sec.kind === 'header')) {
    if (cues.relLine.test(lineAt(doc, start))) return 'third';
    // The Re: block is the patient's; the letterhead is the organisation's.
    return sec.kind === 'regarding' ? 'patient' : 'professional';
  }
  if (sec && (sec.kind === 'signature' || sec.kind === 'cc' || sec.kind === 'salutation')) return 'professional';
  const sent = sentenceText(doc, start);
  const before = doc.norm.text.slice(Math.max(0, start - 60), start);
  // The cue nearest the number decides: "at pt's request: sister Leanne, 07700..." is the sister's.
  const lastAt = (re: RegExp) => {
    let at = -1;
    for (const m of before.matchAll(new RegExp(re.source, 'giu'))) at = m.index! + m[0].length;
    return at;
  };
  const pat = lastAt(cues.patient);
  const rel = lastAt(cues.relLine);
  if (pat >= 0 && pat > rel) return 'patient';
  if (rel >= 0) return 'third';
  if (cues.org.test(sent)) return 'professional';
  if (cues.third.test(before) || cues.third.test(sent)) return 'third';
  return 'unknown';
}

export function detectIdentifiers(input: DetectInput): RawFinding[] {
  const { doc, patient } = input;
  const cues = cuesOf(input.lexicon);
  const text = doc.norm.text;
  const out: RawFinding[] = [];
  // Characters already claimed by an identifier (a DOB is never also a phone number).
  const claimed = new Uint8Array(text.length + 1);
  const overlaps = (s: number, e: number) => {
    for (let i = s; i < e; i++) if (claimed[i]) return true;
    return false;
  };
  const taken = { push: ([s, e]: [number, number]) => claimed.fill(1, s, e) };
  const add = (type: string, start: number, end: number, weight: number) => {
    if (overlaps(start, end)) return;
    taken.push([start, end]);
    const [a, b] = tokenSpan(doc, start, end);
    out.push({ category: 'thirdParty', type, ruleId: `identifier/${type}`, start, end, startTok: a, endTok: b, weight, context: { ...AFFIRMED, triggers: [] } });
  };
  const weightFor = (owner: Owner, strong: number, unknown: number) =>
    owner === 'third' ? strong : owner === 'unknown' ? unknown : 0;

  // Dates of birth first: "DOB 02/03/1980" is a date, never a phone number.
  for (const m of text.matchAll(cues.dob)) {
    const d = parseDate(m[1]);
    const own = d && patient.dob && d.d === patient.dob.d && d.m === patient.dob.m && d.y === patient.dob.y;
    const owner = own ? 'patient' : ownerOf(doc, cues, m.index!, m.index! + m[0].length);
    if (owner === 'patient' || (owner === 'professional' && !cues.third.test(sentenceText(doc, m.index!)))) {
      taken.push([m.index!, m.index! + m[0].length]);
      continue;
    }
    add('date-of-birth', m.index!, m.index! + m[0].length, 0.85);
  }

  for (const m of text.matchAll(NHS_RE)) {
    const digits = m[1] + m[3] + m[4];
    if (!nhsCheckDigitValid(digits) || !nhsRangePlausible(digits)) continue;
    const spaced = m[2] !== '';
    const cue = cues.nhsCue.test(text.slice(Math.max(0, m.index! - 24), m.index!));
    // A bare ten-digit number that merely passes the check is not enough.
    if (!spaced && !cue) continue;
    const start = m.index!;
    const end = start + m[0].length;
    if (patient.nhsDigits && digits === patient.nhsDigits) {
      taken.push([start, end]);
      continue;
    }
    const sec = sectionAt(doc.sections, start);
    if (sec?.kind === 'regarding' && !patient.nhsDigits) {
      taken.push([start, end]);
      continue;
    }
    add('nhs-number', start, end, 0.9);
  }

  for (const m of text.includes('@') ? text.matchAll(EMAIL_RE) : []) {
    const start = m.index!;
    const end = start + m[0].length;
    const owner = cues.proDomain.test(m[0]) ? 'professional' : ownerOf(doc, cues, start, end);
    const w = weightFor(owner, 0.85, 0.5);
    if (w > 0) add('email', start, end, w);
    else taken.push([start, end]);
  }

  for (const m of text.matchAll(PHONE_RE)) {
    const start = m.index!;
    const end = start + m[0].length;
    if (overlaps(start, end)) continue;
    const w = weightFor(ownerOf(doc, cues, start, end), 0.85, 0.5);
    if (w > 0) add('phone', start, end, w);
  }

  for (const m of text.matchAll(POSTCODE_RE)) {
    const start = m.index!;
    const end = start + m[0].length;
    if (overlaps(start, end)) continue;
    const w = weightFor(ownerOf(doc, cues, start, end), 0.85, 0.4);
    if (w > 0) add('postcode', start, end, w);
  }

  for (const m of text.matchAll(NI_RE)) {
    const start = m.index!;
    const end = start + m[0].length;
    if (overlaps(start, end)) continue;
    const w = weightFor(ownerOf(doc, cues, start, end), 0.85, 0.5);
    if (w > 0) add('ni-number', start, end, w);
  }
  return out;
}


const identifierRule = (type: string, what: string, match: RuleExample[], noMatch: RuleExample[]): Rule => ({
  origin: 'code',
  meta: {
    id: `identifier/${type}`,
    category: 'thirdParty',
    types: [type],
    description: `Another person's ${what}. The patient's own (from the scan context or a letter's Re: block), a professional's or an organisation's (letterhead, signature, helplines) are not findings.`,
    docs: "POLICY.md: any third-party identifier or contact detail is withhold",
  },
  examples: { match, noMatch },
});

export const identifierRules: Rule[] = [
  identifierRule('nhs-number', 'NHS number', ['Partner (John Smith, NHS 943 476 5919) is HIV positive.'], [{ text: 'NHS 943 476 5919 confirmed at check-in.', patient: { nhsNumber: '9434765919' } }, 'Batch number 1234567890 recorded.']),
  identifierRule('phone', 'phone number', ["Sister's mobile 07700 900123 given as next of kin."], ['Crisis line 0800 123 4567 given.', "Pt's new mobile 07700 900456 updated."]),
  identifierRule('email', 'email address', ['Daughter asks for letters to jo.bloggs@example.com.'], ['Reply to the clinic at clinic.team@nhs.net.']),
  identifierRule('postcode', 'postcode', ['Her ex-partner now lives at 12 Mill Lane, AB1 2DE.'], ['Letter from Riverside Surgery, Mill Road, AB1 2DE.']),
  identifierRule('date-of-birth', 'date of birth', ['Son (DOB 12/04/2015) is on a child protection plan.'], [{ text: 'Re: Gwen Hughes DOB 02/03/1980', patient: { name: 'Gwen Hughes', dateOfBirth: '1980-03-02' } }]),
  identifierRule('ni-number', 'National Insurance number', ["Husband's NI number JT 12 34 56 C on the form."], ['Reviewed the QOF indicators.']),
];

export const identifiers: Source = { stage: 'detect', name: 'identifiers', rules: identifierRules, detect: detectIdentifiers };
