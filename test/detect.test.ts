import { describe, expect, it } from 'vitest';
import { createScanner } from '../src/index.js';
import { nhsCheckDigitValid, nhsRangePlausible } from '../src/rules/nhs-number.js';

const scanner = createScanner({ includeText: true });

type Verdict = 'visible' | 'review' | 'withhold';
/** Each text scanned with the same context gives its verdict (the text names a failing row). */
function expectVerdicts(rows: [string, Verdict][], context: Parameters<typeof scanner.scan>[1] = {}): void {
  for (const [text, verdict] of rows) expect(scanner.scan(text, context).verdict, text).toBe(verdict);
}
const find = (text: string, type: string, patient?: { name?: string; nhsNumber?: string; dateOfBirth?: string }) =>
  scanner.scan(text, { patient }).findings.filter((f) => f.type === type).map((f) => f.text);

describe('NHS numbers', () => {
  it('validates the modulus-11 check digit', () => {
    expect(nhsCheckDigitValid('9434765919')).toBe(true);
    expect(nhsCheckDigitValid('9434765918')).toBe(false);
    expect(nhsCheckDigitValid('943476591')).toBe(false);
  });
  it('rejects placeholder numbers', () => {
    expect(nhsRangePlausible('1111111111')).toBe(false);
    expect(nhsRangePlausible('9434765919')).toBe(true);
  });
  it('needs a 3-3-4 layout or an NHS cue; a bare valid ten digits is not enough', () => {
    expect(find("Partner's NHS 943 476 5919 noted.", 'nhs-number')).toEqual(['943 476 5919']);
    expect(find('Partner NHS No: 9434765919.', 'nhs-number')).toEqual(['9434765919']);
    expect(find('Order ref 9434765919 sent.', 'nhs-number')).toEqual([]);
    expect(find('Partner NHS 943 476 5918.', 'nhs-number')).toEqual([]);
  });
  it("does not report the patient's own number, from the caller or the Re: line", () => {
    expect(find('NHS 943 476 5919 confirmed.', 'nhs-number', { nhsNumber: '9434765919' })).toEqual([]);
    const letter = 'Dear Dr Shah,\n\nRe: Jo Bloggs, DOB 01/02/1990, NHS 943 476 5919\n\nSeen today.\n\nYours sincerely\nDr Lee';
    expect(find(letter, 'nhs-number')).toEqual([]);
  });
});

describe('contact details and other identifiers', () => {
  it('flags a relative\'s phone, email and date of birth', () => {
    expect(find('Her partner Dan is on 07700 900123.', 'phone')).toEqual(['07700 900123']);
    expect(find('Son can be emailed on dan.smith@example.com', 'email')).toEqual(['dan.smith@example.com']);
    expect(find('Mother (DOB 02/03/1958) attended.', 'date-of-birth')).toEqual(['DOB 02/03/1958']);
  });
  it("leaves the patient's own and organisations' numbers alone", () => {
    expect(find("Pt's new mobile 07700 900456 updated.", 'phone')).toEqual([]);
    expect(find('IDVA service helpline 0800 123 4567 given.', 'phone')).toEqual([]);
    expect(find('Contact the clinic on 0113 496 0000.', 'phone')).toEqual([]);
    expect(find('Email practice at reception.abc@nhs.net', 'email')).toEqual([]);
    expect(find('DOB 01/02/1990 confirmed.', 'date-of-birth', { dateOfBirth: '1990-02-01' })).toEqual([]);
  });
  it.each([
    // a service's shared mailbox at any domain is the service's
    ['Please send these to occhealth@harnbyoh.example.', []],
    ['Forms to referrals.north@northgate.example by Friday.', []],
    ['Contact hr@firm.example about the fit note.', []],
    // near-misses: a mailbox word must be the whole first word; a relative's cue still says whose it is
    ['Sister on teamleader.dave@example.com if needed.', ['teamleader.dave@example.com']],
    ["Son's email: info.dave@example.com", ['info.dave@example.com']],
  ] as [string, string[]][])('a shared mailbox is not a person: %s', (text, want) => {
    expect(find(text, 'email')).toEqual(want);
  });
  it('finds postcodes and NI numbers of someone else', () => {
    expect(find('Ex-partner now lives at 4 Mill Lane, LS6 1HS.', 'postcode')).toEqual(['LS6 1HS']);
    expect(find('Her husband NI number AB 12 34 56 C.', 'ni-number')).toEqual(['AB 12 34 56 C']);
  });
});

