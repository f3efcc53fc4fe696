import { describe, expect, it } from 'vitest';
import { createScanner } from '../src/index.js';

// Who a name belongs to (issue 13, classes 1-3): table-driven, every text invented. Each row
// says which words must be reported as a third party's name ("names") -- an empty list is a
// near-miss that must stay as it is.
const scanner = createScanner({ includeText: true });
type Row = [text: string, names: string[], patient?: { name: string; sex?: string }];
const names = (text: string, patient?: { name: string; sex?: string }) =>
  scanner
    .scan(text, { patient })
    .findings.filter((f) => f.type === 'person-name')
    .map((f) => f.text);
const table = (rows: Row[]) =>
  rows.forEach(([text, want, patient]) =>
    it(`${JSON.stringify(text)} -> ${JSON.stringify(want)}`, () => {
      expect(names(text, patient)).toEqual(want);
    }),
  );

describe('class 1: a name anchored by a relationship, a proxy role or a person-taking verb, in any case', () => {
  table([
    ['lives with gf chloe, works in retail', ['chloe']],
    ['grandson tom does her shopping', ['tom']],
    // a forename that is also a word, shown a name by "who" after it; without it, the word
    ['lives w partner grant who works nights', ['grant']],
    ['partner will collect her from the ward', []],
    ['DISCUSSED WITH SON MARCUS TODAY', ['MARCUS']],
    ['niece is mrs. jan holt, tel on file', ['jan holt']],
    ['Jan Holt (niece) phoned.', ['Jan Holt']],
    ['brother, pete, (07700 900123) is next of kin', ['pete']],
    ['Unable to reach daughter, please ask for Pete if he rings.', ['Pete']],
    ['Attorney under LPA - Jan Holt.', ['Jan Holt']],
    ['FAMILY AT THE BEDSIDE. IVANA PETROVA (DAUGHTER) IS NEXT OF KIN.', ['IVANA PETROVA']],
    ['daughter sue lives nearby, son ray lives in town', ['sue', 'ray']],
    ['BROTHER JACK 07700 900123', ['JACK']],
    ['Brother Will visits on Sundays.', ['Will']],
    ['lives with partner (shaz) and 2 kids', ['shaz']],
    ['wife, janet hollins, is at the bedside', ['janet hollins']],
    ['Carol, his wife, rang the ward.', ['Carol']],
    ['Rabbi Kaplan visited this afternoon.', ['Kaplan']],
    ['Explained to Mihai that the scan is booked.', ['Mihai']],
    ['Her husband, Al, is also present.', ['Al']],
  ]);
  // near-misses: a capitalised word after a relationship word that is not a name, an
  // ordinary-word forename in ordinary use, clinical words after a relationship in lower case
  table([
    ['Seen with son Tuesday and Friday.', []],
    ['mum Okay, pain better today', []],
    ['dad Rang back later', []],
    ['son will collect the prescription tomorrow', []],
    ['daughter may visit later this week', []],
    ['Mark the box if consent given.', []],
    ['Grace period for the fee agreed with the practice.', []],
    ['FHx: mother breast ca at 45.', []],
    ['fhx: father t2dm, mother hypothyroid', []],
    ['MOTHER COPD, FATHER IHD. WIFE TEARFUL AT BEDSIDE.', []],
    ['Home visit. Lives alone, manages own meds with dosette, daughter visits daily.', []],
    ['dad (ihd) and mum (deceased), sister (present)', []],
    ['Bitten on the hand by own dog (Bella) this morning.', []],
    ['i might miss one now but i try to take them all', []],
  ]);
});

