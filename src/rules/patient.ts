import type { CompiledLexicon } from '../lexicon/compile.js';
import type { Patient } from '../model/index.js';
import { normalise, type Analysed } from '../text/index.js';
import type { PatientIdentity } from './types.js';
import { once, vocabSource, words } from './vocab.js';

export function parseDate(s: string): { d: number; m: number; y: number } | undefined {
  const iso = /^(\d{4})-(\d{1,2})-(\d{1,2})/.exec(s.trim());
  if (iso) return { y: +iso[1], m: +iso[2], d: +iso[3] };
  const uk = /^(\d{1,2})[./-](\d{1,2})[./-](\d{2,4})$/.exec(s.trim());
  if (uk) {
    let y = +uk[3];
    if (y < 100) y += y > 30 ? 1900 : 2000;
    return { d: +uk[1], m: +uk[2], y };
  }
  return undefined;
}

export function ageOn(dob: { d: number; m: number; y: number }, now = new Date()): number {
  let age = now.getUTCFullYear() - dob.y;
  const m = now.getUTCMonth() + 1;
  if (m < dob.m || (m === dob.m && now.getUTCDate() < dob.d)) age--;
  return age;
}

/**
 * Lower-case parts of a name, titles left out ("Mrs Gwen Hughes-Price" -> gwen, hughes, price),
 * normalised as the text is (curly apostrophes straightened, accents stripped), so that the
 * caller's "Siobhan O’Rourke" matches "O'Rourke" and "O’Rourke" in the text alike.
 */
function nameParts(name: string, titles: ReadonlySet<string>): string[] {
  return normalise(name)
    .text.split(/[\s,\-]+/)
    .map((p) => p.replace(/[^\p{L}']/gu, '').toLowerCase())
    .filter((p) => p.length > 0 && !titles.has(p));
}

interface ReLine {
  titles: ReadonlySet<string>;
  /** where the name ends on a "Re:" line: a comma, a DOB or NHS label, a bracket, a digit */
  nameEnd: RegExp;
  nhs: RegExp;
  dob: RegExp;
}

function reLine(lex: CompiledLexicon): ReLine {
  return once(lex, 'patient', () => {
    const b = (name: string) => `(?<![\\p{L}\\p{N}_])${vocabSource(lex, name)}(?![\\p{L}\\p{N}_])`;
    return {
      titles: words(lex, 'name-title'),
      nameEnd: new RegExp(`,|${b('dob-label')}|${b('nhs-number-label')}|\\(|\\d`, 'iu'),
      nhs: new RegExp(`${b('nhs-number-label')}(?:\\s*${vocabSource(lex, 'number-label')})?\\s*:?\\s*(\\d{3}[ -]?\\d{3}[ -]?\\d{4})`, 'iu'),
      dob: new RegExp(`${b('dob-label')}\\s*:?\\s*(\\d{1,2}[./-]\\d{1,2}[./-]\\d{2,4}|\\d{4}-\\d{2}-\\d{2})`, 'iu'),
    };
  });
}

/**
 * Whose record this is: from the caller, else from a letter's "Re:" line
 * (e.g. "Re: Derek HAINES  DOB 19/11/1955  NHS 913 609 4692").
 */
export function resolvePatient(doc: Pick<Analysed, 'norm' | 'sections'>, lex: CompiledLexicon, given?: Patient): PatientIdentity {
  const re_ = reLine(lex);
  const id: PatientIdentity = { nameParts: [] };
  if (given?.name) id.nameParts = nameParts(given.name, re_.titles);
  if (given?.nhsNumber) id.nhsDigits = given.nhsNumber.replace(/\D/g, '') || undefined;
  if (given?.dateOfBirth) id.dob = parseDate(given.dateOfBirth);
  if (given?.sex) id.sex = given.sex.trim().toLowerCase();

  const re = doc.sections.find((s) => s.kind === 'regarding');
  if (re) {
    // the section's first line (indexOf, not split: a section can run to the end of a letter)
    const text = doc.norm.text;
    const nl = text.indexOf('\n', re.start);
    const line = text.slice(re.start, nl >= 0 && nl < re.end ? nl : re.end);
    const body = line.replace(lex.text.regarding, '').trimStart();
    if (id.nameParts.length === 0) {
      // what comes before the first end mark (as split's first part would be)
      const end = re_.nameEnd.exec(body);
      const namePart = end ? body.slice(0, end.index) : body;
      id.nameParts = nameParts(namePart, re_.titles);
    }
    const nhs = re_.nhs.exec(body);
    if (nhs && !id.nhsDigits) id.nhsDigits = nhs[1].replace(/\D/g, '');
    const dob = re_.dob.exec(body);
    if (dob && !id.dob) id.dob = parseDate(dob[1]);
  }
  if (id.nameParts.length) {
    id.forename = id.nameParts[0];
    id.surname = id.nameParts.length > 1 ? id.nameParts[id.nameParts.length - 1] : undefined;
  }
  if (id.dob) {
    const now = new Date();
    const written = documentDate(doc.norm.text, id.dob, now);
    id.age = ageOn(id.dob, written);
    id.ageDated = written !== now;
  }
  return id;
}

const FULL_DATE = /\b\d{1,2}[./-]\d{1,2}[./-]\d{4}\b|\b\d{4}-\d{2}-\d{2}\b/g;

/**
 * When the document was written, as well as the text tells: its latest full date that falls
 * after the date of birth and not after today. A backlog is scanned years after the letters
 * in it, and "under 16" means under 16 then. Today when the text has no such date.
 */
export function documentDate(text: string, dob: { d: number; m: number; y: number }, now = new Date()): Date {
  const born = Date.UTC(dob.y, dob.m - 1, dob.d);
  let latest = -Infinity;
  for (const m of text.matchAll(FULL_DATE)) {
    const date = parseDate(m[0]);
    if (!date || date.m < 1 || date.m > 12 || date.d < 1 || date.d > 31) continue;
    const t = Date.UTC(date.y, date.m - 1, date.d);
    if (t > born && t <= now.getTime() && t > latest) latest = t;
  }
  return Number.isFinite(latest) ? new Date(latest) : now;
}
