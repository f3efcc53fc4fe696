import { sectionAt } from '../text/index.js';
import type { ContextResult } from '../schemas.js';
import { hitIndex, markNear } from './lexicon-index.js';
import type { DetectInput, RawFinding } from './types.js';

/**
 * Second-stage rules that read the first-stage findings: information supplied by someone
 * else, and another person's health. Each returns new or changed findings.
 */

export interface Contextual extends RawFinding {
  context: ContextResult;
}

const OTHER: ContextResult = { negated: false, uncertain: false, hypothetical: false, historical: false, experiencer: 'other', triggers: [] };

/** "Daughter rang", "husband reports that", "per neighbour", "collateral hx from mum". */
export function informationFromOthers(input: DetectInput, findings: Contextual[]): Contextual[] {
  const idx = hitIndex(input);
  const { doc } = input;
  const out: Contextual[] = [];
  const names = findings.filter((f) => f.type === 'person-name');
  // Possible informants (relationship words, third parties' names), grouped by sentence.
  const bySentence = new Map<number, { a: number; b: number }[]>();
  for (const x of [...idx.relationship.map((h) => ({ a: h.startTok, b: h.endTok })), ...names.map((f) => ({ a: f.startTok, b: f.endTok }))]) {
    const sIdx = doc.tokenSentence[x.a];
    const list = bySentence.get(sIdx);
    if (list) list.push(x);
    else bySentence.set(sIdx, [x]);
  }
  for (const inf of idx.informant) {
    const sent = doc.tokenSentence[inf.startTok];
    if (sent < 0) continue;
    // The person who supplied it: a relationship word or a third party's name just before
    // the verb ("Daughter rang"), or just after ("per neighbour", "collateral from mum").
    const subjects = bySentence.get(sent) ?? [];
    // A verb of saying takes its subject before it ("partner says"); "says partner is
    // supportive" is the patient speaking. Only "per", "from", "according to", "on behalf
    // of" point forward to the informant.
    // Any cue that ends in "from" ("voicemail from", "text from") names its source after it.
    const cueText = doc.norm.text.slice(inf.start, inf.end);
    const forward = /^(?:per|from|collateral|according|on behalf|info|information)\b/i.test(cueText) || /\bfrom$/i.test(cueText);
    const subject =
      subjects.find((x) => x.b <= inf.startTok && inf.startTok - x.b <= 4) ??
      (forward ? subjects.find((x) => x.a >= inf.endTok && x.a - inf.endTok <= 3) : undefined);
    if (!subject) continue;
    // A professional as the one who rang ("HV rang") is not a third party.
    const pro = markNear(idx.proEndsAt, idx.proStartsAt, inf.startTok, inf.startTok, 2, -1) && subject.b <= inf.startTok && !idx.relEndsAt[inf.startTok];
    if (pro) continue;
    const a = Math.min(subject.a, inf.startTok);
    const b = Math.max(subject.b, inf.endTok);
    const ctx = input.contextFor(inf.startTok, inf.endTok);
    out.push({
      category: 'thirdParty',
      type: 'third-party-information',
      ruleId: 'detector/third-party-information',
      start: doc.tokens[a].start,
      end: doc.tokens[b - 1].end,
      startTok: a,
      endTok: b,
      weight: 0.5,
      context: { ...ctx, experiencer: 'other' },
    });
  }
  return out;
}