describe('class 2: professionals in every format', () => {
  table([
    ['Bloods taken by Sam Reid (HCA).', []],
    ['Dressing reviewed with DN (Lucy Parr).', []],
    ['Seen by ANP Mark Finch.', []],
    ['Chair: Helen Ward (Safeguarding Lead)', []],
    ['Paul Grant, Mental Health Practitioner', []],
    ['Coded by: Tina Shaw, Practice Administrator', []],
    ['Coded by: Karen Ellery (summariser)', []],
    ['Present: Dwayne Fox (Social Worker); Hannah Pratt (School Nurse); Nicola (Family Support Worker)', []],
    ['Kim Lee, RN', []],
    ['INSULIN GIVEN PER K. MORAN NP. EVENING GLUCOSE 9.1.', []],
    ['LABETALOL STARTED PER DR FENN, GOOD EFFECT.', []],
    ['No repeat bloods per NP Okafor.', []],
    ['Reviewed by clinical specialist, Omar Haddad, re pressure areas.', []],
    ['Her midwife is Jenna Moss.', []],
    ['ISVA contacted (Becky, 01632 960555) and support offered.', []],
    ['Told his class teacher, Mrs Akers, about it.', []],
    ['Lorna Fairbank, LADO', []],
    ['Sister Ana Reyes (Lung CNS) will call.', []],
    ['Kind regards\n\nSister Maria Santos, Heart Failure Specialist Nurse', []],
    ['Cardiology: Dr Ola Ade   Vascular surgery: Mr Piet Janssen   Radiology: Dr Mei Lin', []],
    ['Mrs Helen Rudd\nDesignated Safeguarding Lead', []],
    ['Scale and polish with our hygienist, Bryony Hale, next month.', []],
    // a surname written as an initial, with its full stop, before the role
    ['Community nursing visit - Elaine R., staff nurse - leg ulcer dressing.', []],
    ['Visit by Elaine R. (staff nurse).', []],
    // a nursing title opening the signature's line, the role on the next line
    ['Yours sincerely\n\nSister Jane Pollock\nSenior Sonographer / EPAU Lead Nurse', []],
    // a titled name with its clinic after a comma
    ['Ortho OPD (Mr Pryce-Jenkins, hip clinic): R hip OA, listed for THR.', []],
  ]);
  // a relationship word beside the name wins over a role near it
  table([
    ['Present: mum (Jo Smith) and SW Amy Lowe.', ['Jo Smith']],
    ['Sister Karen rang about the results.', ['Karen']],
    ['Daughter Jo Smith, a nurse, rang the surgery.', ['Jo Smith']],
    // an initial's full stop with no role after it: still a name
    ['Lives with Elaine R. and her son.', ['Elaine R']],
    ['Her son, Mr Ali, drives her to the hip clinic.', ['Ali']],
  ]);
});

// ICU and ward notes (issue: relatives' and clinicians' names in US-style nursing notes): every
// text invented. Names of one list share their anchor; lower-case typing and capitalised nouns
// that are also names after a relationship word; US hospital grades, services in brackets, a
// team after "from", a list in brackets after a role.
describe('ward notes: relatives and proxies, in any case and in lists', () => {
  table([
    ['spoke w/ son john re plan of care', ['john']],
    ["Social: pt's dtr mary called, updated on plan.", ['mary']],
    ['HCP is wife, Doreen.', ['Doreen']],
    ['NOK: daughter Lucinda (cell on chart)', ['Lucinda']],
    ['Family mtg held w/ wife and sons (Teodor and Benedek).', ['Teodor', 'Benedek']],
    ['daughters Priya and Anjali visited, updated by RN.', ['Priya', 'Anjali']],
    ['dtrs priya & anjali visiting', ['priya', 'anjali']],
    ['sons tomasz/benedek at bedside', ['tomasz', 'benedek']],
    ['Son Ignatius and his wife Fenella in to visit.', ['Ignatius', 'Fenella']],
    ["pt's sister ottilie at bedside", ['ottilie']],
    ['girlfriend anouk called, updated.', ['anouk']],
    ['Per wife Ilse, pt drinks 6 beers/day.', ['Ilse']],
    ['FAMILY IN TO VISIT. WIFE ILSE AND SON GUNTHER UPDATED BY MD.', ['ILSE', 'GUNTHER']],
    ['Health care proxy is niece Ottilie.', ['Ottilie']],
    ['Son-in-law, Casimir, to bring glasses.', ['Casimir']],
    ['Spoke with Bartholomew (son) and updated him.', ['Bartholomew']],
    ['wife Mary and Dr Vaal spoke with pt', ['Mary']],
  ]);
  // near-misses: a list stops at a word that is not a name; a relationship word after a doctor
  // in a list; a title or a misspelt word is not a name; a capitalised noun before a relation
  table([
    ['son Tom and daughter at bedside', ['Tom']],
    ['per dtr, pt lives alone', []],
    ['wife tearful at bedside, son aware of plan', []],
    ['Status: Full Code - Heath Care Proxy - daughter', []],
    ['Seen with son Tuesday and Friday.', []],
    ['Family mtg w/ Dr Vaal, wife and son.', []],
  ]);
});

