import type { CompiledLexicon } from '../lexicon/compile.js';
import type { ContextResult } from '../model/index.js';
import { sectionAt } from '../text/index.js';
import { hitIndex } from './hit-index.js';
import type { Contextual, DetectInput, RawFinding, Rule, Source } from './types.js';
import { once, vocabRegex, vocabSource, words } from './vocab.js';

const OTHER: ContextResult = { negated: false, uncertain: false, hypothetical: false, historical: false, experiencer: 'other', triggers: [] };
/** Words that say a relative has it too ("her sister also has coeliac disease"). */
const SHARED = new Set(['also', 'too']);

const RULE_ID = 'detector/third-party-health';

/** The phrase shapes this rule reads, built from the vocabularies of lexicons/third-party-health.yaml. */
interface Shapes {
  /** "mother had MI at 60", "dad died of", "in his 50s": family history as the patient tells it */
  familyHistory: RegExp;
  /** a family-history field label inside a line ("New pt check. FHx: brother has ..."), as the section headings spell it */
  familyLabel: RegExp;
  /** "a single first-degree relative", "any relative": a kind of person, not a person */
  genericBefore: RegExp;
  /** after a possessive relationship word: "Mum's EPDS 6", "partner's HIV result" */
  possessiveHealth: RegExp;
  /** "mother, who has", "son Jack (also our pt) diagnosed", "Brother Kevin Keane (38) diagnosed" */
  statement: RegExp;
  /** a list item: "brother Gary Cole (also our pt) - Huntington's disease", the condition after a dash or colon */
  listed: RegExp;
  /** statements that are about health whatever follows ("diagnosed", "died", "admitted") */
  definite: RegExp;
  /** words that make a statement about health */
  healthWord: RegExp;
  /** "3 months ago", "recently": news in the patient's story, not a family history */
  recent: RegExp;
  /** "(also registered here)": the relative is one identifiable person */
  identified: RegExp;
  /** "DN visit", "home visit": a professional saw the household */
  homeVisit: RegExp;
  /** kinship words by the pronoun that may stand for them later */
  female: ReadonlySet<string>;
  male: ReadonlySet<string>;
  /** "own", "herself": the pronoun points back to its speaker */
  ownMarker: ReadonlySet<string>;
  /** the relative as the speaker: "mum says", "dad mentions" */
  reportVerb: RegExp;
  /** a verb of saying as a whole word ("She tells me ...") */
  reportWord: RegExp;
  /** after a subject pronoun: a health statement */
  pronounStatement: RegExp;
  /** after a possessive pronoun and "own": a health word within a few words */
  possessiveOwn: RegExp;
  /** another person ("pt", "she", "him"): the statement about the relative ends before it */
  nextSubject: RegExp;
}

