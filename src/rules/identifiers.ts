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

// Shapes of identifiers (not words): NHS number, UK phone, email, postcode, National Insurance
// number. The shapes with digits are sticky: they are tried only near runs of digits (nearDigits).
const NHS_RE = /(?<![\d])(\d{3})([ -]?)(\d{3})\2(\d{4})(?![\d])/y;
const PHONE_RE = /(?<![\d+])(?:(?:\+44\s?\(?0?\)?\s?|\(?0)(?:7\d{3}\)?[\s-]?\d{3}[\s-]?\d{3}|[1-3]\d{2,3}\)?[\s-]?\d{3,4}[\s-]?\d{3,4}|800[\s-]?\d{3}[\s-]?\d{3,4}))(?![\d])/y;
const EMAIL_RE = /\b[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9.-]{1,253}\.[A-Za-z]{2,24}\b/g;
const POSTCODE_RE = /\b(?:[A-Z]{1,2}\d[A-Z\d]?) ?\d[ABD-HJLNP-UW-Z]{2}\b/y;
const DATE = String.raw`(\d{1,2}[./-]\d{1,2}[./-]\d{2,4}|\d{4}-\d{2}-\d{2}|\d{1,2} [A-Za-z]{3,9} \d{4})`;
const NI_RE = /\b(?!BG|GB|KN|NK|NT|TN|ZZ)[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z] ?\d{2} ?\d{2} ?\d{2} ?[A-D]\b/y;
// A phone number in another layout ("613-555-0142", "(613) 555-0177", "+234 803 123 4567",
// "613- 555- 0199"): digit groups are also references, results and dates, so these count only
// next to a phone label or a relationship word (phoneAnchored).
const OTHER_PHONE_RE = /(?<![\d+/.])(?<!\d-)(?:\+\d{1,3}[ .-]?)?(?:\(\d{2,5}\)[ .-]?)?\d{2,5}(?:(?:[ ./]|- ?)\d{2,8}){1,3}(?![\d])/y;
const DATE_SHAPE = /^(?:\d{1,2}[./-]\d{1,2}[./-]\d{2,4}|\d{4}[./-]\d{1,2}[./-]\d{1,2})$/;

/** A sticky shape with digits, and how far before its first digit a match of it can start. */
export interface DigitShape {
  re: RegExp;
  lead: number;
}

/**
 * The shapes with digits. In every one the first digit begins a run of digits (a lookbehind, a
 * letter, a sign or a bracket before it), within `lead` characters of the match's start: NHS
 * numbers start with it; phone numbers may have "+" or "(" first; a postcode one or two letters
 * ("AB1 2DE"); a National Insurance number two letters and a space ("JT 12 34 56 C").
 */
export const DIGIT_SHAPES = {
  nhs: { re: NHS_RE, lead: 0 },
  phone: { re: PHONE_RE, lead: 1 },
  otherPhone: { re: OTHER_PHONE_RE, lead: 1 },
  postcode: { re: POSTCODE_RE, lead: 2 },
  ni: { re: NI_RE, lead: 3 },
} satisfies Record<string, DigitShape>;

const DIGIT_RUN = /\d+/g;

/** Where each run of digits (0-9) starts, in order. */
export function digitRuns(text: string): number[] {
  const out: number[] = [];
  DIGIT_RUN.lastIndex = 0;
  for (let m = DIGIT_RUN.exec(text); m; m = DIGIT_RUN.exec(text)) out.push(m.index);
  return out;
}

/**
 * The matches of a sticky shape, the same as `text.matchAll` would give for its global form
 * (leftmost first, each after the last one's end), tried only at the positions where one can
 * start: up to `lead` characters before a run of digits. Most text has no digit at all, and a
 * regex scan of every position of every document cost more than the rest of this rule.
 */
