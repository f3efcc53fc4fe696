import type { Contextual, Rule, Source } from './types.js';

/**
 * Rules about the whole document that lift single findings (POLICY.md):
 * - an uncertain safeguarding concern that has been referred on (safeguarding lead, MASH,
 *   social care, police: entries flagged `escalates`) is withheld;
 * - "not yet discussed" (entries flagged `undisclosed`) beside a serious diagnosis (entries
 *   flagged `serious`) is withheld.
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
    description: 'A possible safeguarding concern in a document that also records it was referred on (an entry flagged escalates) is withheld.',
    docs: 'POLICY.md: a concern referred on (safeguarding lead, MASH, social care, police) is withhold',
  },
  examples: {
    match: ['? NAI - bruising to upper arms, explanation inconsistent. Discussed with safeguarding lead.'],
    noMatch: ['? NAI - bruising to upper arms, explanation consistent with a fall at nursery. Mum reassured.'],
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

export const documentRules: Source = {
  stage: 'document',
  name: 'document-rules',
  rules: [referredOnRule, undisclosedSeriousRule],
  apply(_input, found) {
    if (found.some((f) => f.escalates && counts(f))) {
      for (const f of found) {
        if (f.category === 'safeguarding' && f.context.uncertain && counts(f)) f.raise ??= { to: 'withhold', by: referredOnRule.meta.id };
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
