import { describe, expect, it } from 'vitest';
import { createScanner } from '../src/index.js';
import type { Verdict } from '../src/model/index.js';

// False alarms on GP text by class, each read by a general mechanism, each table with the
// near-misses that must stay flagged (a real disclosure inside a template, a form answered yes,
// a name with its relationship, a new diagnosis). All text and names are invented.

const scanner = createScanner();
type Patient = { name?: string; dateOfBirth?: string };
const verdict = (text: string, patient?: Patient): Verdict => scanner.scan(text, { patient }).verdict;
/** Whether an affirmed finding of `ruleId` (a prefix) covers `phrase`. */
const affirmedAt = (text: string, ruleId: string, phrase: string, patient?: Patient) => {
  const at = text.indexOf(phrase);
  if (at < 0) throw new Error(`phrase not in text: ${phrase}`);
  return scanner
    .scan(text, { patient })
    .findings.some((f) => f.ruleId.startsWith(ruleId) && !f.modifiers.negated && !f.modifiers.hypothetical && f.score > 0 && f.start < at + phrase.length && f.end > at);
};

describe('forms and templates: a field answered no / nil / N/A, a question answered for its whole list', () => {
  it.each([
    // a field's answer ends at its sentence's full stop: each field is answered by its own word
    ['Booking: Domestic violence - asked, nil. FGM - asked, N/A. Pt seen alone.', 'visible'],
    ['Routine enquiry: DA - enquired, none. FGM: asked - not applicable. Smoking: never.', 'visible'],
    // an answer labelled as one ("A:", "GP answer:"), answered for the whole list ("No to all")
    ['Q: Any history of HIV, hepatitis or IV drug use? A: No\nQ: Any cancer or tumour? A: No', 'visible'],
    ['2. Has the applicant ever had HIV or any sexually transmitted infection?  GP answer: No record.', 'visible'],
    ['Q: Has the applicant had HIV, hepatitis C, cancer or any mental illness? A: No to all.', 'visible'],
    ['7. Any family history of cancer or inherited disease recorded?   None recorded.', 'visible'],
    // coded template values that deny their own field
    ['New patient template\nDomestic abuse risk: not at risk (routine enquiry)\nLearning disability register: not on register\nCarer status: not a carer', 'visible'],
    // tick boxes answered after an arrow; a quoted question; a list opened by a colon after "of"
    ['Q4. Any of the following? (tick)\n  [ ] HIV / AIDS or hepatitis B / C          -> No\n  [ ] Alcohol or drug misuse   -> No', 'visible'],
    ['Q6 "Has the applicant ever been treated for drug abuse, HIV/AIDS or any mental disorder?" - No entries found.', 'visible'],
    ['I have reviewed the record. There is no record of: depression, self-harm or suicidal ideation, alcohol or drug misuse, or domestic violence.', 'visible'],
    // near-misses: a real disclosure inside a template, a form answered yes, a finding after the answer
    ['  [ ] HIV / AIDS or hepatitis B / C          -> Yes, HIV since 2019', 'review'],
    ['Q6 "Any history of self-harm?" - Yes, overdose 2021.', 'review'],
    ['No concerns: disclosed DV last week, police aware.', 'withhold'],
    ["No previous contact with: police, MASH or children's services until the section 47 enquiry this month.", 'withhold'],
    ['No significant history other than: self-harm last month, overdose.', 'review'],
    // a clinician's query answered only by no disclosure stays a suspicion; one answered no is ruled out
    ['Split lip, says walked into a cupboard. ?DV - not disclosed. Offered follow-up.', 'review'],
    ['?NAI - no, explanation fits the injury.', 'visible'],
    ['DV - asked, not disclosed.', 'visible'],
    ['Domestic abuse: yes - partner hit her last week.', 'withhold'],
    ['Domestic violence - asked, disclosed. Partner pushed her down the stairs, MARAC referral made.', 'withhold'],
    ['Q: Any history of HIV? A: Yes - on antiretrovirals since 2019.', 'review'],
    ['2. Has the applicant ever had HIV?  GP answer: Yes, diagnosed 2016.', 'review'],
    ['HIV positive, under the HIV clinic.', 'review'],
    ['FGM - asked, not applicable. Learning disability register: on register.', 'review'],
  ] as [string, Verdict][])('%s -> %s', (text, want) => {
    expect(verdict(text)).toBe(want);
  });
});