export function nearDigits({ re, lead }: DigitShape, text: string, runs: readonly number[]): RegExpExecArray[] {
  const out: RegExpExecArray[] = [];
  let next = 0; // positions before this are tried already, or inside the last match
  for (const r of runs) {
    for (let at = Math.max(next, r - lead); at <= r; at++) {
      re.lastIndex = at;
      const m = re.exec(text);
      if (!m) continue;
      out.push(m);
      next = at + Math.max(1, m[0].length);
      at = next - 1;
    }
    next = Math.max(next, r + 1);
  }
  return out;
}

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
  /** a service's shared mailbox, by the start of its local part ("referrals@", "occhealth@") */
  mailbox: RegExp;
  /** a phone label just before a number ("tel", "mobile", "CELLULAR-", "reached at") */
  phoneLabel: RegExp;
  /** an organisation word that is the object of a contact verb ("rang the team"): not the number's owner */
  contacted: RegExp;
  /** a field line of a block ("  Tel: 07700 ...", "Address: ...") */
  fieldLine: RegExp;
  /** "07700 900633 (her own)": the patient's, said after the number */
  ownAfter: RegExp;
  /** a line that names the record's subject by a label ("Patient: Doreen PLATT", "Our client: Mr FINCH") */
  patientLine: RegExp;
  /** an identifier's label with its number ("NHS No: 930 203 0954"): a field of a block, not an organisation's name */
  nhsField: RegExp;
  /** a document written by a relative ("I am his wife", "my father, who is your patient", a signature "Margaret Sowerby (daughter)") */
  relativeWriter: RegExp;
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
    // the word whole: "teamleader.dave@" is a person's
    mailbox: new RegExp(`^${vocabSource(lex, 'service-mailbox')}\\d*(?:[._-][a-z0-9._-]*)?@`, 'i'),
    phoneLabel: new RegExp(`(?<![\\p{L}\\p{N}_])${vocabSource(lex, 'phone-label')}[\\s:.#()-]{0,4}$`, 'iu'),
    contacted: new RegExp(`(?<![\\p{L}\\p{N}_])${vocabSource(lex, 'contacted-verb')}\\s+(?:the\\s+|our\\s+|your\\s+|this\\s+)?$`, 'iu'),
    ownAfter: new RegExp(vocabSource(lex, 'own-after'), 'iu'),
    patientLine: new RegExp(`^\\s*(?:${vocabSource(lex, 'patient-field-label')})\\s*:`, 'iu'),
    fieldLine: /^\s*[A-Za-z][A-Za-z .'/-]{0,24}\d?:/,
    nhsField: new RegExp(`(?<![\\p{L}\\p{N}_])${vocabSource(lex, 'nhs-number-label')}(?:\\s*${vocabSource(lex, 'number-label')})?\\s*:?\\s*\\d[\\d -]{8,11}\\d`, 'giu'),
    relativeWriter: new RegExp(
      [
        `\\bI(?:'m|\\s+am)\\s+(?:his|her|their|[A-Z][a-z]+'s)\\s+(?:${vocabSource(lex, 'relative')})\\b`,
        `\\bmy\\s+(?:${vocabSource(lex, 'relative')}),?[^.\\n]{0,80}\\byour\\s+patient\\b`,
        `^[^\\n]{0,60}\\((?:his\\s+|her\\s+)?(?:${vocabSource(lex, 'relative')})\\)[ \\t]*$`,
      ].join('|'),
      'imu',
    ),
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

/** The text of the sentence before an offset, at most 160 characters of it. */
function sentenceBefore(doc: Analysed, offset: number): string {
  const text = doc.norm.text;
  let from = Math.max(0, offset - 160);
  const s = doc.sentences.find((x) => x.start <= offset && offset < x.end);
  if (s && s.start > from) from = s.start;
  return text.slice(from, offset);
}

/**
 * A block of field lines under a person ("Attorney 1: Mrs Carol Ibbotson (daughter)" /
 * "  Address: ..." / "  Tel: 07700 ..."): a number on a field line with no owner of its own is
 * the person's the block is about, up to a blank line, three lines up. Under a line that names
 * the record's subject by its label ("Patient: PLATT, Doreen" / "DOB: ..." / "NHS number: ..."),
 * a letter's or a form's own header block, it is the patient's.
 */
function blockOwner(doc: Analysed, cues: Cues, offset: number, namesPatient: (line: string) => boolean): Owner | undefined {
  const text = doc.norm.text;
  let a = text.lastIndexOf('\n', offset - 1) + 1;
  if (!cues.fieldLine.test(lineAt(doc, offset))) return undefined;
  for (let n = 0; n < 3 && a > 0; n++) {
    const b = a - 1;
    a = text.lastIndexOf('\n', b - 1) + 1;
    const prev = text.slice(a, b);
    if (!prev.trim()) return undefined;
    const rel = cues.relLine.test(prev);
    // "DOB: ...   NHS No: 930 203 0954" is a field line of the block, not an organisation's.
    const org = cues.org.test(prev.replace(new RegExp(cues.relLine.source, 'giu'), '').replace(cues.nhsField, ''));
    if (rel && !org) return 'third';
    if (!rel && (cues.patientLine.test(prev) || namesPatient(prev))) return 'patient';
    if (org) return undefined;
  }
  return undefined;
}

interface PatientNamer {
  /**
   * The line names the patient by forename and surname both (any order, any case: "Surname:
   * REID   Forename: Callum", "Patient discussed: PENHALIGON, Iris"): a header or form line about
   * the patient, whose fields (DOB, NHS number, address) are the patient's.
   */
  inFull: (line: string) => boolean;
  /** The line names the patient's surname, or their only name, as a word of its own ("hart" is not in "hart's"): a date of birth beside it that is not theirs is another patient's. */
  bySurname: (line: string) => boolean;
}

/**
 * Whole-word tests of a line for the patient's name parts (lower case, as patient.ts gives
 * them). Each regex is built when first asked for: most documents never ask.
 */
function patientNamer(patient: DetectInput['patient']): PatientNamer {
  const { forename, surname } = patient;
  const escaped = (w: string) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const key = surname ?? forename;
  // a run of letters and apostrophes equal to the name part, in the lower-cased line
  let keyWord: RegExp | undefined;
  const bySurname = (line: string) => {
    if (!key) return false;
    keyWord ??= new RegExp(`(?<![\\p{L}'])${escaped(key)}(?![\\p{L}'])`, 'u');
    return keyWord.test(line.toLowerCase());
  };
  if (!forename || !surname || forename === surname) return { inFull: () => false, bySurname };
  const word = (w: string) => new RegExp(`(?<![\\p{L}'])${escaped(w)}(?![\\p{L}])`, 'iu');
  let both: [RegExp, RegExp] | undefined;
  const inFull = (line: string) => {
    both ??= [word(forename), word(surname)];
    return both[0].test(line) && both[1].test(line);
  };
  return { inFull, bySurname };
}

/**
 * A line that opens with the label of the record's subject ("Our client: Mr Anthony Greaves,
 * 118 Canal Street, M99 8QX", "Applicant: ... NHS No ..."), or names the patient in full before
 * the identifier, and names no relative: its fields are the patient's.
 */
function onPatientLine(doc: Analysed, cues: Cues, start: number, namesPatient: (line: string) => boolean): boolean {
  const text = doc.norm.text;
  const lineBefore = text.slice(text.lastIndexOf('\n', start - 1) + 1, start);
  return !cues.relLine.test(lineAt(doc, start)) && (cues.patientLine.test(lineBefore) || namesPatient(lineBefore));
}

function ownerOf(doc: Analysed, cues: Cues, start: number, end: number, namesPatient: (line: string) => boolean = () => false): Owner {
  const sec = sectionAt(doc.sections, start);
  const line = lineAt(doc, start);
  if (sec && (sec.kind === 'regarding' || sec.kind === 'header')) {
    if (cues.relLine.test(line)) return 'third';
    // The Re: block is the patient's; the letterhead is the organisation's.
    return sec.kind === 'regarding' ? 'patient' : 'professional';
  }
  if (onPatientLine(doc, cues, start, namesPatient)) return 'patient';
  if (sec && (sec.kind === 'signature' || sec.kind === 'cc' || sec.kind === 'salutation')) return 'professional';
  const sent = sentenceText(doc, start);
  const before = sentenceBefore(doc, start);
  if (cues.ownAfter.test(doc.norm.text.slice(end, end + 24))) return 'patient';
  // The cue nearest the number decides: "at pt's request: sister Leanne, 07700..." is the
  // sister's, "son given the crisis line 0800..." the service's. A phone label ("tel",
  // "mobile") says only that it is a number, and an organisation the person contacted ("her
  // mother rang the team (contact 07700...)") is not its owner.
  const lastAt = (re: RegExp, keep: (at: number, text: string) => boolean = () => true) => {
    let at = -1;
    for (const m of before.matchAll(new RegExp(re.source, 'giu'))) if (keep(m.index!, m[0])) at = m.index! + m[0].length;
    return at;
  };
  const pat = lastAt(cues.patient);
  const rel = lastAt(cues.relLine);
  const org = lastAt(cues.org, (at, word) => !cues.contacted.test(before.slice(0, at)) && !cues.phoneLabel.test(word));
  const nearest = Math.max(pat, rel, org);
  if (nearest >= 0) {
    if (nearest === pat) return 'patient';
    if (nearest === rel) return 'third';
    return 'professional';
  }
  const block = blockOwner(doc, cues, start, namesPatient);
  if (block) return block;
  if (cues.org.test(sent)) return 'professional';
  if (cues.third.test(before) || cues.third.test(sent)) return 'third';
  return ownerAbove(doc, cues, start) ?? 'unknown';
}

/**
 * A number alone on its line after a phone label is the person's on the line above: a role or a
 * service and no relative there is a signature block's ("Bronagh McAteer / Health Visitor,
 * Eastbrook Team / Mob 07700 900118"), a relative and no service a contact's ("Daughter Jane /
 * Mob 07700 900119").
 */
function ownerAbove(doc: Analysed, cues: Cues, start: number): Owner | undefined {
  const text = doc.norm.text;
  const lineStart = text.lastIndexOf('\n', start - 1) + 1;
  if (lineStart === 0 || !cues.phoneLabel.test(text.slice(lineStart, start))) return undefined;
  const prevStart = text.lastIndexOf('\n', lineStart - 2) + 1;
  const prev = text.slice(prevStart, lineStart - 1);
  const org = cues.org.test(prev);
  const rel = cues.relLine.test(prev);
  if (org && !rel) return 'professional';
  if (rel && !org) return 'third';
  return undefined;
}

/** A number in another layout is a phone number only just after a phone label, or in a clause that names a relative. */
function phoneAnchored(doc: Analysed, cues: Cues, start: number): boolean {
  const text = doc.norm.text;
  const lineStart = text.lastIndexOf('\n', start - 1) + 1;
  const near = text.slice(Math.max(lineStart, start - 24), start);
  if (cues.phoneLabel.test(near)) return true;
  const clause = text.slice(Math.max(lineStart, start - 60), start).split(/[.;]\s/).pop() ?? '';
  return cues.relLine.test(clause);
}

export function detectIdentifiers(input: DetectInput): RawFinding[] {
  const { doc, patient } = input;
  const cues = cuesOf(input.lexicon);
  const text = doc.norm.text;
  const namer = patientNamer(patient);
  const namesPatient = namer.inFull;
  // A letter a relative wrote: what its writer calls "my number" is the relative's ("My number
  // is 07700 900416 ... Margaret Sowerby (daughter)"), which a letter from the patient is not.
  let byRelative: boolean | undefined;
  const writersOwn = (start: number) => /\b(?:my|me|I)\b[^.;\n]{0,30}$/i.test(text.slice(Math.max(0, start - 40), start)) && (byRelative ??= cues.relativeWriter.test(text));
  const whose = (start: number, end: number): Owner => {
    const owner = ownerOf(doc, cues, start, end, namesPatient);
    return owner !== 'third' && owner !== 'professional' && writersOwn(start) ? 'third' : owner;
  };
  const out: RawFinding[] = [];
  // Characters already claimed by an identifier (a DOB is never also a phone number); made at
  // the first claim, as most documents have no identifier.
  let claimed: Uint8Array | undefined;
  const overlaps = (s: number, e: number) => {
    if (!claimed) return false;
    for (let i = s; i < e; i++) if (claimed[i]) return true;
    return false;
  };
  const taken = { push: ([s, e]: [number, number]) => (claimed ??= new Uint8Array(text.length + 1)).fill(1, s, e) };
  const add = (type: string, start: number, end: number, weight: number) => {
    if (overlaps(start, end)) return;
    taken.push([start, end]);
    const [a, b] = tokenSpan(doc, start, end);
    out.push({ category: 'thirdParty', type, ruleId: `identifier/${type}`, start, end, startTok: a, endTok: b, weight, context: { ...AFFIRMED, triggers: [] } });
  };
  const weightFor = (owner: Owner, strong: number, unknown: number) =>
    owner === 'third' ? strong : owner === 'unknown' ? unknown : 0;

  const runs = digitRuns(text);
  // Dates of birth first: "DOB 02/03/1980" is a date, never a phone number. (A date has digits.)
  for (const m of runs.length ? text.matchAll(cues.dob) : []) {
    const d = parseDate(m[1]);
    const own = d && patient.dob && d.d === patient.dob.d && d.m === patient.dob.m && d.y === patient.dob.y;
    // A date of birth other than the patient's known one, on a line that names the patient (a
    // "Re:" line with the patient's name and another date of birth), is another patient's: the
    // letter is someone else's. A baby's "born 01/03/2025" on its own line is not this.
    const conflict = !!d && !!patient.dob && !own && namer.bySurname(lineAt(doc, m.index!));
    const owner = own ? 'patient' : whose(m.index!, m.index! + m[0].length);
    if (!conflict && (owner === 'patient' || (owner === 'professional' && !cues.third.test(sentenceText(doc, m.index!))))) {
      taken.push([m.index!, m.index! + m[0].length]);
      continue;
    }
    add('date-of-birth', m.index!, m.index! + m[0].length, 0.85);
  }

  for (const m of nearDigits(DIGIT_SHAPES.nhs, text, runs)) {
    const digits = m[1] + m[3] + m[4];
    if (!nhsCheckDigitValid(digits) || !nhsRangePlausible(digits)) continue;
    const spaced = m[2] !== '';
    const cue = cues.nhsCue.test(text.slice(Math.max(0, m.index! - 24), m.index!));
    // A bare ten-digit number that merely passes the check is not enough.
    if (!spaced && !cue) continue;
    // "tel 613-555-0142", "mobile 943 476 5919": a phone label says it is a phone number
    if (!cue && cues.phoneLabel.test(text.slice(Math.max(0, m.index! - 24), m.index!))) continue;
    const start = m.index!;
    const end = start + m[0].length;
    if (patient.nhsDigits && digits === patient.nhsDigits) {
      taken.push([start, end]);
      continue;
    }
    const sec = sectionAt(doc.sections, start);
    // Unknown to the caller, the number in the Re: block or the header block under "Patient:" is the patient's.
    if ((sec?.kind === 'regarding' || onPatientLine(doc, cues, start, namesPatient) || blockOwner(doc, cues, start, namesPatient) === 'patient') && !patient.nhsDigits) {
      taken.push([start, end]);
      continue;
    }
    add('nhs-number', start, end, 0.9);
  }

  for (const m of text.includes('@') ? text.matchAll(EMAIL_RE) : []) {
    const start = m.index!;
    const end = start + m[0].length;
    // A public body's domain is not a person's; nor is a service's shared mailbox at any domain,
    // unless a relative's cue says whose it is ("son's email: info.dave@...").
    let owner: Owner = cues.proDomain.test(m[0]) ? 'professional' : whose(start, end);
    if (owner !== 'third' && cues.mailbox.test(m[0])) owner = 'professional';
    const w = weightFor(owner, 0.85, 0.5);
    if (w > 0) add('email', start, end, w);
    else taken.push([start, end]);
  }

  // A number the document gives as an organisation's or a professional's somewhere (the
  // letterhead's "Tel 01632 960118") is theirs where nothing else says whose it is ("please
  // contact our paralegal on 01632 960118").
  const phones = nearDigits(DIGIT_SHAPES.phone, text, runs).map((m) => {
    const start = m.index! + (m[0].startsWith('(') && !m[0].includes(')') ? 1 : 0);
    const end = m.index! + m[0].length;
    return { start, end, digits: m[0].replace(/\D/g, ''), owner: overlaps(start, end) ? undefined : whose(start, end) };
  });
  const orgNumbers = new Set(phones.filter((p) => p.owner === 'professional').map((p) => p.digits));
  for (const { start, end, digits, owner } of phones) {
    if (owner === undefined || overlaps(start, end)) continue;
    const w = weightFor(owner === 'unknown' && orgNumbers.has(digits) ? 'professional' : owner, 0.85, 0.5);
    if (w > 0) add('phone', start, end, w);
    else taken.push([start, end]);
  }

  for (const m of nearDigits(DIGIT_SHAPES.otherPhone, text, runs)) {
    const start = m.index!;
    const end = start + m[0].length;
    const digits = m[0].replace(/\D/g, '').length;
    if (digits < 7 || digits > 13 || DATE_SHAPE.test(m[0]) || overlaps(start, end)) continue;
    // three groups or more ("613-555-0142"), a group of six digits or more ("613 5550199"), or a
    // dialling code ("+234 ...", "(410) ..."); never two short groups ("2019-2020", "555-0177")
    const groups = m[0].match(/\d+/g)!;
    if (groups.length < 3 && !groups.some((g) => g.length >= 6) && !/^[+(]/.test(m[0])) continue;
    if (!phoneAnchored(doc, cues, start)) continue;
    const w = weightFor(whose(start, end), 0.85, 0.5);
    if (w > 0) add('phone', start, end, w);
    else taken.push([start, end]);
  }

  for (const m of nearDigits(DIGIT_SHAPES.postcode, text, runs)) {
    const start = m.index!;
    const end = start + m[0].length;
    if (overlaps(start, end)) continue;
    const w = weightFor(whose(start, end), 0.85, 0.4);
    if (w > 0) add('postcode', start, end, w);
  }

  for (const m of nearDigits(DIGIT_SHAPES.ni, text, runs)) {
    const start = m.index!;
    const end = start + m[0].length;
    if (overlaps(start, end)) continue;
    const w = weightFor(whose(start, end), 0.85, 0.5);
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
  identifierRule('nhs-number', 'NHS number', ['Partner (John Smith, NHS 943 476 5919) is HIV positive.', 'Next of kin: son, Mark Platt\nNHS number: 943 476 5919\n\nSeen today.'], ['Patient: PLATT, Doreen\nDOB: 02/11/1951\nNHS number: 999 174 2182\n\nDear Dr Marsh,', { text: 'NHS 943 476 5919 confirmed at check-in.', patient: { nhsNumber: '9434765919' } }, 'Batch number 1234567890 recorded.', 'Daughter is Mrs Jo Carvalho, tel 943-476-5919.']),
  identifierRule(
    'phone',
    'phone number',
    [
      "Sister's mobile 07700 900123 given as next of kin.",
      'brother, pete, (07700 900123)',
      'Daughter is Mrs Jo Carvalho, tel 943-476-5919.',
      'SON ROB 613-555-0142 IS THE MAIN CONTACT.',
      'Her mother rang the team on Monday (contact 07700 900412).',
      'Attorney 1: Mrs Ann Ibbs (daughter)\n  Address: 2 Elm Drive\n  Tel: 07700 900318',
    ],
    [
      'Crisis line 0800 123 4567 given.',
      "Pt's new mobile 07700 900456 updated.",
      'Son given the crisis line number 0800 123 4567.',
      'IDVA contact number 01632 960123 given.',
      'Ref: 7000-4412-9983, registered 14/01/2025.',
      'Father was in prison 2019-2020, when she lived with her mother.',
      'Referred to Carers Centre\n  Tel: 01632 960777',
    ],
  ),
  identifierRule('email', 'email address', ['Daughter asks for letters to jo.bloggs@example.com.'], ['Reply to the clinic at clinic.team@nhs.net.']),
  identifierRule('postcode', 'postcode', ['Her ex-partner now lives at 12 Mill Lane, AB1 2DE.'], ['Letter from Riverside Surgery, Mill Road, AB1 2DE.']),
  identifierRule('date-of-birth', 'date of birth', ['Son (DOB 12/04/2015) is on a child protection plan.', { text: 'Re: Gwen Hughes DOB 14/07/1962\nDischarge summary.', patient: { name: 'Gwen Hughes', dateOfBirth: '1980-03-02' } }], ['Our client: Mr Darren FINCH\nDate of birth: 18/09/1983\nAddress: 6 Linnet Drive\n\nRoad traffic collision.', { text: 'Re: Gwen Hughes DOB 02/03/1980', patient: { name: 'Gwen Hughes', dateOfBirth: '1980-03-02' } }]),
  identifierRule('ni-number', 'National Insurance number', ["Husband's NI number JT 12 34 56 C on the form."], ['Reviewed the QOF indicators.']),
];

export const identifiers: Source = { stage: 'detect', name: 'identifiers', rules: identifierRules, detect: detectIdentifiers, fresh: true };
