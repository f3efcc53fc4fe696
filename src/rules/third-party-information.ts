import { tokensCovering } from '../text/index.js';
import { hitIndex, markNear } from './hit-index.js';
import { textAges } from './lexicon-findings.js';
import type { Contextual, DetectInput, Rule, Source } from './types.js';
import { once, vocabRegex, words } from './vocab.js';

/**
 * "Daughter rang", "husband reports that", "per neighbour", "collateral hx from mum": an
 * informant cue (lexicons/informants.yaml) with the person who supplied the information beside
 * it. A verb of saying takes its subject before it ("partner says"); only cues that point
 * forward ("per", "from", "according to", "on behalf of") take the person after them.
 */
export function informationFromOthers(input: DetectInput, findings: Contextual[]): Contextual[] {
  const idx = hitIndex(input);
  // Most documents have no informant cue, or no one beside it who could be the informant.
  if (!idx.informant.length) return [];
  const names = findings.filter((f) => f.type === 'person-name');
  if (!idx.relationship.length && !names.length) return [];
  const { doc } = input;
  const forwardCue = once(input.lexicon, 'informant-forward', () => new RegExp(`^${vocabRegex(input.lexicon, 'informant-forward').source}`, 'iu'));
  const fromCue = once(input.lexicon, 'informant-from-end', () => new RegExp(`${vocabRegex(input.lexicon, 'informant-forward-end').source}$`, 'iu'));
  const errandCue = once(input.lexicon, 'errand-call', () => new RegExp(`^\\s*(?:${vocabRegex(input.lexicon, 'errand-call').source})`, 'iu'));
  const out: Contextual[] = [];
  // A parent or carer giving the history at a child's consultation is routine (POLICY.md): a
  // child is a patient under 16 by the date of birth given, else by an age in the text.
  // (The age is worked out only when an informant is found: most documents have none.) An age
  // from the date of birth is the age at the document's own date when it gives one; an undated
  // note may be read years after it was written ("14yo seen with mum" scanned at 18), so there
  // an age the text states is the age it was written at.
  let age: number | undefined;
  const ageOf = () => {
    if (age !== undefined) return age;
    if (input.patient.age !== undefined && input.patient.ageDated) return (age = input.patient.age);
    const stated = input.documentAges?.() ?? textAges(input.lexicon, doc.norm.text, input.patient.forename);
    return (age = stated.length ? Math.min(...stated) : input.patient.age ?? Infinity);
  };
  const historian = once(input.lexicon, 'child-history-giver', () => new RegExp(`^(?:${vocabRegex(input.lexicon, 'child-history-giver').source})$`, 'iu'));
  // So is a relative speaking for a patient who lacks capacity (POLICY.md): the document says
  // the patient cannot give a history or lacks capacity (not a relative: no relationship word
  // before the cue in its sentence, "his wife is not able to give a history"); the informant is
  // a relationship word, not a name.
  let incapable: boolean | undefined;
  const lacksCapacity = () => (incapable ??= input.documentLacksCapacity ?? capacityCueAboutPatient(input, idx.relationship));
  const family = once(input.lexicon, 'capacity-history-giver', () => new RegExp(`^(?:${vocabRegex(input.lexicon, 'capacity-history-giver').source})$`, 'iu'));
  // A history the patient gave together with a relative ("Hx from pt & daughter", "pt and wife
  // report") is the patient's own account, given in their presence: the relative adds nothing of
  // their own (what they say of another's health is still theirs).
  const patientRefs = words(input.lexicon, 'patient-ref');
  const isPatient = (k: number) => k >= 0 && k < doc.tokens.length && patientRefs.has(doc.tokens[k].lower);
  const isJoiner = (k: number) => k >= 0 && k < doc.tokens.length && JOINERS.has(doc.tokens[k].lower);
  const withPatient = (x: Informant) => (isJoiner(x.a - 1) && isPatient(x.a - 2)) || (isJoiner(x.b) && isPatient(x.b + 1));
  const routine = (x: Informant) => {
    const who = doc.norm.text.slice(doc.tokens[x.a].start, doc.tokens[x.b - 1].end);
    return (historian.test(who) && ageOf() < 16) || (x.relative && family.test(who) && lacksCapacity()) || (x.relative && withPatient(x));
  };
  // Possible informants (relationship words, third parties' names), grouped by sentence.
  const bySentence = new Map<number, Informant[]>();
  for (const x of [...idx.relationship.map((h) => ({ a: h.startTok, b: h.endTok, relative: true })), ...names.map((f) => ({ a: f.startTok, b: f.endTok, relative: false }))]) {
    const sIdx = doc.tokenSentence[x.a];
    const list = bySentence.get(sIdx);
    if (list) list.push(x);
    else bySentence.set(sIdx, [x]);
  }
  for (const inf of idx.informant) {
    const sent = doc.tokenSentence[inf.startTok];
    if (sent < 0) continue;
    const subjects = bySentence.get(sent) ?? [];
    // Any cue that ends in "from" ("voicemail from", "text from") names its source after it.
    const cueText = doc.norm.text.slice(inf.start, inf.end);
    const forward = forwardCue.test(cueText) || fromCue.test(cueText);
    const subject =
      subjects.find((x) => x.b <= inf.startTok && inf.startTok - x.b <= 4) ??
      (forward ? subjects.find((x) => x.a >= inf.endTok && x.a - inf.endTok <= 3) : undefined);
    if (!subject) continue;
    // A professional as the one who rang ("HV rang") is not a third party.
    const pro = markNear(idx.proEndsAt, idx.proStartsAt, inf.startTok, inf.startTok, 2, -1) && subject.b <= inf.startTok && !idx.relEndsAt[inf.startTok];
    if (pro) continue;
    // A relationship word the roles lexicon also reads as a role in its context is the role
    // ("call from Sister Kaur, Ward 12": a ward sister).
    if (subject.relative && idx.proStartsAt[subject.a] && idx.proEndsAt[subject.b]) continue;
    const a = Math.min(subject.a, inf.startTok);
    const b = Math.max(subject.b, inf.endTok);
    const ctx = input.contextFor(inf.startTok, inf.endTok);
    // A call that only asks or arranges something ("son phoned to ask when the flu clinic is")
    // supplies nothing, unless its sentence holds a finding of its own.
    const errand =
      errandCue.test(doc.norm.text.slice(inf.end, doc.sentences[sent].end)) &&
      !findings.some((f) => f.category !== 'thirdParty' && doc.tokenSentence[f.startTok] === sent && f.weight > 0);
    out.push({
      category: 'thirdParty',
      type: 'third-party-information',
      ruleId: RULE_ID,
      start: doc.tokens[a].start,
      end: doc.tokens[b - 1].end,
      startTok: a,
      endTok: b,
      // Routine (a parent at a child's consultation) counts for nothing on its own, but it is
      // still information someone else supplied: what they say of another's health is theirs.
      weight: routine(subject) || errand ? 0 : 0.5,
      context: { ...ctx, experiencer: 'other' },
    });
  }
  return out;
}