// "mother had MI at 60", "dad died of", "in his 50s": family-history shape, told by the patient.
// "had" alone is not enough: "husband who had a stroke in Jan, now uses a wheelchair" is current.
const FAMILY_HISTORY_SHAPE = /\b(?:died|passed away|deceased|late|diagnosed (?:at|aged|over|under|before|after)|at (?:age )?\d{2}|aged \d{2}|in (?:her|his) \d0s)\b/i;
// "a single first-degree relative", "any relative": guidance about a kind of person, not a person.
const GENERIC_BEFORE = /\b(?:a|an|any|one|single|no|first[- ]degree|second[- ]degree)\s+$/i;

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
  const supplied = findings.some((f) => f.type === 'third-party-information' || f.type === 'in-confidence');
  const sentenceOf = (tok: number) => doc.tokenSentence[tok];
  const out: Contextual[] = [];
  const covered = new Set<number>();

  const namedSentences = new Set(names.map((n) => sentenceOf(n.startTok)));
  // Told by the patient (an entry about an adult) or reported by someone else: a letter from
  // a clinic, or any record of a child, whose relatives' health the child did not tell us.
  const reportedByOthers = doc.sections.some((s) => s.kind === 'salutation') || input.kind === 'letter' || (input.patient.age !== undefined && input.patient.age < 12);
  const weightFor = (f: RawFinding, phraseText: string): number => {
    const sec = sectionAt(doc.sections, f.start);
    const namedHere = namedSentences.has(sentenceOf(f.startTok));
    if (namedHere || supplied) return 0.8;
    if (sec?.kind === 'family' || FAMILY_HISTORY_SHAPE.test(phraseText)) return 0.15;
    return reportedByOthers ? 0.8 : 0.45;
  };

  for (const f of findings) {
    if (f.category !== 'sensitive' || f.context.experiencer === 'patient') continue;
    const s = doc.sentences[sentenceOf(f.startTok)];
    const phrase = s ? doc.norm.text.slice(s.start, s.end) : '';
    covered.add(sentenceOf(f.startTok));
    out.push({
      ...f,
      category: 'thirdParty',
      type: 'third-party-health',
      ruleId: f.ruleId,
      weight: weightFor(f, phrase),
    });
  }

  for (const rel of idx.relationship) {
    const sIdx = sentenceOf(rel.startTok);
    if (sIdx < 0 || covered.has(sIdx)) continue;
    const s = doc.sentences[sIdx];
    if (GENERIC_BEFORE.test(doc.norm.text.slice(Math.max(s.start, rel.start - 30), rel.start))) continue;
    const after = doc.norm.text.slice(rel.end, Math.min(s.end, rel.end + 60));
    // "Mum's EPDS 6", "partner's HIV result": a relative's health measure or condition.
    const possessive = /'s$/i.test(doc.tokens[rel.endTok - 1]?.text ?? '') &&
      /^\s+(?:EPDS|PHQ-?9|GAD-?7|mood|mental health|BP|blood pressure|bloods|blood results?|results?|HbA1c|diagnosis|condition|illness|medication|meds|drinking|drug use|health|pregnancy|cancer|HIV|dementia|depression|anxiety|psychosis|treatment|surgery|operation|scan)\b/i.exec(after);
    if (possessive) {
      const ctxP = input.contextFor(rel.startTok, rel.endTok);
      if (!ctxP.negated && !ctxP.hypothetical) {
        covered.add(sIdx);
        const endP = rel.end + possessive[0].length;
        let bP = rel.endTok;
        while (bP < s.endToken && doc.tokens[bP].end <= endP) bP++;
        const fP: RawFinding = { category: 'thirdParty', type: 'third-party-health', ruleId: 'detector/third-party-health', start: rel.start, end: doc.tokens[bP - 1].end, startTok: rel.startTok, endTok: bP, weight: 0 };
        fP.weight = weightFor(fP, doc.norm.text.slice(s.start, s.end));
        out.push({ ...fP, context: { ...OTHER, historical: ctxP.historical, uncertain: ctxP.uncertain, triggers: ctxP.triggers } });
        continue;
      }
    }
    // "mother, who has", "son Jack (also our pt) diagnosed", "Brother Kevin Keane (38) diagnosed"
    const m = /^(?:\s+[A-Z][A-Za-z'-]+){0,3}(?:\s*\([^()]{0,80}\))?[\s,]*(?:(?:who|which)\s+)?((?:[a-z']+ ){0,2}?)(has|had|is|was|diagnosed(?: with)?|suffers from|died|passed away|in hospital|admitted|developed)\b/.exec(after);
    if (!m) continue;
    const ctx = input.contextFor(rel.startTok, rel.endTok);
    if (ctx.negated || ctx.hypothetical) continue;
    // Only statements about health: the words after the verb must say something medical.
    const rest = after.slice(m.index + m[0].length, m.index + m[0].length + 40);
    const definite = /^(?:diagnosed|died|passed away|admitted|in hospital|developed)/.test(m[2]);
    if (!definite && !/\b(?:t1dm|t2dm|dm\b|hcm|dementia|cancer|ca\b|stroke|mi\b|heart|diabet|copd|asthma|illness|ill\b|unwell|hospital|disease|condition|diagnos|depress|anxiety|alcohol|drink|drug|hiv|surgery|operation|chemo|terminal|palliative|died|died of|passed|bipolar|schizo|psychosis|disorder|syndrome|cirrhosis|epilep|ms\b|parkinson|alzheimer)/i.test(rest + ' ' + m[2])) continue;
    covered.add(sIdx);
    const end = rel.end + m.index + m[0].length;
    let b = rel.endTok;
    while (b < s.endToken && doc.tokens[b].end <= end) b++;
    const synthetic: RawFinding = {
      category: 'thirdParty',
      type: 'third-party-health',
      ruleId: 'detector/third-party-health',
      start: rel.start,
      end: doc.tokens[b - 1].end,
      startTok: rel.startTok,
      endTok: b,
      weight: 0,
    };
    synthetic.weight = weightFor(synthetic, doc.norm.text.slice(s.start, s.end));
    out.push({ ...synthetic, context: { ...OTHER, historical: ctx.historical, uncertain: ctx.uncertain, triggers: ctx.triggers } });
  }
  return out;
}