describe('people', () => {
  const names = (text: string, patient = 'Tom Hughes') => find(text, 'person-name', { name: patient });
  it('finds third parties by title, name lists, relationship words and "Name (son)"', () => {
    expect(names('Mrs Gwen Hughes attended with him.')).toEqual(['Gwen Hughes']);
    expect(names('Lives with partner Dave.')).toEqual(['Dave']);
    expect(names('Kayden (son) also unwell.')).toEqual(['Kayden']);
    expect(names('Seen with Sarah today.')).toEqual(['Sarah']);
  });
  it('finds names whatever the case', () => {
    expect(names('SEEN WITH PARTNER DAVE SMITH TODAY. NO CONCERNS.')).toEqual(['DAVE SMITH']);
    expect(names('seen with partner dave today, all well')).toEqual(['dave']);
  });
  it('treats the patient\'s own name (whole, forename, title and surname) as the patient', () => {
    expect(names('Tom Hughes attended. Tom is well. Mr Hughes agrees.')).toEqual([]);
    expect(names('TOM HUGHES reviewed.')).toEqual([]);
  });
  it('treats a different forename with the patient\'s surname as a relative', () => {
    expect(names('Mrs Gwen Hughes phoned.')).toEqual(['Gwen Hughes']);
  });
  it('does not report professionals acting in role', () => {
    expect(names('Seen with HV Sarah Jones re weaning.')).toEqual([]);
    expect(names('Discussed with Dr Patel and Nurse Evans.')).toEqual([]);
    expect(names('Jo Smith, social worker, attended.')).toEqual([]);
    expect(names('Dear Dr Khan,\n\nRe: Tom Hughes\n\nSeen.\n\nYours sincerely\n\nDr Amy Lee, Consultant')).toEqual([]);
  });
  it('does not report places, organisations or eponyms', () => {
    expect(names('Referred to Hyde Park Surgery. Simon Broome criteria not met.')).toEqual([]);
  });
});

describe('third-party rules', () => {
  it('information supplied by a relative', () => {
    const r = scanner.scan('Wife phoned to say he is more confused.');
    expect(r.findings.some((f) => f.type === 'third-party-information')).toBe(true);
    expect(r.verdict).toBe('review');
  });
  it('a professional ringing is not a third party', () => {
    const r = scanner.scan('HV rang re weight check, all fine.');
    expect(r.findings.some((f) => f.type === 'third-party-information')).toBe(false);
  });
  it("another person's sensitive health becomes thirdParty, not the patient's sensitive", () => {
    const r = scanner.scan('Partner is HIV positive, on ART.');
    expect(r.findings.filter((f) => f.category === 'sensitive' && f.score > 0)).toEqual([]);
    expect(r.findings.some((f) => f.type === 'third-party-health')).toBe(true);
  });
  it('family history given by the patient stays visible; named relative with health withholds', () => {
    expect(scanner.scan('FHx: mother breast ca at 45.').verdict).toBe('visible');
    expect(scanner.scan('FHx: father (Gwyn Price, d. 2019) had Huntington\'s disease.', { patient: { name: 'Rhian Price' } }).verdict).toBe('withhold');
  });
  it("an unnamed relative's current health told by the patient is review", () => {
    expect(scanner.scan('Cares for his mother, who has dementia.').verdict).toBe('review');
  });
});

