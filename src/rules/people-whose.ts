import { sectionAt, type Token } from '../text/index.js';
import { caseOf, isCap, isWord, joined, type NameDoc, type Person } from './people-find.js';
import { FIELD_LABEL_START, phraseAt } from './people-words.js';

/**
 * Whose a name is: the patient's, a professional's acting in role, a third party's -- or nobody's
 * (an eponym, a grading system, a pet). A role before the name, after it, in brackets after it,
 * after a comma, or as a field label over it makes it a professional's; a relationship word or
 * proxy role beside it makes it a third party's, and wins over a role.
 */

export type Role = 'patient' | 'professional' | 'third' | 'none';

export interface Whose {
  role: Role;
  /** decided by something beside the name (not by default): other mentions of it follow it */
  firm: boolean;
  /** a relationship word or proxy role stands beside it */
  related?: boolean;
}

// a field label starts a line, a list item or a bracket ("(Chair: Inspector Gemma Lyle; ...")
const LABEL_OPENERS = new Set([';', '-', '*', '\u2022', '(', '|']);
// Names in these sections are the letter's professionals (structure, not words).
const PROFESSIONAL_SECTIONS = new Set(['header', 'signature', 'cc', 'salutation']);
const APPOSITION_OPEN = new Set([',', '-', '\u2013', '\u2014']);
const APPOSITION_STOP = new Set([',', ';', '.', '(', ')', ':', '\n']);
const CONNECT_AFTER_RELATION = new Set([',', ':', '-', '(', '=', '\u2013', '\u2014']);
const CONNECT_BEFORE_RELATION = new Set([',', '(', '-', '\u2013', '\u2014']);
// a who-clause after a comma is not a job title ("Dave, who is a nurse")
const RELATIVE_PRONOUN = new Set(['who', 'which', 'whose', 'that', 'whom']);

/** Per-document: tokens under a professional field label ("Coded by:", "Chair:", "Present:"), into d.labels. */
export function labelScope(d: NameDoc): Uint8Array {
  const { toks, w } = d;
  const scope = d.labels;
  for (let i = 0; i < toks.length; i++) {
    if (!(d.bits[i] & FIELD_LABEL_START)) continue;
    const end = phraseAt(toks, i, w.fieldLabel);
    if (end < 0) continue;
    const prev = toks[i - 1];
    const lineStart = !prev || prev.kind === 'newline' || LABEL_OPENERS.has(prev.text);
    const colon = toks[end]?.text === ':';
    if (!lineStart) continue;
    const list = phraseAt(toks, i, w.listLabel) === end;
    let j = colon ? end + 1 : end;
    // a list label covers the rest of the line; any other label the name that follows it
    const stop = list ? toks.length : Math.min(toks.length, j + 6);
    for (; j < stop && toks[j].kind !== 'newline'; j++) {
      if (!list && (toks[j].text === ';' || (toks[j].text === ',' && j > end + 1))) break;
      scope[j] = 1;
    }
  }
  return scope;
}

function skipTitleBack(d: NameDoc, k: number): number {
  const { toks, w } = d;
  if (toks[k]?.text === '.') k--;
  if (isWord(toks[k]) && (w.personalTitle.has(toks[k].lower) || w.clergyTitle.has(toks[k].lower))) return k - 1;
  return toks[k + 1]?.text === '.' ? k + 1 : k;
}

/** The relationship word right before a name ("son Tom", "daughter is mrs. Carvalho", "Mother: Donna"), as its last token + 1, or -1. */
export function relationBefore(d: NameDoc, p: Person): number {
  const { toks, idx, w } = d;
  let k = skipTitleBack(d, p.a - 1);
  if (isWord(toks[k]) && w.nameLink.has(toks[k].lower)) k--;
  if (toks[k] && CONNECT_AFTER_RELATION.has(toks[k].text)) k--;
  return k >= 0 && idx.relEndsAt[k + 1] === 1 ? k + 1 : -1;
}

/**
 * A relationship word right after a name ("Jan Holt (niece)", "Carol, his wife"). After a
 * doctor's or nurse's title a bare relationship word after a comma is the next item of a list,
 * not apposition ("w/ Dr Vaal, wife and son"): only "Dr Vaal, his wife" would make it one.
 */
