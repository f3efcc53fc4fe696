import { describe, expect, it } from 'vitest';
import { createScanner } from '../src/index.js';

// POLICY.md's worked examples and borderline rules: the behaviour the product promises.
const scanner = createScanner();
const cases: [string, 'visible' | 'review' | 'withhold', string?][] = [
  ['BP 132/84. Continue amlodipine 5mg. Review 6 months.', 'visible'],
  ['Asked re DV as per routine enquiry - denies. No safeguarding concerns.', 'visible'],
  ['Discussed contraception options. Safety-netted: to call 111 if severe pain.', 'visible'],
  ['FHx: father MI aged 60.', 'visible'],
  ['Seen with HV Sarah Jones re weaning.', 'visible'],
  ['Chlamydia NAAT positive. Doxycycline 100mg bd 7/7.', 'review'],
  ['Low mood, PHQ-9 18. Passive suicidal thoughts, no plan.', 'review'],
  ['Lives with partner Dave and two children.', 'review'],
  ['? NAI - bruising to upper arms, explanation inconsistent. Discussed with safeguarding lead.', 'withhold'],
  ['Disclosed that partner hit her last week. Referred to IDVA, MARAC referral made.', 'withhold'],
  ['Daughter rang, worried mum is drinking heavily. Does not want mum to know she called.', 'withhold'],
  ['Letter: children now subject to a child protection plan under category of neglect.', 'withhold'],
  ['CT shows metastatic disease. Not yet discussed with patient - awaiting oncology appt.', 'withhold'],
  ['Partner (John Smith, DOB 02/03/1980, NHS 943 476 5919) is HIV positive.', 'withhold'],
  ['Seen with mum. Earache for 2 days.', 'visible'],
  ['Chest pain. CP radiating to left arm, ECG normal.', 'visible'],
  ['DNA x2 for asthma review. Letter sent.', 'visible'],
  ['Seen with mum, daughter and son. Husband, brother and sister visit daily.', 'visible'],
  ['Cares for his mother, who has dementia.', 'review'],
  ['Wife phoned to say he is more confused.', 'review'],
  ['Section 47 enquiry closed, no further action.', 'withhold'],
  ['Emergency contraception: levonorgestrel 1.5mg given. 15yo.', 'review'],
  ['Emergency contraception: levonorgestrel 1.5mg given. Aged 25.', 'visible'],
  ['PHQ-9 7, mild anxiety, self-help advice.', 'visible'],
  ['EPDS 15 at 6 week check, postnatal depression.', 'review'],
];

describe('POLICY.md worked examples', () => {
  for (const [text, verdict] of cases) {
    it(`${verdict}: ${text.slice(0, 70)}`, () => {
      const r = scanner.scan(text, { patient: { name: 'Alex Morgan' } });
      expect(r.verdict, r.reasons.join(' | ')).toBe(verdict);
    });
  }
});