describe('rules generalised from blind evaluation errors', () => {
  it('a title of the other sex with the patient\'s surname is someone else', () => {
    const r = scanner.scan('Mrs Reddy phoned to say he has been more muddled.', { patient: { name: 'Arjun Reddy', sex: 'male' } });
    expect(r.findings.some((f) => f.type === 'person-name')).toBe(true);
    expect(r.verdict).toBe('review');
    const own = scanner.scan('Mr Reddy attended alone.', { patient: { name: 'Arjun Reddy', sex: 'male' } });
    expect(own.findings.some((f) => f.type === 'person-name')).toBe(false);
  });
  it('template fields answered N are negated', () => {
    expect(scanner.scan('Annual review template:\nSafeguarding concerns: N\nCarer: N\nLD register: N\nBP 130/82.').verdict).toBe('visible');
    expect(scanner.scan('Safeguarding concerns: Y - referred to MASH today.').verdict).toBe('withhold');
  });
  it("a relative's health measure in a child's record is another person's health", () => {
    const r = scanner.scan("New birth visit. Feeding well.\nMum's EPDS 6, mood good.", { patient: { name: 'Ava Lowe', dateOfBirth: new Date(Date.now() - 20 * 864e5).toISOString().slice(0, 10) } });
    expect(r.findings.some((f) => f.type === 'third-party-health')).toBe(true);
    expect(r.verdict).toBe('withhold');
  });
  it('a clinic letter about a partner\'s health is reported by others', () => {
    const letter = 'Dear Dr Ferris,\n\nRe: Lucas Treharne\n\nHis partner, who is also under our care, is HIV positive.\n\nYours sincerely\nDr Bankole';
    expect(scanner.scan(letter, { patient: { name: 'Lucas Treharne' } }).verdict).toBe('withhold');
  });
  it('past abuse in childhood with no current process is review', () => {
    expect(scanner.scan('Disclosed she was sexually abused by an uncle between ages 8 and 11. He died in 2015.').verdict).toBe('review');
  });
  it('doubt lowers a finding by one verdict at most: a queried self-harm is still reviewed', () => {
    const r = scanner.scan('Healing linear marks L forearm noted on exam - ?self-harm. Says cat scratches.');
    const sh = r.findings.find((f) => f.category === 'sensitive')!;
    expect(sh.modifiers.uncertain).toBe(true);
    expect(sh.score).toBeGreaterThanOrEqual(0.35);
    expect(r.verdict).toBe('review');
    // A weak finding stays weak: doubt never raises a score.
    const weak = scanner.scan('?partner aware.');
    for (const f of weak.findings) expect(f.score).toBeLessThan(0.35);
    // Negated or hypothetical still count for nothing.
    expect(scanner.scan('No self-harm. Denies suicidal thoughts.').verdict).toBe('visible');
    // A question put to the patient is not a clinician's query: it keeps the plain factor.
    for (const q of ['Doctor: Do you use any recreational drugs?\nPatient: No.', 'Doctor: Any thoughts of self-harm?\nPatient: No.', 'So you were taking clozapine before?']) {
      const asked = scanner.scan(q).findings.filter((f) => f.category === 'sensitive' && f.modifiers.uncertain);
      expect(asked.length).toBeGreaterThan(0);
      for (const f of asked) expect(f.score).toBeLessThan(0.35);
    }
  });
  it('guidance about a kind of relative is not a person\'s health', () => {
    const letter = 'Dear Dr Singh,\n\nRe: Colin Daley\n\nColonoscopy normal. Given a single first-degree relative diagnosed over 50, he does not need surveillance.\n\nYours sincerely\nDr Marsh';
    expect(scanner.scan(letter, { patient: { name: 'Colin Daley' }, kind: 'letter' }).findings.filter((f) => f.type === 'third-party-health')).toEqual([]);
    const real = 'Dear Dr Singh,\n\nRe: Colin Daley\n\nHis brother was diagnosed with bowel cancer last month and is having chemotherapy.\n\nYours sincerely\nDr Marsh';
    expect(scanner.scan(real, { patient: { name: 'Colin Daley' }, kind: 'letter' }).verdict).toBe('withhold');
  });
  it("an abbreviation used as a verb (\"DNA'd\") is not part of a name", () => {
    const r = scanner.scan("Mr Clarke DNA'd his appointment in March and was seen today.", { patient: { name: 'Desmond Clarke', sex: 'male' } });
    expect(r.findings.filter((f) => f.type === 'person-name')).toEqual([]);
    expect(r.verdict).toBe('visible');
  });
  it('a relative who tells us about her own health, "she herself", is another person\'s health', () => {
    const r = scanner.scan('T/C with mum re asthma. Mum mentioned she herself has just started chemo for breast ca.', { patient: { name: 'Lauren Ash' } });
    expect(r.findings.filter((f) => f.category === 'sensitive')).toEqual([]);
    expect(r.verdict).toBe('withhold');
  });
  it('any informant cue ending in "from" names its source after it', () => {
    for (const t of ['Voicemail from his son - worried dad has left the gas on.', 'Text from daughter: mum not eating.']) {
      const r = scanner.scan(t);
      expect(r.findings.some((f) => f.type === 'third-party-information')).toBe(true);
      expect(r.verdict).toBe('review');
    }
    // The source must be a third party: a message from the pharmacy is not.
    expect(scanner.scan('Text from pharmacy: prescription ready.').findings.some((f) => f.type === 'third-party-information')).toBe(false);
    // A relationship word that is a role in its context: a ward sister, not a sibling; a sibling still is one.
    expect(scanner.scan('Tel call from Sister Kaur, Ward 12 - pt fit for discharge tomorrow.').findings.some((f) => f.type === 'third-party-information')).toBe(false);
    expect(scanner.scan('Call from sister - worried about his drinking.').findings.some((f) => f.type === 'third-party-information')).toBe(true);
  });
  it('a history the patient gave together with a relative is the patient\'s own; the relative alone still supplies it', () => {
    const rows: [string, Verdict][] = [
      ['Hx from pt & daughter: 2 trips indoors, no LOC, no new meds.', 'visible'],
      ['Pt and wife report he has been sleeping better on the new dose.', 'visible'],
      // near-misses: the relative alone, or the relative beside the patient's word but not joined to it
      ['Hx from daughter: 2 trips indoors, no LOC, no new meds.', 'review'],
      ['Daughter reports 2 trips indoors, pt says 3.', 'review'],
      // joint, but what the relative says of their own health is still theirs
      ['Hx from pt & wife: 2 falls. Wife also says she has been diagnosed with breast cancer herself.', 'withhold'],
    ];
    expectVerdicts(rows, { patient: { name: 'Ron Ellis', sex: 'male' } });
  });
  it("in a letter, a relative's health the patient told the writer is the patient's account; a blood relative with it too is family history", () => {
    const rows: [string, Verdict][] = [
      ['She tells me her sister also has coeliac disease, so this was no surprise.', 'visible'],
      ['She tells me her sister has just been diagnosed with breast cancer.', 'review'],
      // near-misses: a spouse is no blood relative; someone else telling it is theirs to tell
      ['She tells me her husband also has cancer.', 'review'],
      ['Her brother rang: he tells me their father has dementia.', 'withhold'],
      ['Her sister has just been diagnosed with breast cancer.', 'withhold'],
    ];
    expectVerdicts(rows, { kind: 'letter', patient: { name: 'Ann Lowe', sex: 'female' } });
  });
  it('a call that only asks or arranges something supplies nothing; one that also says something does', () => {
    const rows: [string, Verdict][] = [
      ['Son phoned to ask when the Saturday flu clinic is - given dates. Will bring mum.', 'visible'],
      ['Daughter rang to book a double appointment for next week.', 'visible'],
      // near-misses: the call says something of the patient, or its sentence holds a finding
      ['Son phoned to say she is more confused since Tuesday.', 'review'],
      ['Wife rang to ask for help as he is drinking heavily again.', 'review'],
    ];
    expectVerdicts(rows);
  });
  it('judges "under 16" at the date the document was written', () => {
    // Born 2010: 14 when the letter was written in 2025, whenever it is scanned.
    const letter = 'Re: Mia Bolam, DOB 09/09/2010\n\nMia attended on 06/05/2025 requesting emergency contraception. Levonorgestrel given.';
    expect(scanner.scan(letter, { kind: 'letter' }).verdict).toBe('review');
    // The patient's forename with an age in brackets says the same.
    expect(scanner.scan('Amelia (15) attended asking for emergency contraception.', { patient: { name: 'Amelia Rowe' } }).verdict).toBe('review');
    expect(scanner.scan('Requesting emergency contraception, aged 19. Levonorgestrel given.').verdict).toBe('visible');
  });
  it.each([
    // an age written as a label says the same
    ['Age 15. Attended alone requesting EHC after UPSI 2 days ago.', 'review'],
    ['Seen alone, age 14. Requesting emergency contraception.', 'review'],
    // near-misses: another age than the patient's now
    ['Menarche age 12, cycles regular. Requesting emergency contraception.', 'visible'],
    ['Retired at age 60; wife requesting emergency contraception info.', 'visible'],
  ] as [string, string][])('an age label: %s -> %s', (text, want) => {
    expect(scanner.scan(text).verdict).toBe(want);
  });
  it.each([
    // a query's near-words in the sentence after it, on the same line
    ['Lower abdo pain 5/7. T 37.8. UPT neg. ?PID. Swabs + NAAT. Review 72h.', 'review'],
    // near-misses: the next line or paragraph is not the query's; a spine word after it says which PID
    ['Ex-smoker, cough 4/52. ?infection ?ca\n\nReport: lungs clear, no mass. No evidence of malignancy.', 'visible'],
    ['Back pain. MRI done. ?PID. L5/S1 disc, sciatica.', 'visible'],
  ] as [string, string][])('a short query reaches the sentence after it on its line: %s -> %s', (text, want) => {
    expect(scanner.scan(text).verdict).toBe(want);
  });
  it('a short queried fragment leans on the sentences before it for its near-words', () => {
    const r = scanner.scan('Teacher reports he is often hungry at breakfast club and takes food from other children. ?neglect. No referral yet.');
    expect(r.findings.some((f) => f.category === 'safeguarding')).toBe(true);
    expect(r.verdict).toBe('review');
  });
  it('place names, eponyms and competence rulings are not people', () => {
    const r = scanner.scan("New address 22 Marlin Terrace, North Shields. Screening for Down's, Edwards' and Patau's syndromes: lower chance. Fraser competent.");
    expect(r.findings.filter((f) => f.type === 'person-name')).toEqual([]);
  });
  it('screening tools, helpline cards and counterfactuals are not concerns', () => {
    expect(scanner.scan('Completed the sexual exploitation screening tool: no indicators found.').verdict).toBe('visible');
    expect(scanner.scan('Gave her a domestic abuse helpline card as routine.').verdict).toBe('visible');
    expect(scanner.scan('No safeguarding concerns at present; had there been, I would have discussed them with our safeguarding team and made a referral to the MASH.').verdict).toBe('visible');
    // Still a concern when it is one.
    expect(scanner.scan('Referral made to the MASH today.').verdict).toBe('withhold');
  });
  it('"FHx (from pt):" does not hand the family history back to the patient', () => {
    const r = scanner.scan('FHx (from pt): father MI at 58, mother bowel cancer in her 70s.');
    expect(r.findings.filter((f) => f.category === 'sensitive')).toEqual([]);
    expect(r.verdict).toBe('visible');
  });
  it("the patient's changed contact details are not a third party's", () => {
    const r = scanner.scan('Admin: pt changed mobile number to 07700 900273. Consents to SMS and email to d.ark@example.com.');
    expect(r.findings.filter((f) => ['phone', 'email'].includes(f.type))).toEqual([]);
    const moved = scanner.scan('Change of address: now 4 Elm Row, Leeds LS6 2AB. Mobile unchanged 07700 900482 - happy for SMS reminders.');
    expect(moved.findings.filter((f) => ['phone', 'postcode'].includes(f.type))).toEqual([]);
    expect(moved.verdict).toBe('visible');
    // The same number given for a relative is still a third party's.
    expect(scanner.scan('Next of kin: daughter Amy, mobile 07700 900482.').findings.some((f) => f.type === 'phone')).toBe(true);
  });
});