export function relationAfter(d: NameDoc, p: Person): boolean {
  const { toks, idx, w } = d;
  let k = p.b;
  if (!toks[k] || !CONNECT_BEFORE_RELATION.has(toks[k].text)) return false;
  const comma = toks[k].text === ',';
  k++;
  let owned = false;
  for (let n = 0; n < 2 && isWord(toks[k]) && w.possessive.has(toks[k].lower); n++, owned = true) k++;
  if (comma && !owned && p.anchor === 'professional-title') return false;
  return idx.relStartsAt[k] === 1;
}

const roleAt = (d: NameDoc, k: number) =>
  d.idx.proStartsAt[k] === 1 || (isWord(d.toks[k]) && d.w.roleHead.first.has(d.toks[k].lower) && phraseAt(d.toks, k, d.w.roleHead) > 0) || credentialAt(d, k);

function credentialAt(d: NameDoc, k: number): boolean {
  const t = d.toks[k];
  if (!isWord(t) || !d.w.credential.has(t.lower)) return false;
  // "do", "ba", "md" in lower case are words in mixed-case text
  return caseOf(d, k) !== 0 || t.shape !== 'x';
}

/** A role in the words from k up to a stop mark (an appositive or a bracket): a relationship word there wins. */
function appositiveRole(d: NameDoc, k: number, close: ReadonlySet<string>, max: number): 'professional' | 'third' | null {
  const { toks, idx } = d;
  let role: 'professional' | 'third' | null = null;
  // A relationship word inside a role's own words is part of the role ("Femi (Senior Carer)").
  let roleEnd = -1;
  for (let n = 0; k < toks.length && n < max; k++, n++) {
    const t = toks[k];
    if (t.kind === 'newline' || close.has(t.text)) break;
    if (idx.relStartsAt[k] && k >= roleEnd) return 'third';
    if (isWord(t) && RELATIVE_PRONOUN.has(t.lower)) return null;
    if (roleAt(d, k)) {
      role = 'professional';
      roleEnd = Math.max(roleEnd, roleEndFrom(d, k));
    }
  }
  return role;
}

/** Where a role hit that starts at k ends (the first role end after it, within a few words). */
function roleEndFrom(d: NameDoc, k: number): number {
  for (let j = k + 1; j <= Math.min(d.toks.length, k + 5); j++) if (d.idx.proEndsAt[j]) return j;
  return k + 1;
}

const BRACKET_CLOSE = new Set([')']);

/** Whether a clinic or a list word ("hip clinic", "list") is among the `n` words from token `from` (words only). */
function clinicWithin(d: NameDoc, from: number, n: number): boolean {
  const { toks } = d;
  for (let j = from; j < Math.min(toks.length, from + n) && isWord(toks[j]); j++) if (d.w.clinicianService.has(toks[j].lower)) return true;
  return false;
}

