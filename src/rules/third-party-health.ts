import type { CompiledLexicon } from '../lexicon/compile.js';
import type { ContextResult } from '../model/index.js';
import { sectionAt } from '../text/index.js';
import { hitIndex } from './hit-index.js';
import type { Contextual, DetectInput, RawFinding, Rule, Source } from './types.js';
import { once, vocabRegex, vocabSource } from './vocab.js';

const OTHER: ContextResult = { negated: false, uncertain: false, hypothetical: false, historical: false, experiencer: 'other', triggers: [] };
const RULE_ID = 'detector/third-party-health';

/** The phrase shapes this rule reads, built from the vocabularies of lexicons/third-party-health.yaml. */
interface Shapes {
  /** "mother had MI at 60", "dad died of", "in his 50s": family history as the patient tells it */
  familyHistory: RegExp;
  /** "a single first-degree relative", "any relative": a kind of person, not a person */
  genericBefore: RegExp;
  /** after a possessive relationship word: "Mum's EPDS 6", "partner's HIV result" */
  possessiveHealth: RegExp;
  /** "mother, who has", "son Jack (also our pt) diagnosed", "Brother Kevin Keane (38) diagnosed" */
  statement: RegExp;
  /** statements that are about health whatever follows ("diagnosed", "died", "admitted") */
  definite: RegExp;
  /** words that make a statement about health */
  healthWord: RegExp;
}

function shapesOf(lex: CompiledLexicon): Shapes {
  return once(lex, 'third-party-health', () => ({
    familyHistory: vocabRegex(lex, 'family-history-shape'),
    genericBefore: new RegExp(`${vocabRegex(lex, 'generic-person').source}\\s+$`, 'iu'),
    possessiveHealth: new RegExp(`^\\s+${vocabSource(lex, 'health-measure')}(?![\\p{L}\\p{N}_])`, 'iu'),
    statement: new RegExp(
      `^(?:\\s+[A-Z][A-Za-z'-]+){0,3}(?:\\s*\\([^()]{0,80}\\))?[\\s,]*(?:(?:who|which)\\s+)?((?:[a-z']+ ){0,2}?)(${vocabSource(lex, 'health-statement-verb')})(?![\\p{L}\\p{N}_])`,
      'u',
    ),
    definite: new RegExp(`^${vocabSource(lex, 'definite-health-verb')}`, 'u'),
    healthWord: vocabRegex(lex, 'health-word'),
  }));
}

/**
 * Another person's health. A sensitive finding whose experiencer is not the patient becomes
 * thirdParty: low for family history the patient gave, higher when the relative is named or
 * the information came from someone else. Relationship words followed by a health statement
 * ("cares for his mother, who has dementia") are the same kind of finding.
 */
/**
 * Finding types that, anywhere in a document, make every other person's health in it count as
 * told by someone else. A document read in parts (scanner/windows.ts) must know them for the
 * whole document before it reads each part.
 */
export const SUPPLIED_TYPES: readonly string[] = ['third-party-information', 'in-confidence'];

export function otherPeoplesHealth(input: DetectInput, findings: Contextual[]): Contextual[] {
  const { doc } = input;
  const idx = hitIndex(input);
  const sh = shapesOf(input.lexicon);
  const names = findings.filter((f) => f.type === 'person-name');
  // Someone other than the patient supplied information somewhere in the document.
  const supplied = input.documentTypes ? SUPPLIED_TYPES.some((t) => input.documentTypes!.has(t)) : findings.some((f) => SUPPLIED_TYPES.includes(f.type));
  const sentenceOf = (tok: number) => doc.tokenSentence[tok];
  const out: Contextual[] = [];
  const covered = new Set<number>();

  const namedSentences = new Set(names.map((n) => sentenceOf(n.startTok)));
  // Told by the patient (an entry about an adult) or reported by someone else: a letter from
  // a clinic, or any record of a child, whose relatives' health the child did not tell us.
  const reportedByOthers = input.kind === 'letter' || (input.patient.age !== undefined && input.patient.age < 12);
  const weightFor = (f: RawFinding, phraseText: string): number => {
    const sec = sectionAt(doc.sections, f.start);
    const namedHere = namedSentences.has(sentenceOf(f.startTok));
    if (namedHere || supplied) return 0.8;
    if (sec?.kind === 'family' || sh.familyHistory.test(phraseText)) return 0.15;
    return reportedByOthers ? 0.8 : 0.45;
  };

  // Whose condition, by the pronoun that is its subject: with the patient's sex known, "she" in
  // a man's record (or "he" in a woman's) is someone else ("wife rang - she has just been
  // diagnosed with breast ca herself").
  const sex = /^(?:f|female|woman)$/.test(input.patient.sex ?? '') ? 'f' : /^(?:m|male|man)$/.test(input.patient.sex ?? '') ? 'm' : undefined;
  const otherPronoun = sex === 'm' ? 'she' : sex === 'f' ? 'he' : undefined;
  const subjectIsOther = (f: Contextual): boolean => {
    if (!otherPronoun) return false;
    const s = doc.sentences[sentenceOf(f.startTok)];
    if (!s) return false;
    // The nearest subject pronoun before the finding, in its sentence.
    for (let i = f.startTok - 1, n = 0; i >= s.firstToken && n < 12; i--, n++) {
      const t = doc.tokens[i].lower;
      if (t === 'he' || t === 'she') return t === otherPronoun;
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

  for (const rel of idx.relationship) {
    const sIdx = sentenceOf(rel.startTok);
    if (sIdx < 0 || covered.has(sIdx)) continue;
    const s = doc.sentences[sIdx];
    if (sh.genericBefore.test(doc.norm.text.slice(Math.max(s.start, rel.start - 30), rel.start))) continue;
    const after = doc.norm.text.slice(rel.end, Math.min(s.end, rel.end + 60));
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
    if (!m) continue;
    const ctx = input.contextFor(rel.startTok, rel.endTok);
    if (ctx.negated || ctx.hypothetical) continue;
    // Only statements about health: the words after the verb must say something medical.
    const rest = after.slice(m.index + m[0].length, m.index + m[0].length + 40);
    if (!sh.definite.test(m[2]) && !sh.healthWord.test(rest + ' ' + m[2])) continue;
    covered.add(sIdx);
    const end = rel.end + m.index + m[0].length;
    let b = rel.endTok;
    while (b < s.endToken && doc.tokens[b].end <= end) b++;
    const synthetic: RawFinding = { category: 'thirdParty', type: 'third-party-health', ruleId: RULE_ID, start: rel.start, end: doc.tokens[b - 1].end, startTok: rel.startTok, endTok: b, weight: 0 };
    synthetic.weight = weightFor(synthetic, doc.norm.text.slice(s.start, s.end));
    out.push({ ...synthetic, context: { ...OTHER, historical: ctx.historical, uncertain: ctx.uncertain, triggers: ctx.triggers } });
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
    const converted = new Set(health.filter((h) => h.ruleId !== RULE_ID).map((h) => h.ruleId + ':' + h.start));
    return [...found.filter((f) => !(f.category === 'sensitive' && converted.has(f.ruleId + ':' + f.start))), ...health];
  },
};