describe("whose condition: the subject pronoun against the patient's sex", () => {
  const s = createScanner();
  const types = (text: string, sex?: string) => s.scan(text, { patient: { name: 'Leonard Pike', ...(sex ? { sex } : {}) } }).findings.filter((f) => f.ruleId === 'sensitive/malignancy').map((f) => f.type);
  it.each([
    ['Wife rang - she has just been diagnosed with breast cancer herself.', 'male', ['third-party-health']],
    ['Wife rang to say he has been diagnosed with lung cancer.', 'male', ['serious-diagnosis']],
    ['Seen with her husband. She has been diagnosed with breast cancer.', 'female', ['serious-diagnosis']],
    // the patient's sex not known: the pronoun decides nothing
    ['Wife rang - she has just been diagnosed with breast cancer herself.', undefined, ['serious-diagnosis']],
  ])('%s (%s)', (text, sex, want) => {
    expect(types(text, sex)).toEqual(want);
  });
});

describe('contractions: a term written with "do not" also matches "don\'t" and "dont" (contracted-* vocabularies)', () => {
  const harm = (t: string) => scanner.scan(t).findings.filter((f) => f.category === 'harm').map((f) => f.type);
  it.each([
    ['Please do not tell him I called.', true],
    ["Please don't tell him I called.", true],
    ['please dont tell him i called', true],
    ['pls dont ring the house, he listens in', true],
    // near-misses: the same words without the instruction
    ['Told him I called.', false],
    ['Done: told him about the result.', false],
    ["Don't worry, results normal, will tell him at review.", false],
  ] as [string, boolean][])('%s -> harm %s', (text, want) => {
    expect(harm(text).length > 0).toBe(want);
  });
  it('"does not" is also "doesn\'t" and "doesnt" (a relative\'s request in confidence)', () => {
    const types = (t: string) => scanner.scan(t).findings.map((f) => f.type);
    for (const t of ['Sister rang, worried. Does not want him to know she told us.', "Sister rang, worried. Doesn't want him to know she told us.", 'Sister rang, worried. Doesnt want him to know she told us.'])
      expect(types(t), t).toContain('in-confidence');
    expect(types('Sister rang, worried. Wants him to know she told us.')).not.toContain('in-confidence');
  });
});