/** A role after the name: "Sam Reid (HCA)", "Paul Grant, Mental Health Practitioner", "K. Moran NP", a role on the next line. */
export function roleAfter(d: NameDoc, p: Person): 'professional' | 'third' | null {
  const { toks } = d;
  // a surname written as an initial keeps its full stop ("Elaine R., staff nurse"): the role is after it
  const last = toks[p.b - 1];
  const k = toks[p.b]?.text === '.' && last && last.text.length === 1 && /[A-Z]/.test(last.text) && toks[p.b].start === last.end ? p.b + 1 : p.b;
  const t = toks[k];
  if (!t) return null;
  if (roleAt(d, k)) return 'professional';
  // "Maria Kowalski ordered epi", "Okonjo intubated pt": what only staff do, with the name as its subject
  if (isWord(t) && d.w.staffSubjectVerb.has(t.lower)) return 'professional';
  if (t.text === '(') return appositiveRole(d, k + 1, BRACKET_CLOSE, 12);
  // "(Mr Pryce-Jenkins, hip clinic)", "Dr Rao, chest clinic": a titled name with its clinic after a comma
  const titled = isWord(toks[p.a - 1]) && d.w.personalTitle.has(toks[p.a - 1].lower.replace(/\.$/, ''));
  if (t.text === ',' && titled && clinicWithin(d, k + 1, 3)) return 'professional';
  if (APPOSITION_OPEN.has(t.text)) return appositiveRole(d, k + 1, APPOSITION_STOP, 8);
  // "Mr Okwuosa's hand clinic", "Dr Patel's list": a titled name owning a clinic or a list is the
  // clinician's (a relative's name owns such things far less often than a consultant's)
  const relativeBefore = !!d.idx.relEndsAt[p.a - 1] || (p.a >= 2 && !!d.idx.relEndsAt[p.a - 2]) || (p.a >= 3 && !!d.idx.relEndsAt[p.a - 3]);
  if (!relativeBefore && /['’]s$/i.test(toks[k - 1]?.text ?? '') && titled && clinicWithin(d, k, 3)) return 'professional';
  // "Tamsin from IV team", "Jo of the renal service": the name's team or service after it
  if (isWord(t) && d.w.affiliationLink.has(t.lower) && !(isWord(toks[k + 1]) && d.w.possessive.has(toks[k + 1].lower))) {
    return appositiveRole(d, k + 1, APPOSITION_STOP, 4) === 'professional' ? 'professional' : null;
  }
  // a name alone on its line, the role on the next ("James Felton / Clinical Scientist")
  // (a nursing title such as "Sister" may open the line before the name: "Sister Jane Pollock / Lead Nurse")
  let lineStart = skipTitleBack(d, p.a - 1);
  if (lineStart >= 0 && isWord(toks[lineStart]) && isCap(toks[lineStart]) && d.w.proTitle.has(toks[lineStart].lower)) lineStart--;
  if (t.kind === 'newline' && (lineStart < 0 || toks[lineStart].kind === 'newline')) {
    for (let j = k + 1; j < Math.min(toks.length, k + 5) && toks[j].kind !== 'newline'; j++) if (roleAt(d, j)) return 'professional';
  }
  return null;
}

/**
 * A role just before the name, past a personal title, a link word or a mark:
 * "HV Sarah Jones", "our CNS, Lorna Pike", "CNS: Wendy", "class teacher, Mrs Akers", "Her
 * midwife is Jen Moss", "ISVA contacted (Becky, ...)".
 */
export function roleBefore(d: NameDoc, p: Person): boolean {
  const { toks, idx, w } = d;
  let k = skipTitleBack(d, p.a - 1) + 1;
  if (isWord(toks[k - 1]) && w.nameLink.has(toks[k - 1].lower)) k--;
  const roleEndsAt = (j: number) => idx.proEndsAt[j] === 1 || (isWord(toks[j - 1]) && w.roleHead.first.has(toks[j - 1].lower) && phraseAt(toks, j - 1, w.roleHead) === j);
  if (idx.proEndsAt[k] === 1) return true;
  // "Paged Okonjo", "bleeped Tamsin": only staff are paged
  if (isWord(toks[k - 1]) && w.staffVerb.has(toks[k - 1].lower)) return true;
  // "CVL changed over wire by Maria", "insulin given per Linda", "ileus remains as per Maria": the agent of a staff action
  for (let j = k - 1; j >= Math.max(0, k - 3); j--) {
    if (!isWord(toks[j]) || phraseAt(toks, j, w.agentLink) !== k) continue;
    if (toks[j - 1]?.lower === 'as' || staffActionBefore(d, j)) return true;
  }
  const mark = toks[k - 1]?.text;
  if (mark === ',' || mark === ':' || mark === '-' || mark === '(') {
    if (roleEndsAt(k - 1)) return true;
    // "ISVA contacted (Becky, ...)": a role, one word, the name in brackets
    if (mark === '(' && isWord(toks[k - 2]) && idx.proEndsAt[k - 2] === 1) return true;
  }
  // a later name of a list in brackets after a role: "team (Vaal, Okonjo)", "(Dr Ash and Mills)"
  if (mark === ',' || (isWord(toks[k - 1]) && w.nameCoordinator.has(toks[k - 1].lower))) {
    for (let j = k - 2, n = 0; j > 0 && n < 8; j--, n++) {
      const t = toks[j];
      if (t.text === '(') return roleEndsAt(j);
      const listed = w.nameCoordinator.has(t.lower) || (t.kind === 'word' ? isCap(t) : t.text === '.');
      if (t.kind === 'newline' || !listed) break;
    }
  }
  return false;
}

/** A staff action ("placed", "given", "increased") in the words before token j, in the same clause. */
function staffActionBefore(d: NameDoc, j: number): boolean {
  const { toks, w } = d;
  for (let k = j - 1; k >= Math.max(0, j - 8); k--) {
    const t = toks[k];
    if (t.kind === 'newline' || t.text === '.' || t.text === ';' || t.text === ',') return false;
    if (isWord(t) && w.staffAction.has(t.lower)) return true;
  }
  return false;
}

/** Not a person: an eponym or grading system ("Kellgren-Lawrence grade 3", "Humphrey 24-2", "Barlow/Ortolani"), a pet. */
function notAPerson(d: NameDoc, p: Person, anchored: boolean): boolean {
  const { toks, w } = d;
  const next = toks[p.b];
  const last = toks[p.b - 1];
  // "Barlow Clinic", "Hill Street" are places; a relative's name in the possessive is the person's
  // own ("her brother Dave Barlow's clinic appointment")
  const relativesOwn = p.anchor === 'relation' && /['’]s$/i.test(last.text);
  if ((!relativesOwn && isWord(next) && w.notAPersonAfter.has(next.lower)) || w.notAPersonAfter.has(last.lower)) return true;
  if (/'s$/i.test(last.text) || next?.text === "'") {
    for (let k = p.b; k < Math.min(toks.length, p.b + 6) && toks[k].kind !== 'newline'; k++) if (w.eponymHead.has(toks[k].lower)) return true;
    // one of a list of possessives ("Edwards' and Patau's") after an eponym has named its head
    // ("Down's syndrome (1:4500), Edwards' and Patau's low chance"); "Down's syndrome, Dave's mum" is a person
    const possessive = (k: number) => !!toks[k] && ((/'s$/i.test(toks[k].text) && isCap(toks[k])) || (toks[k].text === "'" && isCap(toks[k - 1])));
    const afterName = next?.text === "'" ? p.b + 1 : p.b;
    const coordinated = (k: number) => !!toks[k] && (toks[k].text === ',' || toks[k].lower === 'and' || toks[k].lower === 'or');
    const inList = (coordinated(afterName) && (possessive(afterName + 1) || possessive(afterName + 2))) || (coordinated(p.a - 1) && possessive(p.a - 2));
    for (let k = p.a - 1; inList && k > Math.max(0, p.a - 10) && toks[k].kind !== 'newline'; k--) {
      if (w.eponymHead.has(toks[k].lower) && possessive(k - 1)) return true;
    }
  }
  // a pet: "own dog (Bella)", "cat called Tom"
  for (let k = p.a - 1; k >= Math.max(0, p.a - 3); k--) {
    const t = toks[k];
    if (isWord(t) && w.animal.has(t.lower)) return true;
    if (t.kind === 'newline' || (isWord(t) && !w.nameLink.has(t.lower))) break;
  }
  if (anchored) return false;
  // "Kellgren-Lawrence grade 3", "Harris Hip Score", "Kay pictures": what follows, past a capitalised word or two
  for (let k = p.b; k < Math.min(toks.length, p.b + 3) && isWord(toks[k]); k++) {
    if (w.eponymFollower.has(toks[k].lower) || (k > p.b && w.notAPersonAfter.has(toks[k].lower))) return true;
    if (!isCap(toks[k])) break;
  }
  // a sign reported by its result ("Ortolani and Barlow negative", "Tinel positive"): one word,
  // not a forename, and not a person tested for something ("Smith positive for chlamydia")
  if (p.b - p.a === 1 && isWord(next) && w.eponymResult.has(next.lower) && d.idx.forename[p.a] !== 1 && !w.eponymResultObject.has(toks[p.b + 1]?.lower ?? '')) return true;
  // two names joined by a slash or a hyphen with no title or relative ("Barlow/Ortolani", "Kellgren-Lawrence")
  const before = toks[p.a - 1];
  if (before && (before.text === '/' || before.text === '-') && joined(toks[p.a - 2], before) && joined(before, toks[p.a]) && isCap(toks[p.a - 2])) return true;
  if (next && next.text === '/' && joined(last, next) && joined(next, toks[p.b + 1]) && isCap(toks[p.b + 1])) return true;
  // "Hawkins-Kennedy", "Smith-Magenis": a hyphenated pair with no title or forename is an eponym;
  // a double forename ("Ruby-Mae") and a titled double-barrelled surname ("Mrs Adeyemi-Cole") are people
  const hyphen = toks.slice(p.a, p.b).some((t) => t.text === '-');
  if (hyphen && d.idx.forename[p.a] !== 1) return true;
  // a score or grade right after: "Humphrey 24-2", "Marsh 3b", "Gleason 3+4", "Barthel 85"
  if (next && next.shape.startsWith('d') && next.text.replace(/\D/g, '').length < 5 && sameLine(last, next)) {
    const after = toks[p.b + 1];
    const op = !!after && joined(next, after) && /^[-+/]$/.test(after.text);
    if (op || next.shape !== 'd' || Number(next.text) >= 20) return true;
  }
  return false;
}

const sameLine = (x: Token, y: Token) => x.end <= y.start && y.start - x.end <= 2;

/** The sex a personal title just before a name implies ("Mrs Reddy"), if any. */
function titleSexBefore(d: NameDoc, a: number): 'male' | 'female' | undefined {
  const { toks, w } = d;
  let i = a - 1;
  if (toks[i]?.text === '.') i--;
  const t = toks[i];
  if (!t || t.kind !== 'word') return undefined;
  return w.titleMale.has(t.lower) ? 'male' : w.titleFemale.has(t.lower) ? 'female' : undefined;
}

/** "Forenames: Keith Andrzej", "Surname: OSTROWSKI": a form's own name fields are the patient's. */
function patientField(d: NameDoc, p: Person): boolean {
  const { toks, w, input } = d;
  let k = skipTitleBack(d, p.a - 1);
  if (toks[k]?.text !== ':') return false;
  let j = k - 1;
  while (j > 0 && isWord(toks[j - 1]) && toks[j - 1].end === toks[j].start - 1) j--;
  for (; j < k; j++) {
    const end = w.patientField.first.has(toks[j]?.lower ?? '') ? phraseAt(toks, j, w.patientField) : -1;
    if (end !== k) continue;
    const prev = toks[j - 1];
    if (prev && prev.kind !== 'newline' && toks[j].start - prev.end < 2) return false;
    // with the patient's name known, the field must share a word with it
    const parts = input.patient.nameParts;
    return !parts.length || nameWords(toks, p).some((x) => parts.includes(x));
  }
  return false;
}

/** Does the name fit the patient: whole name, forename(s), or title and surname, with nothing pointing to someone else? */
/** A title of the other sex before the name ("Mrs Reddy" in Mr Reddy's record). */
function otherSexTitle(d: NameDoc, p: Person): boolean {
  const { patient } = d.input;
  const titleSex = titleSexBefore(d, p.a);
  return !!titleSex && !!patient.sex && /^(?:female|male|f|m)$/.test(patient.sex) && titleSex[0] !== patient.sex[0];
}

/**
 * The patient's surname under a title of the other sex ("Mrs Hargreaves attended with him" in Mr
 * Hargreaves's record): a relative who shares it, firmly, so the patient's own mentions of the
 * surname elsewhere do not claim it.
 */
function relativeSharingSurname(d: NameDoc, p: Person): boolean {
  const { surname } = d.input.patient;
  if (!surname || !otherSexTitle(d, p)) return false;
  return nameWords(d.toks, p).includes(surname);
}

function isPatient(d: NameDoc, p: Person, related: boolean): boolean {
  const { toks, input } = d;
  const { patient } = input;
  if (!patient.nameParts.length) return false;
  const words = nameWords(toks, p);
  if (!words.length) return false;
  // A title of the other sex ("Mrs Reddy" in Mr Reddy's record) points to someone else.
  if (otherSexTitle(d, p)) return false;
  const parts = new Set(patient.nameParts);
  if (!words.every((x) => parts.has(x))) return false;
  const onlySurname = patient.surname !== undefined && words.length === 1 && words[0] === patient.surname;
  return !(onlySurname && related);
}

function patientNamed(d: NameDoc, p: Person): boolean {
  const { toks, w } = d;
  let k = skipTitleBack(d, p.a - 1);
  if (toks[k]?.text === ':') k--;
  else if (isWord(toks[k]) && w.nameLink.has(toks[k].lower)) k--;
  return isWord(toks[k]) && w.patientRef.has(toks[k].lower);
}

/** The lower-case words of a name, without a possessive "'s", hyphens left out. */
export function nameWords(toks: Token[], p: Person): string[] {
  return toks
    .slice(p.a, p.b)
    .filter((t) => isWord(t) && t.text.length > 1)
    .map((t) => t.lower.replace(/'s$/, ''));
}

function jobTitleInSignature(d: NameDoc, p: Person): boolean {
  const { toks, input, w } = d;
  const post = toks[p.b]?.text === ',' ? toks[p.b + 1] : undefined;
  if (!isWord(post) || !w.relationshipJobTitle.has(post.lower)) return false;
  // the post alone ends its line ("..., Partner"); "Tom Reid, partner of the patient" is a relative signing
  const next = toks[p.b + 2];
  if (next && next.kind !== 'newline') return false;
  return sectionAt(input.doc.sections, toks[p.a].start)?.kind === 'signature';
}

export function whose(d: NameDoc, p: Person, labels: Uint8Array): Whose {
  const { toks, input, idx, w } = d;
  const relBefore = relationBefore(d, p);
  const related = relBefore >= 0 || relationAfter(d, p) || p.anchor === 'relation';
  // "Mr Pryce's brother": a possessive name anchors the relationship after it; it is not the relative.
  const possessive = /'s$/i.test(toks[p.b - 1].text);
  if (isPatient(d, p, related && !possessive)) return { role: 'patient', firm: true };
  if (relativeSharingSurname(d, p)) return { role: 'third', firm: true, related: true };
  // "patient is Randy Gutierrez", "Patient: Susan MARLOWE": the patient named
  if (patientNamed(d, p) || patientField(d, p)) return { role: 'patient', firm: true };
  const titledPersonal = p.anchor === 'title' || p.anchor === 'clergy' || p.anchor === 'professional-title';
  if (notAPerson(d, p, related || titledPersonal || p.anchor === 'slot')) return { role: 'none', firm: false };
  // The patient's own earlier name ("formerly registered as", "née", "previous name").
  const before = input.doc.norm.text.slice(Math.max(0, toks[p.a].start - 40), toks[p.a].start);
  if (w.formerName.test(before)) return { role: 'patient', firm: true };
  const after = roleAfter(d, p);
  if (related && !possessive) {
    // "Sister Ana Reyes (Lung CNS)": a relationship word that is also a nursing title, with a role beside the name.
    const titleWord = relBefore === p.a ? toks[p.a - 1] : undefined;
    if (titleWord && isCap(titleWord) && w.proTitle.has(titleWord.lower) && (after === 'professional' || idx.proEndsAt[p.a] === 1)) return { role: 'professional', firm: true };
    // "Yours sincerely, Tobias Merriman, Partner": in a letter's signature block, a relationship
    // word that is also a job title, after the name and a comma, is the signer's post.
    if (jobTitleInSignature(d, p)) return { role: 'professional', firm: true };
    return { role: 'third', firm: true, related: true };
  }
  if (p.anchor === 'professional-title') return { role: 'professional', firm: true };
  if (after === 'third') return { role: 'third', firm: true };
  if (labels[p.a] || after === 'professional' || roleBefore(d, p)) return { role: 'professional', firm: true };
  const sec = sectionAt(input.doc.sections, toks[p.a].start);
  // In the "Re:" / "Patient:" block, names that are not the patient's are the letter's professionals.
  if (sec && (PROFESSIONAL_SECTIONS.has(sec.kind) || sec.kind === 'regarding')) return { role: 'professional', firm: false };
  // A personal title alone is weak: "Mr" is a relative's title and a consultant surgeon's alike,
  // so it does not decide the name's other mentions (a role beside another mention may).
  if (p.anchor === 'clergy') return { role: 'third', firm: true };
  return { role: 'third', firm: false };
}
