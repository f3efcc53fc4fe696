import type { Contextual, Rule, Source } from './types.js';

/**
 * Rules about the whole document that lift single findings (POLICY.md):
 * - a safeguarding concern, uncertain or of now (not a past one), that has been referred on
 *   (safeguarding lead, MASH, social care, police: entries flagged `escalates`) is withheld;
 * - "not yet discussed" (entries flagged `undisclosed`) beside a serious diagnosis (entries
 *   flagged `serious`) is withheld;
 * - a queried sensitive diagnosis that the document later rules out is negated (ruledOutRule).
 * They key on the flags the lexicon entries declare, never on the names of types, and mark the
 * findings they lift; the scoring step turns a mark into a score.
 */

const counts = (f: Contextual) => f.weight > 0 && !f.context.negated && !f.context.hypothetical;

export const referredOnRule: Rule = {
  origin: 'code',
  meta: {
    id: 'document/referred-on',
    category: 'safeguarding',
    types: [],
    description: 'A safeguarding concern, possible or of now (not a past one), in a document that also records it was referred on (another finding, of an entry flagged escalates) is withheld.',
    docs: 'POLICY.md: a concern referred on (safeguarding lead, MASH, social care, police) is withhold',
  },
  examples: {
    match: [
      '? NAI - bruising to upper arms, explanation inconsistent. Discussed with safeguarding lead.',
      'Self-neglect: house cluttered, no hot water for months. Referred to adult social care.',
    ],
    noMatch: [
      '? NAI - bruising to upper arms, explanation consistent with a fall at nursery. Mum reassured.',
      'Referred to adult social care for a package of care after discharge.',
    ],
  },
};

export const undisclosedSeriousRule: Rule = {
  origin: 'code',
  meta: {
    id: 'document/undisclosed-serious-diagnosis',
    category: 'harm',
    types: [],
    description: 'A result or diagnosis recorded as not yet discussed with the patient (an entry flagged undisclosed) beside a serious diagnosis (an entry flagged serious) is withheld.',
    docs: 'POLICY.md: a malignant result not yet discussed is withhold; a minor one is review',
  },
  examples: {
    match: ['CT shows metastatic disease. Not yet discussed with patient - awaiting oncology appt.'],
    noMatch: ['Vitamin D low. Not yet discussed with patient - will ring.', 'History of breast cancer treated in 2015. Vitamin D low, not yet discussed with patient.'],
  },
};

export const ruledOutRule: Rule = {
  origin: 'code',
  meta: {
    id: 'document/ruled-out',
    category: 'sensitive',
    types: [],
    description:
      'A queried diagnosis of the patient ("referred 2WW ?melanoma") that the same document later rules out ("no features to suggest melanoma"), and nowhere affirms, is read as negated. Sensitive diagnoses only: a queried safeguarding concern is not settled by a later denial.',
    docs: 'POLICY.md: a possible diagnosis ruled out is not the patient\'s sensitive condition',
  },
  examples: {
    match: ['Referred 2WW ?melanoma. Dermoscopy: seborrhoeic keratosis. No features to suggest melanoma.'],
    noMatch: ['?melanoma on dermoscopy, excision booked.', 'No melanoma on the back. ?melanoma L shin, excision booked.', '?lung cancer on CXR. No bowel cancer on colonoscopy.'],
  },
};

/**
 * The queried findings of a sensitive entry that a later negated finding of the same entry and
 * the same concept rules out ("?melanoma" ... "no features to suggest melanoma"; not "?lung
 * cancer" ... "no bowel cancer"), when none of them is affirmed anywhere in the document. Each
 * with the finding that rules it out.
 */
function ruledOut(found: Contextual[]): [Contextual, Contextual][] {
  const byConcept = new Map<string, Contextual[]>();
  for (const f of found) {
    if (f.category !== 'sensitive' || f.concept === undefined || f.context.experiencer !== 'patient' || f.context.hypothetical) continue;
    const key = `${f.ruleId}\u0000${f.concept}`;
    const list = byConcept.get(key);
    if (list) list.push(f);
    else byConcept.set(key, [f]);
  }
  const out: [Contextual, Contextual][] = [];
  for (const list of byConcept.values()) {
    if (list.some((f) => !f.context.negated && !f.context.uncertain)) continue;
    // later in the document: the list keeps the findings' document order (a windowed document's
    // offsets are each window's own, so they are not compared)
    list.forEach((f, i) => {
      if (!f.context.uncertain || f.context.negated) return;
      const later = list.slice(i + 1).find((g) => g.context.negated);
      if (later) out.push([f, later]);
    });
  }
  return out;
}

export const documentRules: Source = {
  stage: 'document',
  name: 'document-rules',
  rules: [referredOnRule, undisclosedSeriousRule, ruledOutRule],
  apply(_input, found) {
    for (const [f, because] of ruledOut(found)) f.ruledOut ??= { by: ruledOutRule.meta.id, because };
    // A concern referred on: an uncertain one, or one of now (not a past concern), beside another
    // finding that records the referral (POLICY: a concern referred on is withheld; past abuse with
    // no current process stays review). A referral is not its own concern.
    const referrals = found.filter((f) => f.escalates && counts(f) && !f.context.historical);
    if (referrals.length) {
      for (const f of found) {
        if (f.category !== 'safeguarding' || !counts(f) || (f.context.historical && !f.context.uncertain)) continue;
        if (referrals.some((r) => r !== f)) f.raise ??= { to: 'withhold', by: referredOnRule.meta.id };
      }
    }
    // A serious diagnosis that is history (a cancer treated years ago, under surveillance) does
    // not make a minor result not yet discussed a withheld one (POLICY: new vs long-standing).
    if (found.some((f) => f.category === 'sensitive' && f.serious && counts(f) && !f.context.historical)) {
      for (const f of found) {
        if (f.category === 'harm' && f.undisclosed && counts(f)) f.raise ??= { to: 'withhold', by: undisclosedSeriousRule.meta.id };
      }
    }
  },
};
