import { describe, expect, it } from 'vitest';
import { createScanner } from '../src/index.js';

// Whose condition it is: another person's own health written in the patient's record
// (POLICY.md: withhold, unless it is family history the patient gave about an unnamed relative,
// or an unnamed relative's health as the patient told it, which is review). Table-driven, every
// text invented. Each row gives the verdict and whether a thirdParty finding of another
// person's health or record must be present ("tph": true) or absent (false): near-misses that
// must stay as they are have `false`.
const scanner = createScanner({ includeText: true });
type Patient = { name: string; sex?: string; dateOfBirth?: string; nhsNumber?: string };
type Row = [text: string, verdict: 'visible' | 'review' | 'withhold', tph: boolean, patient: Patient];
const OTHERS = new Set(['third-party-health', 'another-persons-record', 'date-of-birth', 'nhs-number']);

const man: Patient = { name: 'Alan Hart', sex: 'male', dateOfBirth: '1950-02-03' };
const woman: Patient = { name: 'Ann Hart', sex: 'female', dateOfBirth: '1961-04-03' };
const boy: Patient = { name: 'Leo Hart', sex: 'male', dateOfBirth: '2024-01-02' };
const girl: Patient = { name: 'Lily Hart', sex: 'female', dateOfBirth: '2021-01-02' };

const table = (rows: Row[]) =>
  rows.forEach(([text, verdict, tph, patient]) =>
    it(`${JSON.stringify(text)} -> ${verdict}${tph ? ', another person' : ''}`, () => {
      const r = scanner.scan(text, { patient });
      const others = r.findings.filter((f) => f.category === 'thirdParty' && OTHERS.has(f.type) && !f.modifiers.negated && !f.modifiers.hypothetical);
      expect(r.verdict).toBe(verdict);
      expect(others.length > 0).toBe(tph);
    }),
  );

describe("class 1: a relative's current health, any condition, reported by a professional or the patient", () => {
  table([
    // a professional saw the household (a home visit): reported by someone other than the patient
    ["DN visit: pt's wife now bed-bound with end-stage COPD, pt is her carer.", 'withhold', true, man],
    ['Home visit. Husband currently in plaster after a fall, pt managing alone.', 'withhold', true, woman],
    // the relative is a patient here: one identifiable person
    ['Husband (also registered here) has advanced dementia and is on the hospice list.', 'withhold', true, woman],
    ['Son (also our patient) awaiting a hip replacement, so pt has no lift.', 'withhold', true, woman],
    // named: a named relative with their health
    ['Lisa: concern re carer strain - his wife, Mrs Jean Holt (also our patient), has recently been diagnosed with Parkinson\'s disease.', 'withhold', true, man],
    ['Partner Daniel Pike attended too. Male investigations: Daniel\'s semen analysis shows low motility.', 'withhold', true, woman],
    ['FHx: brother Gary Pike (also our pt) - Huntington\'s disease confirmed 2022.', 'withhold', true, man],
    // told by the patient, relative unnamed: review (POLICY borderline row)
    ['Son has broken his leg and is in plaster, so pt has no lift to appointments.', 'review', true, woman],
    ["The baby's father is in hospital with pneumonia.", 'review', true, woman],
    ['Cares for his mother, who has rheumatoid arthritis.', 'review', true, man],
    // near-misses: the patient's own condition, a relative with nothing said about their health
    ['COPD review. Pt now bed-bound, end-stage COPD.', 'visible', false, man],
    ['Wife present. BP 130/80.', 'visible', false, man],
    ['Wife now works nights, pt struggling with childcare.', 'visible', false, man],
    ['Lives with wife, who is well.', 'visible', false, man],
    ['Son broke up with his girlfriend, pt upset.', 'visible', false, woman],
    // a named relative (review, POLICY) whose wish is about the patient's operation, not her health
    ['Came to clinic with his wife, Mrs Sandra Hart, who is keen for him to have the operation soon.', 'review', false, man],
    ['Seen by Dr Sarah Jones. COPD review, stable.', 'visible', false, man],
  ]);
});

describe("class 2: a parent's or partner's own health at another person's consultation, by pronoun", () => {
  table([
    ['Mum brought him for cough. Mum says she has been very low since the birth and stopped her own sertraline.', 'withhold', true, boy],
    ['Dad mentions his own drinking has got worse.', 'withhold', true, girl],
    ['Wife attended with him; she says she herself is under the memory clinic, off her donepezil.', 'withhold', true, man],
    ['Attended with husband (also registered here). During consultation he mentioned he has just been diagnosed with angina.', 'withhold', true, woman],
    // the reflexive may close the statement rather than follow the pronoun
    ['Daughter (Lorraine) rang: she has just been diagnosed with breast cancer herself and starts chemo next week.', 'withhold', true, woman],
    // near-misses: what the parent says of the child is the child's health
    ['Mum says he has had a fever for 2 days.', 'visible', false, boy],
    ['Mum says he has tummy pain and is off his food.', 'visible', false, boy],
    ['mum says fell off sofa, bumped head, no LOC.', 'visible', false, girl],
    // "she" in a girl's record is the girl, unless "own" marks the speaker
    ['Mum says she has been unwell with tummy pain.', 'visible', false, girl],
    // a relative speaking about the patient: no health of the relative's
    ['Son rang, he says she has been more confused.', 'review', false, woman],
  ]);
});