describe('ward notes: clinicians by role before, after, in brackets, in lists', () => {
  table([
    ['MD Okonjo notified of low u/o.', []],
    ['Renal fellow Okonjo aware.', []],
    ['renal fellow okonjo aware', []],
    ['Resident Tamsin Vaal paged.', []],
    ['CCU resident (Tamsin) aware.', []],
    ['Tamsin, CCU resident, made aware.', []],
    ['Tamsin from IV team placed PICC.', []],
    ['Rounds w/ team (Vaal, Okonjo, Nakamura).', []],
    ['Seen by Okonjo (neuro) this am.', []],
    ['DISCUSSED WITH DR VAAL.', []],
    ["pt's dtr spoke with Dr Vaal", []],
  ]);
  // the ordinary words stay ordinary: a care home resident, a fellow pupil
  table([
    ['A fellow resident, Mary Jones, took her purse.', ['Mary Jones']],
    ['Lives in a care home; resident Mary Jones hit her.', ['Mary Jones']],
    ['Dave from next door found her on the floor, seen with Dave.', ['Dave', 'Dave']],
  ]);
});

describe('ward notes: who acts on the patient, and relatives described in brackets', () => {
  // staff: a house officer's title, the agent of a staff action, the subject of an order, a pager,
  // a plural title (a doctor whose bracket mentions a relative stays a doctor); the rest are
  // relatives (a description in brackets, a gerund after an ordinary-word name, a closed
  // apposition, "wife's name is", a proxy beside a relative)
  table([
    ['pronounced at 1840 by HO Maria.', []],
    ['HO Kowalski notified, no intervention.', []],
    ['Line changed over wire to triple lumen by Zbigniew.', []],
    ['Insulin given per Linda. Kowalski NP.', []],
    ['ILEUS REMAINS AS PER MARIA.', []],
    ['Maria Kowalski ordered epi drip to be increased.', []],
    ['Paged Okonjo re BP 80s.', []],
    ['Drs. Vaal and Okonjo aware of plan.', []],
    ['Spoke with Teodor Vaal (pts closest living blood relative).', ['Teodor Vaal']],
    ['Dr Okonjo (seen with mum) aware.', []],
    ['daughter dawn staying overnight', ['dawn']],
    ['Wife\'s name is Ilse.', ['Ilse']],
    ['Ottilie, daughter, called for update.', ['Ottilie']],
    ['son and HCP, Gunther, updated.', ['Gunther']],
  ]);
  // near-misses: a relationship word beside the agent still wins; an ordinary subject or agent
  // of a carer's task stays a third party; HCP alone is a professional
  table([
    ['Meds given by daughter Sue.', ['Sue']],
    ['Blister pack started by carer Mary Jones.', ['Mary Jones']],
    ['Seen with Mary Jones; she ordered the repeat prescription.', ['Mary Jones']],
    ['Lives with Mary Jones, who gives his insulin.', ['Mary Jones']],
    ['Mary Jones (neighbour) found him on the floor.', ['Mary Jones']],
    ['Professional line (HCP only): 0115 496 0999', []],
  ]);
});

describe("class 3: the patient's own name, and things that are not people", () => {
  table([
    ['Ms O’Rourke seen re contraception.', [], { name: 'Siobhan O’Rourke', sex: 'female' }],
    ["Ms O'Rourke seen re contraception.", [], { name: 'Siobhan O’Rourke', sex: 'female' }],
    ['Mrs Adeyemi-Cole attended for her smear.', [], { name: 'Bisi Adeyemi-Cole', sex: 'female' }],
    ['MR KAVANAGH ATTENDED FOR HIS FLU VACCINE. NO PROBLEMS.', [], { name: 'Sean Kavanagh', sex: 'male' }],
    ['Ms Mensah disclosed that her husband had hit her.', [], { name: 'Ama Mensah', sex: 'female' }],
    ['Patient: Susan MARLOWE', [], { name: 'Susan Marlowe' }],
    ['next patient is randy gutierrez . date of birth 8/10/1960', []],
    ['Kellgren-Lawrence grade 3 changes in both knees.', []],
    ['Harvey-Bradshaw Index 2, passing 1-2 stools a day.', []],
    ['Humphrey 24-2 field stable.', []],
    ['Duodenal biopsy: Marsh 3b.', []],
    ['Hips (Barlow/Ortolani): normal', []],
    ['Visual acuity (Kay pictures): 0.1 each eye.', []],
    ['Positive Hawkins-Kennedy and Neer test.', []],
    ['Oxford Knee Score 44/48. Harris Hip Score 92.', []],
    ['Back from Lagos last week, well.', []],
    ['Referred to Carers Trust for a carers assessment.', []],
  ]);
  // a relative who shares the patient's surname, a different forename
  table([
    ['Mrs Gwen Hughes phoned about her husband.', ['Gwen Hughes'], { name: 'Tom Hughes', sex: 'male' }],
    ['Ruby-Mae attended with her mum.', ['Ruby-Mae'], { name: 'Tom Hughes', sex: 'male' }],
  ]);
});