const RULE_ID = 'detector/third-party-information';
/** Words that join the patient and a relative as one source ("pt & daughter", "pt and wife"). */
const JOINERS = new Set(['and', '&', '+']);

/**
 * Whether this text says, affirmed, that the patient lacks capacity or cannot give a history: for
 * a part of a longer document, what the whole document is told (windows.ts reads every part first).
 */
export function saysPatientLacksCapacity(input: DetectInput): boolean {
  return capacityCueAboutPatient(input, hitIndex(input).relationship);
}

/** Whether the document says, affirmed, that the patient (no relative before the cue in its sentence) lacks capacity or cannot give a history. */
function capacityCueAboutPatient(input: DetectInput, relatives: readonly { startTok: number }[]): boolean {
  const { doc } = input;
  const cue = once(input.lexicon, 'lacks-capacity-cue-g', () => new RegExp(vocabRegex(input.lexicon, 'lacks-capacity-cue').source, 'giu'));
  for (const m of doc.norm.text.matchAll(cue)) {
    const [tok, end] = tokensCovering(doc.tokens, m.index, m.index + m[0].length);
    if (tok >= doc.tokens.length) continue;
    const s = doc.sentences[doc.tokenSentence[tok]];
    const from = s ? s.firstToken : 0;
    if (relatives.some((r) => r.startTok >= from && r.startTok < tok)) continue;
    // affirmed: not "not lacking capacity", "if he lacks capacity"
    const ctx = input.contextFor(tok, Math.max(end, tok + 1));
    if (!ctx.negated && !ctx.hypothetical && !ctx.uncertain) return true;
  }
  return false;
}

/** A possible informant: a relationship word ("son") or a third party's name, as a token range. */
interface Informant {
  a: number;
  b: number;
  relative: boolean;
}

export const thirdPartyInformationRule: Rule = {
  origin: 'code',
  meta: {
    id: RULE_ID,
    category: 'thirdParty',
    types: ['third-party-information'],
    description: "Information supplied by someone other than the patient: an informant cue (rang, reports, per, collateral from) with a relative or a named person beside it. A parent or carer giving a child's history, or a relative speaking for a patient the document says lacks capacity or cannot give a history, counts for nothing on its own (weight 0; POLICY.md's routine cases), but still makes what they say of another's health information supplied (policy/examples.yaml holds the visible cases).",
    docs: 'POLICY.md: information a relative gave that is not in confidence is review',
  },
  examples: {
    match: ['Wife phoned to say he has been confused since yesterday.', 'Collateral history from daughter: falls x3 this month.', 'Daughter reports 2 trips indoors, pt says 3.', { text: 'Mum reports he has been low since the divorce.', patient: { name: 'Tom Hughes', dateOfBirth: '1961-02-03' } }],
    noMatch: [
      'HV rang to say the baby is gaining weight well.',
      'Says partner is supportive.',
    ],
  },
};

export const thirdPartyInformation: Source = {
  stage: 'combine',
  name: 'third-party-information',
  rules: [thirdPartyInformationRule],
  combine: (input, found) => {
    const more = informationFromOthers(input, found);
    return more.length ? [...found, ...more] : found;
  },
};