describe("identifiers: the patient's own line and block, an organisation's number", () => {
  it.each([
    // the patient's label opens the line ("Our client:", "Applicant:", "Employee:")
    ['Our client: Mr Bryn Tallis, 4 Quarry Row, Hensworth, M99 7QX, DOB 03/04/1981\n\nWe act for Mr Tallis.', { name: 'Bryn Tallis' }, 'visible'],
    ['Applicant: Mrs Nia Brandt   DOB 11/02/1988   NHS No 943 476 5919\nQ1. Registered since 2001.', { name: 'Nia Brandt' }, 'visible'],
    ['Employee: Owain Tresize    Employee no: 20417\nDate of birth: 11/05/1985\nFit to return to work.', { name: 'Owain Tresize' }, 'visible'],
    // a line naming the patient in full heads the block of field lines under it
    ['Surname: KEMBLE     Forename: Rhian\nDOB: 01/12/1992     NHS No: 943 476 5919\nSkin excision, benign.', { name: 'Rhian Kemble' }, 'visible'],
    ['Discussed: PRYOR, Ada\nDOB: 26/05/1935   NHS No: 943 476 5919\nAddress: 3 Mill Cottages, Hensworth, OX98 1ZT\n\nFalls reviewed.', { name: 'Ada Pryor' }, 'visible'],
    // the writer's own number, and a number the letterhead gives as the firm's
    ['Dear Dr Lowe,\nHome visit done, rails fitted.\nPlease contact me on 01632 960740 if his mobility deteriorates.\nYours sincerely,\nJo Ashby, Occupational Therapist', { name: 'Alun Rees' }, 'visible'],
    ['Pryce Lowther LLP\nTel 01632 960118\n\nDear Sir or Madam,\nWe request records for our client. Please ring our office on 01632 960118.', { name: 'Alun Rees' }, 'visible'],
    // near-misses: a relative's line and block, a different person with the patient's surname
    ['Next of kin: son, Mark Pryor\nNHS number: 943 476 5919\n\nSeen today.', { name: 'Ada Pryor' }, 'withhold'],
    ['Applicant: Mrs Nia Brandt\nHusband Tom Brandt, DOB 02/03/1980, is HIV positive.', { name: 'Nia Brandt' }, 'withhold'],
    ['Our client: Mr Bryn Tallis. His sister lives at 12 Mill Lane, AB1 2DE, tel 07700 900123.', { name: 'Bryn Tallis' }, 'withhold'],
  ] as [string, Patient, Verdict][])('%s -> %s', (text, patient, want) => {
    expect(verdict(text, patient)).toBe(want);
  });
});

describe('names: eponyms, firms and roles are not people', () => {
  it.each([
    // a sign reported by its result
    ['Hips: Ortolani and Barlow negative. Red reflex present.', 'Barlow', false],
    ['Tinel positive at the left wrist, Phalen negative.', 'Phalen', false],
    // a grading's head word
    ['Breslow thickness 0.4 mm and Clark level II.', 'Clark', false],
    // one of a list of possessives after the first eponym named its head
    ["Low chance for Down's syndrome (1:5200), Edwards' and Patau's low chance.", 'Edwards', false],
    // a firm's name
    ['Hollis & Varga Engineering Ltd - Occupational Health', 'Varga', false],
    // a role written as a field label or after a comma
    ['Endoscopist: Mr R Kember. Plan: surveillance.', 'Kember', false],
    ['Please contact our paralegal, Ms Tamsin Orchard, with any queries.', 'Tamsin Orchard', false],
    // near-misses: a person tested for something, a possessive that is a person, a named relative
    ['Partner Dave Smith positive for chlamydia, contact tracing done.', 'Dave Smith', true],
    ["Pt has Down's syndrome, Dave's carer rang today.", 'Dave', false], // unchanged: not found before either
    ['Lives with partner Dave Barlow and two children.', 'Dave Barlow', true],
    // a titled name owning a clinic or a list is the clinician's; not after a relationship word
    ["Carpal tunnel likely; if persists refer to Mr Okwuosa's hand clinic at Kingsmead.", 'Okwuosa', false],
    ["Listed for Dr Pillai's list on Tuesday.", 'Pillai', false],
    ["Her brother Mr Tom Reid's list of meds was checked.", 'Tom Reid', true],
    // a place named like a person stays a place; a relative's possessive name stays the relative
    ["Her brother Dave Barlow's clinic appointment was moved.", 'Dave Barlow', true],
    ['Seen at the Barlow Clinic for her knee.', 'Barlow', false],
  ] as [string, string, boolean][])('%s: %s is a person -> %s', (text, phrase, person) => {
    expect(affirmedAt(text, 'detector/person-name', phrase, { name: 'Ffion Hale' })).toBe(person);
  });
});

describe('a relative speaking for a patient who lacks capacity is routine', () => {
  it.each([
    ['Home visit. Post-stroke, aphasic, unable to give hx. Wife reports 3 days of cough. Chest clear.', 'visible'],
    ['Lacks capacity re treatment. Son says she is eating less; discussed in best interests, plan to review.', 'visible'],
    // near-misses: no word that the patient cannot speak for themselves; a relative named
    ['Telephone consult. Wife reports 3 days of cough, he is at work.', 'review'],
    ['Home visit. His wife is not able to give a history. Wife reports 3 days of cough.', 'review'],
    ['No capacity concerns. Wife says he has been confused.', 'review'],
    // (the patient is Owen: what the son says must be of him, or it is another person's health)
    ['Has capacity; not lacking capacity for this decision. Son says he has been eating less.', 'review'],
    ['Unable to give hx. Neighbour reports she is wandering at night.', 'review'],
    ['Unable to give hx. Daughter Karen Ellery reports 3 days of cough.', 'review'],
  ] as [string, Verdict][])('%s -> %s', (text, want) => {
    expect(verdict(text, { name: 'Owen Pryce' })).toBe(want);
  });
});