describe("class 3: a relative's illness or death as part of the patient's story", () => {
  table([
    // told by the patient, not a family history field: review (POLICY: an unnamed relative's health told by the patient)
    ['Her father died of lung cancer 3 months ago, she nursed him.', 'review', true, woman],
    ['Daughter recently had a stroke, pt helping with her care.', 'review', true, woman],
    // family history the patient gave: thirdParty, low weight, visible
    ['FHx: father had MI at 50.', 'visible', true, woman],
    ['Family history: mother had breast ca.', 'visible', true, woman],
    ['Father died of bowel cancer aged 62.', 'visible', true, man],
  ]);
});

describe("class 4: another person's identifiers: a note that says so, or details that conflict with the patient's", () => {
  table([
    ['Letter relates to another patient (name, DOB, NHS number) - moved to correct record.', 'withhold', true, woman],
    ['Result misfiled - belongs to a different patient.', 'withhold', true, woman],
    ['Discharge summary scanned into the wrong record, removed.', 'withhold', true, woman],
    // the patient's name with another date of birth or NHS number is someone else
    ['Re: Ann Hart DOB 03/04/1971\nDischarge summary. Seen in ED with chest pain.', 'withhold', true, woman],
    ['Re: Ann Hart NHS 943 476 5919\nDischarge summary.', 'withhold', true, { ...woman, nhsNumber: '9990001112' }],
    // near-misses: the patient's own details, "another patient" in passing, a baby's birth date
    ['Re: Ann Hart DOB 03/04/1961\nDischarge summary.', 'visible', false, woman],
    ['DNA - slot given to another patient.', 'visible', false, woman],
    ['Seen after another patient cancelled.', 'visible', false, woman],
    ['Postnatal summary.\nMother: Ann HART, 03/04/1961\nBaby: girl, born 01/03/2025, 3.4 kg.', 'visible', false, woman],
  ]);
});

describe('a family-history field inside a line is family history, as a section of its own is', () => {
  table([
    ['New pt check. FHx: brother has schizophrenia; mother T2DM. Pt mentally well.', 'visible', true, woman],
    ['Seen today. Social: lives alone. FH: father MI at 60, sister has MS.', 'visible', true, woman],
    // near-misses: the field ends at its sentence; a relative's health after it is the patient's story
    ['New pt check. FHx: nil. Brother has schizophrenia, lives with pt.', 'review', true, woman],
    ['New pt check. FHx: nil. Social: brother has schizophrenia, lives with pt.', 'review', true, woman],
  ]);
});

describe("a finding the family-history cue made the family's is family history in a clinic's letter too", () => {
  const letter = (body: string) => `Dear Dr Rowe,\n\nRe: Alan Hart, DOB 03/02/1950\n\n${body}\n\nYours sincerely,\nDr Asha Pillai, Consultant`;
  table([
    [letter('Mr Hart was referred because of his family history of bowel cancer. He is well, and no test is needed.'), 'visible', true, man],
    [letter('Strong family history of breast cancer on the maternal side; screening from 40 advised.'), 'visible', true, man],
    // near-misses: a named relative, or a relative's health that is not a family history, stays another person's
    [letter('Family history of bowel cancer: his mother, Jean Hart, is having chemotherapy at St Luke\'s.'), 'withhold', true, man],
    [letter('He cares for his wife, who has advanced bowel cancer.'), 'withhold', true, man],
  ]);
});

describe('the patient as the writer: "my mum ... she" is the relative, whatever the patient\'s sex', () => {
  table([
    ['online consult: i look after my mum full time she has parkinsons and i am exhausted', 'review', true, woman],
    ['I live with my dad. He has lung cancer and I do his shopping.', 'review', true, man],
    // near-misses: the writer's own health after the relative; a pronoun with no "my" before the relative
    ['my mum came with me, she says i have been very low', 'visible', false, woman],
    ['Mum brought her in. She has had a cough for 3 days.', 'visible', false, girl],
  ]);
});

describe('an answer to a question about the family is family history, as a family-history field is', () => {
  table([
    ['Doctor: What is your family medical history?\nPatient: My mother has high blood pressure, and she had a stroke last year.', 'visible', true, woman],
    ['Doctor: Do any conditions run in your family?\nPatient: my dad had bowel cancer.', 'visible', true, man],
    // near-misses: a question about the patient's own history; a relative's health with no question before it
    ['Doctor: Anything to add to your past medical history?\nPatient: My father has been diagnosed with dementia.', 'review', true, woman],
    ['Patient: My father has been diagnosed with dementia and I am his carer.', 'review', true, woman],
  ]);
});

describe("a relative's own news: 'her sister was told that she has ...' is the sister's health", () => {
  table([
    ['Stressed because her sister, Marcia Bell, was told last month that she has breast cancer.', 'withhold', true, woman],
    ['Worried: his brother found out he has diabetes after a fall.', 'review', true, man],
    // near-misses: news that is not about health; the patient's own news
    ['Her sister was told that she has to move house.', 'visible', false, woman],
    ['She was told last month that she has breast cancer; sister with her today.', 'review', false, woman],
  ]);
});