function shapesOf(lex: CompiledLexicon): Shapes {
  return once(lex, 'third-party-health', () => ({
    familyHistory: vocabRegex(lex, 'family-history-shape'),
    familyLabel: new RegExp(`(?:^|[\\s.;(])(?:${vocabSource(lex, 'heading-family')})\\s*:`, 'giu'),
    genericBefore: new RegExp(`${vocabRegex(lex, 'generic-person').source}\\s+$`, 'iu'),
    possessiveHealth: new RegExp(`^\\s+${vocabSource(lex, 'health-measure')}(?![\\p{L}\\p{N}_])`, 'iu'),
    // the relative's own news may stand before the statement: "sister, Marcia Bell, was told last
    // month that she has breast cancer" (the pronoun is the relative's)
    statement: new RegExp(
      `^,?(?:\\s+[A-Z][A-Za-z'-]+){0,3}(?:\\s*\\([^()]{0,80}\\))?[\\s,]*(?:(?:who|which)\\s+)?(?:(?:${vocabSource(lex, 'news-received')})(?:\\s+[a-z]+){0,3}?\\s+(?:that\\s+)?(?:she|he|they)\\s+)?((?:[a-z']+ ){0,2}?)(${vocabSource(lex, 'health-statement-verb')})(?![\\p{L}\\p{N}_])`,
      'u',
    ),
    listed: /^,?(?:\s+[A-Z][A-Za-z'-]+){1,3}(?:\s*\([^()]{0,80}\))?\s*[-:\u2013\u2014]\s+/u,
    definite: new RegExp(`^${vocabSource(lex, 'definite-health-verb')}`, 'u'),
    healthWord: vocabRegex(lex, 'health-word'),
    recent: vocabRegex(lex, 'recent-time'),
    identified: vocabRegex(lex, 'identified-person'),
    homeVisit: vocabRegex(lex, 'home-visit'),
    // an object pronoun that is not also a possessive ("keen for him to have the operation")
    // points at someone else too; "her" may be the relative's own ("stopped her sertraline")
    nextSubject: new RegExp(
      `(?<![\\p{L}\\p{N}_])(?:${vocabSource(lex, 'subject-pronoun')}|${vocabSource(lex, 'patient-ref')}|${[...words(lex, 'object-pronoun')].filter((w) => !words(lex, 'possessive-pronoun').has(w)).join('|') || '(?!)'})(?![\\p{L}\\p{N}_])`,
      'iu',
    ),
    female: lastWords(lex, 'female-kin'),
    male: lastWords(lex, 'male-kin'),
    ownMarker: words(lex, 'own-marker'),
    reportVerb: vocabRegex(lex, 'relative-speech-verb'),
    reportWord: new RegExp(`^(?:${vocabSource(lex, 'relative-speech-verb')})$`, 'iu'),
    pronounStatement: new RegExp(`^\\s+(?:${vocabSource(lex, 'own-marker')}\\s+)?((?:[a-z']+ ){0,3}?)(${vocabSource(lex, 'health-statement-verb')})(?![\\p{L}\\p{N}_])`, 'u'),
    possessiveOwn: new RegExp(`^\\s+${vocabSource(lex, 'own-marker')}\\s+(?:[a-z'-]+\\s+){0,2}?${vocabSource(lex, 'health-word')}(?![\\p{L}\\p{N}_])`, 'iu'),
  }));
}

/** The words after a statement verb up to another subject ("wife now works nights, pt struggling": the wife's part ends at "pt"). */
function clause(sh: Shapes, rest: string): string {
  const m = sh.nextSubject.exec(rest);
  return m ? rest.slice(0, m.index) : rest;
}

/** The last word of each term of a kinship vocabulary ("step-mum" -> mum, "wife"), lower case. */
function lastWords(lex: CompiledLexicon, name: string): ReadonlySet<string> {
  return new Set((lex.vocabularies.get(name)?.terms ?? []).map((t) => t.split(/[\s-]+/).pop()!.toLowerCase()));
}

/**
 * Finding types that, anywhere in a document, make every other person's health in it count as
 * told by someone else. A document read in parts (scanner/windows.ts) must know them for the
 * whole document before it reads each part.
 */
export const SUPPLIED_TYPES: readonly string[] = ['third-party-information', 'in-confidence'];

/** The context cue "family history (of)": what it governs is the family's, as the patient gave it. */
const FAMILY_HISTORY_CUE = 'context/family-history';

/**
 * A question about the family's health or their history (see answersFamilyQuestion); not one
 * about a medical history alone, which may be the patient's own ("anything to add to your past
 * medical history?").
 */
const FAMILY_QUESTION = /\b(?:family|parents|siblings|relatives|their\s(?:medical\s)?histor(?:y|ies))\b/i;

/**
 * Another person's health. A sensitive finding whose experiencer is not the patient becomes
 * thirdParty: low for family history the patient gave, higher when the relative is named or
 * the information came from someone else. Relationship words followed by a health statement
 * ("cares for his mother, who has dementia") are the same kind of finding.
 */
export function otherPeoplesHealth(input: DetectInput, findings: Contextual[]): Contextual[] {
  const { doc } = input;
  const idx = hitIndex(input);
  const names = findings.filter((f) => f.type === 'person-name');
  // Nothing to read another person's health from: no relationship word, no sensitive finding, no name.
  if (!idx.relationship.length && !names.length && !findings.some((f) => f.category === 'sensitive')) return [];
  const sh = shapesOf(input.lexicon);
  // Someone other than the patient supplied information somewhere in the document.
  const supplied = input.documentTypes ? SUPPLIED_TYPES.some((t) => input.documentTypes!.has(t)) : findings.some((f) => SUPPLIED_TYPES.includes(f.type));
  const sentenceOf = (tok: number) => doc.tokenSentence[tok];
  const out: Contextual[] = [];
  const covered = new Set<number>();

  const namedSentences = new Set(names.map((n) => sentenceOf(n.startTok)));
  // Told by the patient (an entry about an adult) or reported by someone else: a letter from
  // a clinic, or any record of a child, whose relatives' health the child did not tell us.
  // A professional who visited the home saw or heard the household for themselves.
  // Asked only when a relative's health is found (a test over the whole text, per document, cost
  // more than the rest of this rule together).
  let reported: boolean | undefined;
  const reportedByOthers = () => (reported ??= input.kind === 'letter' || (input.patient.age !== undefined && input.patient.age < 12) || sh.homeVisit.test(doc.norm.text));
  // A family-history field inside a line: the last field label before the finding, in its
  // sentence, is a family-history heading ("New pt check. FHx: brother has schizophrenia"), as a
  // section of its own would be at the start of a line.
  const inFamilyField = (f: RawFinding): boolean => {
    const s = doc.sentences[sentenceOf(f.startTok)];
    if (!s) return false;
    const before = doc.norm.text.slice(s.start, f.start);
    let last = -1;
    for (const m of before.matchAll(sh.familyLabel)) last = m.index + m[0].length;
    return last >= 0 && !/[\p{L}][\p{L} /]{0,30}:\s/u.test(before.slice(last));
  };
  // "his family history of bowel cancer": a finding the family-history cue itself made the
  // family's is family history in any document, a clinic's letter as much as an entry (the
  // letter writer was told it by the patient); a named relative still counts as above.
  const familyHistoryCue = (f: RawFinding): boolean => !!f.context?.triggers.some((t) => t.ruleId === FAMILY_HISTORY_CUE);
  // An answer to a question about the family, a few sentences back ("What
  // is your family medical history?" ... "My mother has high blood pressure, and she had a stroke
  // last year"): family history as the patient gives it, however the answer is worded.
  const answersFamilyQuestion = (f: RawFinding): boolean => {
    const sIdx = sentenceOf(f.startTok);
    for (let k = sIdx - 1; k >= 0 && k >= sIdx - 6; k--) {
      const q = doc.sentences[k];
      const text = doc.norm.text.slice(q.start, q.end).trimEnd();
      if (text.endsWith('?') && FAMILY_QUESTION.test(text)) return true;
    }
    return false;
  };
  const weightFor = (f: RawFinding, phraseText: string): number => {
    const sec = sectionAt(doc.sections, f.start);
    // named, or said to be a patient here ("husband (also registered here)"): one identifiable person
    const namedHere = namedSentences.has(sentenceOf(f.startTok)) || sh.identified.test(phraseText);
    if (namedHere || supplied) return 0.8;
    // A family history field, or the shape of one ("father MI aged 60") unless it is news in the
    // patient's story ("her father died of lung cancer 3 months ago"): that is a relative's health
    // as the patient told it (POLICY: review), not a family history.
    if (sec?.kind === 'family' || inFamilyField(f) || familyHistoryCue(f) || (sh.familyHistory.test(phraseText) && !sh.recent.test(phraseText)) || answersFamilyQuestion(f) || sharedByBlood(f)) return 0.15;
    return reportedByOthers() && !patientTells(f) ? 0.8 : 0.45;
  };
  const subjectPronouns = words(input.lexicon, 'subject-pronoun');
  const patientRefs = words(input.lexicon, 'patient-ref');
  // The gap before a statement verb names its subject: "mum says he has" is about him, not mum.
  // So does a verb of saying: "mum says fell off sofa" is what mum says of the child.
  const gapHasSubject = (gap: string) =>
    sh.reportVerb.test(gap) ||
    gap.split(/\s+/).some((w) => {
      const x = w.replace(/'s$/, '').toLowerCase();
      return subjectPronouns.has(x) || patientRefs.has(x);
    });

  // Whose condition, by the pronoun that is its subject: with the patient's sex known, "she" in
  // a man's record (or "he" in a woman's) is someone else ("wife rang - she has just been
  // diagnosed with breast ca herself").
  const sex = /^(?:f|female|woman)$/.test(input.patient.sex ?? '') ? 'f' : /^(?:m|male|man)$/.test(input.patient.sex ?? '') ? 'm' : undefined;
  const otherPronoun = sex === 'm' ? 'she' : sex === 'f' ? 'he' : undefined;
  // "her sister also has coeliac disease": a blood relative who has it too, the condition the
  // patient has, is family history as the patient tells it.
  const bloodRelatives = words(input.lexicon, 'blood-relative');
  const sharedByBlood = (f: RawFinding): boolean => {
    const rel = doc.tokens[f.startTok]?.lower.replace(/'s$/, '');
    if (!rel || !bloodRelatives.has(rel)) return false;
    for (let k = f.startTok + 1; k < Math.min(f.endTok + 1, doc.tokens.length); k++) if (SHARED.has(doc.tokens[k].lower)) return true;
    return false;
  };
  // In a letter, what the patient told its writer is the patient's own account ("She tells me
  // her sister ...", "The patient reports his father ..."): the sentence opens with the patient
  // and a verb of telling, before the relative.
  const patientTells = (f: RawFinding): boolean => {
    const s = doc.sentences[sentenceOf(f.startTok)];
    if (!s) return false;
    let k = s.firstToken;
    while (k < f.startTok && (doc.tokens[k].kind !== 'word' || doc.tokens[k].lower === 'the')) k++;
    if (k >= f.startTok) return false;
    const w = doc.tokens[k].lower;
    if (!patientRefs.has(w) && !(w === 'she' && sex === 'f') && !(w === 'he' && sex === 'm')) return false;
    const verb = doc.tokens[k + 1];
    return !!verb && k + 1 < f.startTok && sh.reportWord.test(verb.text);
  };
  // The patient writing of "my dad" calls themselves "I": a "he" after it, in its sentence or
  // the next, is the dad ("i live with my dad, he has cancer"), whatever the patient's sex.
  const writersKinBefore = (tok: number, pronoun: string): boolean => {
    const kin = pronoun === 'she' ? sh.female : sh.male;
    const sIdx = sentenceOf(tok);
    return idx.relationship.some((r) => {
      if (r.endTok > tok || r.startTok === 0 || doc.tokens[r.startTok - 1].lower !== 'my') return false;
      const rs = sentenceOf(r.startTok);
      return (rs === sIdx || rs === sIdx - 1) && kin.has(doc.tokens[r.endTok - 1].lower.replace(/'s$/, ''));
    });
  };
  const subjectIsOther = (f: Contextual): boolean => {
    const s = doc.sentences[sentenceOf(f.startTok)];
    if (!s) return false;
    // The nearest subject pronoun before the finding, in its sentence.
    for (let i = f.startTok - 1, n = 0; i >= s.firstToken && n < 12; i--, n++) {
      const t = doc.tokens[i].lower;
      if (t === 'he' || t === 'she') return t === otherPronoun || writersKinBefore(i, t);
    }
    return false;
  };
  for (const f of findings) {
    if (f.category !== 'sensitive' || (f.context.experiencer === 'patient' && !subjectIsOther(f))) continue;
    const s = doc.sentences[sentenceOf(f.startTok)];
    const phrase = s ? doc.norm.text.slice(s.start, s.end) : '';
    covered.add(sentenceOf(f.startTok));
    out.push({ ...f, category: 'thirdParty', type: 'third-party-health', ruleId: f.ruleId, weight: weightFor(f, phrase) });
  }

  // A relative inside a form's question, unanswered or answered no ("Is there anything in the
  // applicant's health or her partner's health that would affect parenting?"): a question asserts nothing.
  const { forms, formOf } = doc.layout;
  const askedOnly = (tok: number) => {
    const k = formOf ? formOf[tok] : -1;
    return k >= 0 && (forms[k].answer === 'open' || forms[k].answer === 'no');
  };
  for (const rel of idx.relationship) {
    const sIdx = sentenceOf(rel.startTok);
    if (sIdx < 0 || covered.has(sIdx) || askedOnly(rel.startTok)) continue;
    const s = doc.sentences[sIdx];
    if (sh.genericBefore.test(doc.norm.text.slice(Math.max(s.start, rel.start - 30), rel.start))) continue;
    // room for a name and a bracket before the verb, and 40 characters of statement after it
    const after = doc.norm.text.slice(rel.end, Math.min(s.end, rel.end + 150));
    const possessive = /'s$/i.test(doc.tokens[rel.endTok - 1]?.text ?? '') && sh.possessiveHealth.exec(after);
    if (possessive) {
      const ctxP = input.contextFor(rel.startTok, rel.endTok);
      if (!ctxP.negated && !ctxP.hypothetical) {
        covered.add(sIdx);
        const endP = rel.end + possessive[0].length;
        let bP = rel.endTok;
        while (bP < s.endToken && doc.tokens[bP].end <= endP) bP++;
        const fP: RawFinding = { category: 'thirdParty', type: 'third-party-health', ruleId: RULE_ID, start: rel.start, end: doc.tokens[bP - 1].end, startTok: rel.startTok, endTok: bP, weight: 0 };
        fP.weight = weightFor(fP, doc.norm.text.slice(s.start, s.end));
        out.push({ ...fP, context: { ...OTHER, historical: ctxP.historical, uncertain: ctxP.uncertain, triggers: ctxP.triggers } });
        continue;
      }
    }
    const m = sh.statement.exec(after);
    let end: number;
    if (m && !gapHasSubject(m[1])) {
      // Only statements about health: the words after the verb must say something medical.
      const rest = clause(sh, after.slice(m.index + m[0].length, m.index + m[0].length + 40));
      if (!sh.definite.test(m[2]) && !sh.healthWord.test(rest + ' ' + m[2])) continue;
      end = rel.end + m.index + m[0].length;
    } else {
      // A named relative and a condition after a dash or colon, no verb: "brother Gary Cole - Huntington's disease".
      const l = sh.listed.exec(after);
      if (!l) continue;
      const rest = clause(sh, after.slice(l[0].length, l[0].length + 40));
      const h = sh.healthWord.exec(rest);
      if (!h) continue;
      end = rel.end + l[0].length + h.index + h[0].length;
    }
    const ctx = input.contextFor(rel.startTok, rel.endTok);
    if (ctx.negated || ctx.hypothetical) continue;
    covered.add(sIdx);
    let b = rel.endTok;
    while (b < s.endToken && doc.tokens[b].end <= end) b++;
    const synthetic: RawFinding = { category: 'thirdParty', type: 'third-party-health', ruleId: RULE_ID, start: rel.start, end: doc.tokens[b - 1].end, startTok: rel.startTok, endTok: b, weight: 0 };
    synthetic.weight = weightFor(synthetic, doc.norm.text.slice(s.start, s.end));
    out.push({ ...synthetic, context: { ...OTHER, historical: ctx.historical, uncertain: ctx.uncertain, triggers: ctx.triggers } });
  }

  // A third party's name as a possessive, then a health measure: "Daniel's semen analysis shows", "Jean's dementia".
  for (const n of names) {
    if (!/'s$/i.test(doc.tokens[n.endTok - 1]?.text ?? '') || n.context.negated || n.context.hypothetical) continue;
    const sIdx = sentenceOf(n.startTok);
    if (sIdx < 0 || covered.has(sIdx)) continue;
    const s = doc.sentences[sIdx];
    const p = sh.possessiveHealth.exec(doc.norm.text.slice(n.end, Math.min(s.end, n.end + 60)));
    if (!p) continue;
    const ctx = input.contextFor(n.startTok, n.endTok);
    if (ctx.negated || ctx.hypothetical) continue;
    const endN = n.end + p[0].length;
    let b = n.endTok;
    while (b < s.endToken && doc.tokens[b].end <= endN) b++;
    covered.add(sIdx);
    const fN: RawFinding = { category: 'thirdParty', type: 'third-party-health', ruleId: RULE_ID, start: n.start, end: doc.tokens[b - 1].end, startTok: n.startTok, endTok: b, weight: 0.8 };
    out.push({ ...fN, context: { ...OTHER, historical: ctx.historical, uncertain: ctx.uncertain, triggers: ctx.triggers } });
  }

  out.push(...pronounHealth(input, sh, sex, covered, gapHasSubject, weightFor));
  return out;
}

/** "she's" / "he's" read as the subject pronoun (the verb it carries is read from what follows). */
function subjectForm(lower: string, subject: string): string {
  return lower.length === subject.length + 2 && lower.startsWith(subject) && lower.endsWith('s') && (lower[subject.length] === "'" || lower[subject.length] === '’') ? subject : lower;
}

/**
 * A relative's own health told through a pronoun: "mum brought him for cough. mum says she has
 * been very low ... stopped her own sertraline" (mum's health in the child's record), "dad
 * mentions his own drinking". A kinship word gives the pronoun that may stand for it later (mum:
 * she, her); that pronoun is the relative's, not the patient's, when "own" or a reflexive marks
 * it as the speaker's, when the patient's sex is known and is not the pronoun's, or when the
 * patient is the writer ("my mum ... she has"). With none of these, "mum says she has had a
 * fever" is the child's, and nothing is found.
 */
function pronounHealth(
  input: DetectInput,
  sh: Shapes,
  patientSex: 'f' | 'm' | undefined,
  covered: Set<number>,
  gapHasSubject: (gap: string) => boolean,
  weightFor: (f: RawFinding, phraseText: string) => number,
): Contextual[] {
  const { doc } = input;
  const idx = hitIndex(input);
  const toks = doc.tokens;
  const out: Contextual[] = [];
  const genderOf = (tok: number): 'f' | 'm' | undefined => {
    const w = toks[tok]?.lower.replace(/'s$/, '');
    return w === undefined ? undefined : sh.female.has(w) ? 'f' : sh.male.has(w) ? 'm' : undefined;
  };
  const reflexiveLater = (from: number, reflexive: string, end: number): boolean => {
    for (let k = from + 2; k < Math.min(end, from + 16); k++) if (toks[k].lower === reflexive) return true;
    return false;
  };
  for (const rel of idx.relationship) {
    const g = genderOf(rel.endTok - 1);
    if (!g) continue;
    const subject = g === 'f' ? 'she' : 'he';
    const possessive = g === 'f' ? 'her' : 'his';
    const relSentence = doc.tokenSentence[rel.startTok];
    if (relSentence < 0) continue;
    // "my mum": the patient is writing ("i look after my mum full time she has parkinsons"), and
    // calls themselves "I", so a third-person pronoun after it is the relative's, whatever the
    // patient's sex.
    const firstPerson = rel.startTok > 0 && toks[rel.startTok - 1].lower === 'my';
    // The pronoun may stand for the relative in its own sentence or the next one; further on (up
    // to three sentences after), only where "own" or a reflexive marks the statement as the
    // relative's ("Tel from son. ... He is worried. He also told me he is under the psychosis
    // team himself").
    const sentenceEnd = (k: number) => doc.sentences[Math.min(doc.sentences.length - 1, relSentence + k)].endToken;
    const stop = Math.min(toks.length, sentenceEnd(1), rel.endTok + 40);
    const farStop = Math.min(toks.length, sentenceEnd(3), rel.endTok + 100);
    // the latest mention of the relative (the kinship word, then each pronoun that stands for it)
    let mentionEnd = rel.end;
    let mentionSentence = relSentence;
    for (let i = rel.endTok; i < farStop; i++) {
      // a later kinship word of the same sex is the nearer antecedent: its own turn
      if (i > rel.endTok && idx.relStartsAt[i] && genderOf(i) === g) break;
      const t = subjectForm(toks[i].lower, subject);
      if (t !== subject && t !== possessive) continue;
      const sIdx = doc.tokenSentence[i];
      if (sIdx < 0) continue;
      const s = doc.sentences[sIdx];
      // "he mentioned he has", "mum says she", "she says she herself": the relative speaking of themselves
      const speaking = sIdx === mentionSentence && sh.reportVerb.test(doc.norm.text.slice(mentionEnd, toks[i].start));
      mentionEnd = toks[i].end;
      mentionSentence = sIdx;
      // "own" or the reflexive just after the pronoun ("she herself"), or the reflexive closing
      // the statement ("she has just been diagnosed with breast cancer herself")
      const own = sh.ownMarker.has(toks[i + 1]?.lower ?? '') || reflexiveLater(i, g === 'f' ? 'herself' : 'himself', s.endToken);
      if (!own && (i >= stop || (!firstPerson && (patientSex === undefined || patientSex === g)))) continue;
      const after = doc.norm.text.slice(toks[i].end, Math.min(s.end, toks[i].end + 80));
      let end = -1;
      if (t === subject) {
        const m = sh.pronounStatement.exec(after);
        if (!m || gapHasSubject(m[1])) continue;
        const rest = clause(sh, after.slice(m.index + m[0].length, m.index + m[0].length + 60));
        if (!sh.definite.test(m[2]) && !sh.healthWord.test(rest + ' ' + m[2])) continue;
        end = toks[i].end + m.index + m[0].length;
      } else {
        const m = sh.possessiveOwn.exec(after);
        if (!m) continue;
        end = toks[i].end + m.index + m[0].length;
      }
      let b = i + 1;
      while (b < s.endToken && toks[b].end <= end) b++;
      const ctx = input.contextFor(i, b);
      if (ctx.negated || ctx.hypothetical) continue;
      const f: RawFinding = { category: 'thirdParty', type: 'third-party-health', ruleId: RULE_ID, start: toks[i].start, end: toks[b - 1].end, startTok: i, endTok: b, weight: 0 };
      // The relative speaking of themselves: their own health as they told it (POLICY: a
      // relative's health reported by the relative is withhold). Else as any relative's health,
      // with the sentence that introduced the relative ("husband (also registered here)") read too.
      const relS = doc.sentences[relSentence];
      const phrase = doc.norm.text.slice(Math.min(relS.start, s.start), s.end);
      f.weight = speaking ? 0.8 : weightFor({ ...f, startTok: rel.startTok, start: rel.start }, phrase);
      // a sentence already read as someone else's health gains only a stronger reading
      if (covered.has(sIdx) && f.weight < 0.8) continue;
      covered.add(sIdx);
      out.push({ ...f, context: { ...OTHER, historical: ctx.historical, uncertain: ctx.uncertain, triggers: ctx.triggers } });
    }
  }
  return out;
}

export const thirdPartyHealthRule: Rule = {
  origin: 'code',
  meta: {
    id: RULE_ID,
    category: 'thirdParty',
    types: ['third-party-health'],
    description:
      "Another person's health: a relationship word followed by a health statement, or a possessive and a health measure. Sensitive findings about someone else keep their own rule id and become this type.",
    docs: "POLICY.md: another person's health reported by anyone else is withhold; family history the patient gave stays low",
  },
  examples: {
    match: [
      'Cares for his mother, who has dementia.',
      "Her mother's dementia is worse.",
    ],
    noMatch: [
      'Lives with his mother, who is supportive.',
      'Any first-degree relative with bowel cancer under 50? None.',
      { text: 'Seen with her husband. She has been diagnosed with breast cancer.', patient: { name: 'June Pike', sex: 'female' } },
      { text: 'Wife rang to say he has been diagnosed with lung cancer.', patient: { name: 'Leonard Pike', sex: 'male' } },
    ],
  },
};

/** Sensitive findings about someone else become another person's health; relationship statements add more. */
export const thirdPartyHealth: Source = {
  stage: 'combine',
  name: 'third-party-health',
  rules: [thirdPartyHealthRule],
  combine: (input, found) => {
    const health = otherPeoplesHealth(input, found);
    if (!health.length) return found;
    const converted = new Set(health.filter((h) => h.ruleId !== RULE_ID).map((h) => h.ruleId + ':' + h.start));
    return [...found.filter((f) => !(f.category === 'sensitive' && converted.has(f.ruleId + ':' + f.start))), ...health];
  },
};