describe("a parent giving a child's history: the child's age as the note gives it", () => {
  it.each([
    // an undated note read years later: the age it states is the age it was written at
    ['14yo seen with mum. mum says acne worse over 6/12. Lymecycline started.', { name: 'Kai Rowe', dateOfBirth: '2008-08-08' }, 'visible'],
    // the patient's forename with an age after a comma
    ['Seen with Mum. Kai, 4 years.\nMum reports cough for 3 days. Chest clear.', { name: 'Kai Rowe' }, 'visible'],
    // near-misses: a dated note where the patient is an adult, what mum says of her own health, in confidence
    ['12/03/2025 Seen with mum. Mum reports he has been low for weeks.', { name: 'Kai Rowe', dateOfBirth: '2000-08-08' }, 'review'],
    ['14yo seen with mum. Mum says she has been drinking heavily since the divorce.', { name: 'Kai Rowe', dateOfBirth: '2008-08-08' }, 'withhold'],
    ['Kai, 4 years. Mum says dad hit her last week, does not want him to know she told us.', { name: 'Kai Rowe' }, 'withhold'],
  ] as [string, Patient, Verdict][])('%s -> %s', (text, patient, want) => {
    expect(verdict(text, patient)).toBe(want);
  });
});

describe('a long-standing condition named once as such is background in its other mentions', () => {
  it.each([
    ['Diagnosis: relapsing-remitting multiple sclerosis (diagnosed 2014).\nSeen with our MS nurse. Continue ocrelizumab.', 'visible'],
    ["Parkinson's disease review. Falls: none. Co-careldopa unchanged.", 'visible'],
    ["Idiopathic Parkinson's disease (diagnosed 2019). He will see our Parkinson's nurse in 3 months.", 'visible'],
    // near-misses: a new or suspected diagnosis in its own sentence, a first diagnosis alone
    ['Known MS since 2015. Brain MRI today: possible new multiple sclerosis lesion, ?second demyelinating disease.', 'review'],
    ['Started ocrelizumab for newly diagnosed multiple sclerosis.', 'review'],
    ['Tremor and rigidity, ?Parkinson\'s disease. Refer neurology.', 'review'],
  ] as [string, Verdict][])('%s -> %s', (text, want) => {
    expect(verdict(text)).toBe(want);
  });
});

describe("a safeguarding agency named as the patient's own job", () => {
  it.each([
    ['Pt is an IDVA by profession - flu vaccine as frontline worker.', 'visible'],
    ['Works as a social worker in a child protection team. Work stress, PHQ-9 7.', 'visible'],
    ['Employed as a MASH practitioner, requests hep B booster.', 'visible'],
    // near-misses: a job in another clause, exploitation after "works for", a referral
    ['Works as a teacher; disclosed DV from partner, IDVA referral made.', 'withhold'],
    ['Works for a county lines gang, carrying drugs to the coast.', 'withhold'],
    ['Works in a care home. Children referred to the child protection team today.', 'withhold'],
    // a worker or a volunteer at the service
    ["Hep B booster for work - she is a support worker at a women's refuge in town.", 'visible'],
    ['Volunteers with the MASH team two days a week, flu jab given.', 'visible'],
    ['Teacher, recently took on deputy DSL role + Prevent lead for the school. Mood ok.', 'visible'],
    // near-misses: a joiner or another verb between the job and the service starts a clause of its own
    ["Works at the bakery and lives in a women's refuge.", 'withhold'],
    ['Works as a cleaner and was referred to MASH today.', 'withhold'],
    ['Took on the care of her grandson; Prevent referral made by school.', 'withhold'],
  ] as [string, Verdict][])('%s -> %s', (text, want) => {
    expect(verdict(text)).toBe(want);
  });
});

describe("a result before what it tested for: 'negative for X and Y'", () => {
  it.each([
    ['Routine screen: NAAT negative for chlamydia and gonorrhoea.', 'visible'],
    ['Swab -ve for gonorrhoea.', 'visible'],
    // near-misses: a positive before it keeps its result (the backward "negative" no longer reaches it), a positive after
    ['Chlamydia positive, negative for gonorrhoea.', 'review'],
    ['Negative for chlamydia but positive for gonorrhoea.', 'review'],
  ] as [string, Verdict][])('%s -> %s', (text, want) => {
    expect(verdict(text)).toBe(want);
  });
});
