import { sectionAt, tokensCovering, type Analysed } from '../text/index.js';
import type { ContextResult } from '../schemas.js';
import { nhsCheckDigitValid, nhsRangePlausible } from './nhs-number.js';
import { parseDate } from './patient.js';
import type { DetectInput, RawFinding } from './types.js';

/**
 * Identifiers and contact details: NHS number, UK phone, email, postcode, date of birth,
 * National Insurance number. The patient's own, and a professional's or an organisation's
 * (letterhead, signature, helplines), are not third-party findings.
 */

const NHS_RE = /(?<![\d])(\d{3})([ -]?)(\d{3})\2(\d{4})(?![\d])/g;
const NHS_CUE = /\b(?:NHS|N\.H\.S\.?|CHI|H&C)\b(?:\s*(?:no\.?|number|num|#))?\s*:?\s*$/i;
const PHONE_RE = /(?<![\d+])(?:(?:\+44\s?\(?0?\)?\s?|\(?0)(?:7\d{3}\)?[\s-]?\d{3}[\s-]?\d{3}|[1-3]\d{2,3}\)?[\s-]?\d{3,4}[\s-]?\d{3,4}|800[\s-]?\d{3}[\s-]?\d{3,4}))(?![\d])/g;
const EMAIL_RE = /\b[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9.-]{1,253}\.[A-Za-z]{2,24}\b/g;
const POSTCODE_RE = /\b(?:[A-Z]{1,2}\d[A-Z\d]?) ?\d[ABD-HJLNP-UW-Z]{2}\b/g;
const DOB_RE = /\b(?:DOB|D\.O\.B\.?|date of birth|born(?: on)?)\s*:?\s*(\d{1,2}[./-]\d{1,2}[./-]\d{2,4}|\d{4}-\d{2}-\d{2}|\d{1,2} [A-Za-z]{3,9} \d{4})/gi;
const NI_RE = /\b(?!BG|GB|KN|NK|NT|TN|ZZ)[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z] ?\d{2} ?\d{2} ?\d{2} ?[A-D]\b/g;

// Words that mark a number or address as an organisation's or a professional's.
const ORG_CUE = /\b(?:helpline|help line|line|clinic|surgery|practice|hospital|service|services|team|department|dept|office|switchboard|reception|secretary|secretaries|tel|telephone|fax|bleep|ext|extension|idva|isva|mash|social care|police|refuge|samaritans|shout|nspcc|childline|hub|unit|ward|centre|center|trust|council|nhs\.net|www|website|advice|duty|desk|helpdesk|contact us|call us|ring us|our number|directly on|nurse|doctor|gp|hv|health visitor|social worker|midwife|officer|consultant|therapist|practitioner|coordinator|keyworker|key worker|worker|pharmacist|pharmacy|nhs|therapies|therapy|self-referral|number given|referral line)\b/i;
const PATIENT_CUE = /\b(?:pt'?s|patient'?s|her (?:own |new )?(?:mobile|number|phone|email|address|tel)|his (?:own |new )?(?:mobile|number|phone|email|address|tel)|own (?:mobile|number|phone|email)|new (?:mobile|number|phone|address|email)|contact (?:number|details) (?:updated|confirmed)|updated (?:mobile|number|contact)|confirmed (?:mobile|number|address)|(?:pt|patient) (?:has )?(?:changed|updated|gave|given|provided|confirmed)|changed (?:her |his |their )?(?:mobile|number|phone|address|email)|consents? to (?:sms|text|texts|email|emails|contact)|(?:sms|text|email) to|(?:pt|patient) (?:called|rang|phoned) to update|update[ds]? (?:her |his |their )?(?:mobile|number|phone|address|email)|change of (?:address|mobile|number|phone|contact details|email)|(?:address|mobile|number|phone|email) (?:unchanged|updated|changed|confirmed)|happy for (?:sms|text|texts|email|emails|contact)|demographics updated)\b/i;
const THIRD_CUE = /\b(?:partner|husband|wife|boyfriend|girlfriend|ex|mum|mother|dad|father|son|daughter|brother|sister|nan|gran|grandmother|grandfather|aunt|uncle|cousin|friend|neighbour|carer|landlord|lodger|nok|next of kin|step-?dad|step-?mum|his|her|their)\b/i;

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

// A relative named on the line ("Mother: Donna SHAW, 41 Larch Avenue") in a header block.
const REL_LINE = /\b(?:mother|mum|father|dad|sibling|brother|sister|partner|husband|wife|son|daughter|parent|parents|carer|step-?(?:mother|father|mum|dad)|grandmother|grandfather|guardian|next of kin|nok|aunt|uncle)\b/i;

function lineAt(doc: Analysed, offset: number): string {
  const text = doc.norm.text;
  const a = text.lastIndexOf('\n', offset - 1) + 1;
  const b = text.indexOf('\n', offset);
  return text.slice(a, b < 0 ? text.length : b);
}

function ownerOf(doc: Analysed, start: number, end: number): Owner {
  const sec = sectionAt(doc.sections, start);
  if (sec && (sec.kind === 'regarding' || sec.kind === 'header')) {
    if (REL_LINE.test(lineAt(doc, start))) return 'third';
    // The Re: block is the patient's; the letterhead is the organisation's.
    return sec.kind === 'regarding' ? 'patient' : 'professional';
  }
  if (sec && (sec.kind === 'signature' || sec.kind === 'cc' || sec.kind === 'salutation')) return 'professional';
  const sent = sentenceText(doc, start);
  const before = doc.norm.text.slice(Math.max(0, start - 60), start);
  // The cue nearest the number decides: "at pt's request: sister Leanne, 07700..." is the sister's.
  const lastAt = (re: RegExp) => {
    let at = -1;
    for (const m of before.matchAll(new RegExp(re.source, 'gi'))) at = m.index! + m[0].length;
    return at;
  };
  const pat = lastAt(PATIENT_CUE);
  const rel = lastAt(REL_LINE);
  if (pat >= 0 && pat > rel) return 'patient';
  if (rel >= 0) return 'third';
  if (ORG_CUE.test(sent)) return 'professional';
  if (THIRD_CUE.test(before) || THIRD_CUE.test(sent)) return 'third';
  return 'unknown';
}

export function detectIdentifiers(input: DetectInput): RawFinding[] {
  const { doc, patient } = input;
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
  for (const m of text.matchAll(DOB_RE)) {
    const d = parseDate(m[1]);
    const own = d && patient.dob && d.d === patient.dob.d && d.m === patient.dob.m && d.y === patient.dob.y;
    const owner = own ? 'patient' : ownerOf(doc, m.index!, m.index! + m[0].length);
    if (owner === 'patient' || (owner === 'professional' && !THIRD_CUE.test(sentenceText(doc, m.index!)))) {
      taken.push([m.index!, m.index! + m[0].length]);
      continue;
    }
    add('date-of-birth', m.index!, m.index! + m[0].length, 0.85);
  }

  for (const m of text.matchAll(NHS_RE)) {
    const digits = m[1] + m[3] + m[4];
    if (!nhsCheckDigitValid(digits) || !nhsRangePlausible(digits)) continue;
    const spaced = m[2] !== '';
    const cue = NHS_CUE.test(text.slice(Math.max(0, m.index! - 24), m.index!));
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
    const owner = /@(?:nhs\.net|[a-z.-]*nhs\.uk|[a-z.-]*\.gov\.uk|[a-z.-]*police\.uk)$/i.test(m[0]) ? 'professional' : ownerOf(doc, start, end);
    const w = weightFor(owner, 0.85, 0.5);
    if (w > 0) add('email', start, end, w);
    else taken.push([start, end]);
  }

  for (const m of text.matchAll(PHONE_RE)) {
    const start = m.index!;
    const end = start + m[0].length;
    if (overlaps(start, end)) continue;
    const w = weightFor(ownerOf(doc, start, end), 0.85, 0.5);
    if (w > 0) add('phone', start, end, w);
  }

  for (const m of text.matchAll(POSTCODE_RE)) {
    const start = m.index!;
    const end = start + m[0].length;
    if (overlaps(start, end)) continue;
    const w = weightFor(ownerOf(doc, start, end), 0.85, 0.4);
    if (w > 0) add('postcode', start, end, w);
  }

  for (const m of text.matchAll(NI_RE)) {
    const start = m.index!;
    const end = start + m[0].length;
    if (overlaps(start, end)) continue;
    const w = weightFor(ownerOf(doc, start, end), 0.85, 0.5);
    if (w > 0) add('ni-number', start, end, w);
  }
  return out;
}