describe('other mentions of a name follow the first decision', () => {
  table([
    ['Spoke with Mihai Vasile (nephew) by phone. Mihai wishes to visit tomorrow.', ['Mihai Vasile', 'Mihai']],
    ['Dr Fenn reviewed. Fenn aware of the plan.', []],
  ]);
});

describe("a relative's contact details are a third party's; an organisation's are not", () => {
  const ids = (text: string) =>
    scanner
      .scan(text)
      .findings.filter((f) => f.ruleId.startsWith('identifier/'))
      .map((f) => `${f.type}:${f.text}`);
  const rows: [string, string[]][] = [
    ['brother, pete, (07700 900123)', ['phone:07700 900123']],
    ['Daughter is Mrs Jo Carvalho, tel 943-476-5919.', ['phone:943-476-5919']],
    ['SON ROB 613-555-0142 AND ANOTHER SON 613-555-0199.', ['phone:613-555-0142', 'phone:613-555-0199']],
    ['Ivana Petrova (daughter), cellular-613 555-0177.', ['phone:613 555-0177']],
    ['Son in Lagos, mobile +234 803 123 4567.', ['phone:+234 803 123 4567']],
    ['Her mother rang the team on Monday (contact 07700 900412).', ['phone:07700 900412']],
    ['Attorney 1: Mrs Ann Ibbs (daughter)\n  Address: 2 Elm Drive\n  Tel: 07700 900318   DOB: 03/07/1964', ['phone:07700 900318', 'date-of-birth:DOB: 03/07/1964']],
    // near-misses: an organisation's number, references, dates, year ranges, results
    ['Son given the crisis line number 0800 123 4567.', []],
    ['IDVA contact number 01632 960123 given.', []],
    ['Ref: 7000-4412-9983, registered 14/01/2025.', []],
    ['Father was in prison 2019-2020, when she lived with her mother.', []],
    ['Mother: BP 142/88, bloods 12/04/2025, HbA1c 48.', []],
    ['Referred to Carers Centre\n  Tel: 01632 960777', []],
  ];
  for (const [text, want] of rows)
    it(`${JSON.stringify(text)} -> ${JSON.stringify(want)}`, () => {
      expect(ids(text)).toEqual(want);
    });
});

describe('class 3: an acronym after a name is not part of it', () => {
  table([
    // the patient's own surname, then a clinical acronym: not a two-word name that is nobody's
    ['Mrs Connor HRT review. Symptoms improved.', [], { name: 'Nuala Connor' }],
    ["Mrs O’Connor’s HRT review. No PMB.", [], { name: 'Nuala O’Connor' }],
    ["Mr Adeyemi's BP today 132/84.", [], { name: 'Tunde Adeyemi' }],
    // near-misses: another person is still found, and a surname in capitals still joins its forename
    ['Mrs Hollis HRT review noted in her letter.', ['Hollis'], { name: 'Nuala Connor' }],
    ['Patient: Susan MARLOWE, seen with husband Peter MARLOWE.', ['Peter MARLOWE'], { name: 'Susan Marlowe' }],
  ]);
});

describe('class 2: an ambulance ECP is a professional, the pill is not a role', () => {
  table([
    ['Ambulance service notes received (ECP Jo Lane): fall at home, not conveyed.', [], { name: 'Frank Milburn' }],
    ['Ambulance attended. ECP issued to daughter Jo Pryce for her own use?', ['Jo Pryce'], { name: 'Frank Milburn' }],
  ]);
});

describe("blind17's classes: a partner's name in brackets, a month for a forename, a relative with the patient's surname, a role holding a relationship word", () => {
  const man = { name: 'Thomas Hargreaves', sex: 'male' };
  table([
    // shorthand made a person by the name in brackets after it
    ['gf (aoife) driving him to work for now', ['aoife']],
    ['bf (kyle) came in with her', ['kyle']],
    // near-misses: gluten-free and breast feeding
    ['gf diet (coeliac) discussed', []],
    ['bf (breast feeding) going well', []],
    // a month as a forename: a surname after it in a relative's slot
    ['LPA (health & welfare): daughter - JUNE FAIRCLOUGH.', ['JUNE FAIRCLOUGH']],
    ['Next of kin: daughter April Moss, lives nearby.', ['April Moss']],
    // near-misses: a month as a month
    ['Son visiting in June.', []],
    ['Daughter due 3 May, scan booked.', []],
    // the patient's surname under a title of the other sex is a relative's, even when the patient is named first
    ['Patient: Thomas HARGREAVES. Mrs Hargreaves attended with him and reports he is forgetful.', ['Hargreaves'], man],
    // near-miss: the patient's own title
    ['Patient: Thomas HARGREAVES. Mr Hargreaves attended alone.', [], man],
    // a relationship word inside a role is the role's: care home staff in an attendee list
    ['Attendees: Marguerite (Deputy Manager, RGN); Femi (Senior Carer); pharmacist Robert Ng.', []],
    // near-miss: a relationship word in brackets on its own
    ['Tom Hale (her carer) rang.', ['Tom Hale']],
    // a relationship word that is also a post, alone after the signer's name in a signature block
    ['Dear Dr Fenwick,\n\nWe will meet your fee.\n\nYours sincerely,\nTobias Merriman, Partner\nMerriman Clarke LLP', []],
    // near-misses: a relative signing, and the same words outside a signature
    ['Dear Dr F,\n\nSeen today.\n\nYours sincerely,\nTom Reid, partner of the patient', ['Tom Reid']],
    ['Seen with Tom Reid, partner', ['Tom Reid']],
  ]);
});

describe("blind18's classes: a double-barrelled name before its role, staff by their office, a hospital after a royal word, the paper record's envelope", () => {
  table([
    // the whole double-barrelled name, so the role after its comma is the name's
    ['Annual review.\n\nFfion Rees-Morgan, Heart Failure Nurse Specialist', []],
    ['Annual review.\n\nBeth Okafor-Hale, Practice Pharmacist', []],
    // near-misses: a relative with a double-barrelled name is still a relative's; an eponym's grade stays an eponym
    ['Lives with sister in law, ffion rees-morgan.', ['ffion rees-morgan']],
    ['Well; Harvey-Bradshaw Index 2 today.', []],
    // staff named by their office or a workflow label
    ['Filed, no action.\nWorkflow: Megan Pryce (Document Management)', []],
    ['Scanned by: Tom Reid (Admin)', []],
    // a hospital after a royal or a saint is a place
    ['Virtual fracture clinic (Royal Alexandra) confirms no follow-up needed.', []],
    ['Transferred to the Queen Elizabeth for the scan.', []],
    // near-miss: "Prince" is a forename too
    ['Seen with her son Prince Adeyemi.', ['Prince Adeyemi']],
    // the paper record's envelope
    ['Notes summarised: paper Lloyd George envelope received.', []],
  ]);
});

describe('a number on its own line after a phone label is the person\'s on the line above', () => {
  const level = (text: string) => scanner.scan(text).findings.find((f) => f.ruleId === 'identifier/phone')?.level;
  it("a signature block's number is the signer's", () => {
    expect(level('I will review in three months.\n\nBronagh McAteer\nHealth Visitor, Eastbrook Team\nMob 07700 900118')).toBeUndefined();
  });
  it("a relative's line above makes it the relative's", () => {
    expect(level('Next of kin:\nDaughter Jane\nMob 07700 900119')).toBe('withhold');
  });
  it('a number with no owner above stays one to review', () => {
    expect(level('Seen today, well.\nMob 07700 900120')).toBe('review');
  });
});

describe("a letter a relative wrote: what its writer calls 'my number' is the relative's", () => {
  const phoneLevel = (text: string, patient: { name: string; sex?: string }) =>
    scanner.scan(text, { patient }).findings.find((f) => f.ruleId === 'identifier/phone')?.level;
  const father = { name: 'Albert Henshaw', sex: 'male' };
  const rows: [string, { name: string; sex?: string }, string | undefined][] = [
    ['Dear Dr Moss,\n\nI am writing about my father, Albert Henshaw, who is your patient. He would like an appointment. My number is 07700 900416.\n\nMargaret Sowerby (daughter)', father, 'withhold'],
    ['Dear Dr Moss,\n\nI am his wife and I am worried about his memory. My mobile is 07700 900417.\n\nJean Henshaw', father, 'withhold'],
    // near-misses: the patient writing about their own care (whose number is not known: review, not
    // a relative's); a relative's letter giving a service's number
    ['Dear Dr Moss,\n\nI would like to change my appointment. My number is 07700 900418.\n\nAlbert Henshaw', father, 'review'],
    ['Dear Dr Moss,\n\nI am his wife. The memory clinic number is 01632 960118.\n\nJean Henshaw', father, undefined],
  ];
  for (const [text, patient, want] of rows)
    it(`${JSON.stringify(text.slice(0, 80))} -> ${want ?? 'not a third party'}`, () => {
      const level = phoneLevel(text, patient);
      if (want) expect(level).toBe(want);
      else expect(level === undefined || level === 'visible').toBe(true);
    });
});
