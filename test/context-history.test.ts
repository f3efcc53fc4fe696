import { describe, expect, it } from 'vitest';
import { createScanner } from '../src/index.js';
import { contextOf, type Mod } from './support/context.js';

// History in ConText's sense (the condition began before this episode) and the terminators that
// end it: modifier-scoped termination, closed stretches (a patient's description), the
// presentation naming a background again, and the history triggers of the published ConText
// lists. Every table has near-misses that must stay as they are. All text is invented.

const { mods } = contextOf(createScanner(), ['negated', 'hypothetical', 'historical']);

describe('modifier-scoped termination: a presentation ends a history, not a negation', () => {
  it.each([
    ['History of migraine, presenting today with a swollen knee.', 'swollen knee', []],
    ['Past history of asthma who comes in with a painful ankle.', 'painful ankle', []],
    ['Previous DVT, currently well, now with calf pain.', 'calf pain', []],
    ['Known to have gout; recent onset of back pain.', 'back pain', []],
    // near-misses: the background before the terminator stays history; a negation crosses "presents"
    ['History of migraine, presenting today with a swollen knee.', 'migraine', ['historical']],
    ['No fever, presents with no rash.', 'rash', ['negated']],
  ] as [string, string, Mod[]][])('%s -> %s is %j', (text, target, want) => {
    expect(mods(text, target)).toEqual(want);
  });

  it.each([
    // "which" ends a negation but a relative clause on something past stays past
    ['She had a bone scan in the past, which showed osteopenia.', 'osteopenia', ['historical']],
    ['Denies cough, which has settled; wheeze since Tuesday.', 'wheeze', []],
    ['Denies cough or wheeze.', 'wheeze', ['negated']],
  ] as [string, string, Mod[]][])('relative clause: %s -> %s is %j', (text, target, want) => {
    expect(mods(text, target)).toEqual(want);
  });
});

describe('closed stretch: a patient description names the background up to the presentation', () => {
  it.each([
    ['A 67-year-old man with angina who presents with breathlessness.', 'angina', ['historical']],
    ['This 52 year old lady with bipolar disorder, presenting with a rash.', 'bipolar disorder', ['historical']],
    ['She is a 70-year-old retired woman with COPD and diabetes who presented after a fall.', 'diabetes', ['historical']],
    ['34yo male with epilepsy who presents with a headache.', 'epilepsy', ['historical']],
    // near-misses: nothing closes the stretch, or the target is the presentation itself
    ['A 45-year-old woman with chest pain since this morning.', 'chest pain', []],
    ['A 67-year-old man with angina who presents with breathlessness.', 'breathlessness', []],
    ['A 67-year-old man who presents with angina.', 'angina', []],
    ['A 30-year-old woman with abdominal pain.', 'abdominal pain', []],
  ] as [string, string, Mod[]][])('%s -> %s is %j', (text, target, want) => {
    expect(mods(text, target)).toEqual(want);
  });
});

describe('a background the presentation names again is active now', () => {
  it.each([
    ['History of sickle cell disease, who presents with pain typical of her sickle cell crisis.', 'sickle cell disease', []],
    ['History of asthma, presents with an asthma attack.', 'asthma', []],
    // near-misses: the presentation repeats only a general word, or names something else
    ['History of chest pain, presents with abdominal pain.', 'chest pain', ['historical']],
    ['History of sickle cell disease and anaemia, who presents with sickle cell crisis.', 'anaemia', ['historical']],
    ['History of asthma, presents with a rash.', 'asthma', ['historical']],
  ] as [string, string, Mod[]][])('%s -> %s is %j', (text, target, want) => {
    expect(mods(text, target)).toEqual(want);
  });
});

describe('history triggers from the ConText lists', () => {
  it.each([
    ['Adjacent old rib fracture.', 'rib fracture', ['historical']],
    ['Remote lacunar infarct.', 'lacunar infarct', ['historical']],
    ['Unchanged elevated left hemidiaphragm.', 'elevated left hemidiaphragm', ['historical']],
    ['Because of his angina history we did an ECG.', 'angina', ['historical']],
    ['Her history is significant for asthma and eczema.', 'eczema', ['historical']],
    ['Known to have epilepsy.', 'epilepsy', ['historical']],
    ['She is admitted quite frequently for abdominal pain and vomiting.', 'abdominal pain', ['historical']],
    ['FHx: bowel cancer in her father.', 'bowel cancer', ['historical']],
    ['Past surgical history: appendicectomy.', 'appendicectomy', ['historical']],
    // near-misses: an age, bruises old and new, a heading "History:", a history taken, a left hemidiaphragm that is merely elevated
    ['A 4-year-old girl with a cough.', 'cough', []],
    ['Old and new bruising on both shins.', 'bruising', []],
    ['History: cough for three days.', 'cough', []],
    ['Social history: lives with partner.', 'partner', []],
    ['Asthma review; history taken from mum.', 'Asthma', []],
    ['Admitted today with abdominal pain.', 'abdominal pain', []],
    ['The left hemidiaphragm is elevated but unchanged.', 'left hemidiaphragm is elevated', []],
    ['New rib fracture.', 'rib fracture', []],
  ] as [string, string, Mod[]][])('%s -> %s is %j', (text, target, want) => {
    expect(mods(text, target)).toEqual(want);
  });
});

describe('"resolved" negates what it follows', () => {
  it.each([
    ['His nausea and vomiting resolved.', 'nausea', ['negated']],
    ['Rash now fully resolved.', 'Rash', ['negated']],
    // near-misses
    ['Rash not resolved.', 'Rash', []],
    ['Cough partially resolved, still wheezy.', 'Cough', []],
    ['Weakness, although that seemed to have resolved later.', 'Weakness', []],
  ] as [string, string, Mod[]][])('%s -> %s is %j', (text, target, want) => {
    expect(mods(text, target)).toEqual(want);
  });
});

describe('"resolved" stays with its own item of a list', () => {
  it.each([
    ['PMH: TOP 2015, low mood 2019 (resolved), eczema.', 'TOP', ['historical']],
    ['PMH: TOP 2015, low mood 2019 (resolved), eczema.', 'low mood', ['negated', 'historical']],
  ] as [string, string, Mod[]][])('%s -> %s is %j', (text, target, want) => {
    expect(mods(text, target)).toEqual(want);
  });
});

describe('a past-history field inside a line is history, as its heading at a line start is', () => {
  it.each([
    ['Reg check. Obstetric history: G2P1, TOP 2016.', 'TOP', ['historical']],
    ['Booking visit. Gynae history: LLETZ 2015, chlamydia 2012.', 'chlamydia', ['historical']],
    ['Telephone review. Allergies: penicillin (rash).', 'penicillin', ['historical']],
    ['Seen with cough.  Past medical history: overdose 2019', 'overdose', ['historical']],
    // near-misses: a later field, another sentence, a label that is no past-history heading,
    // a label after the target
    ['Note - Past medical history: overdose 2019  Current problem: overdose yesterday', 'overdose yesterday', []],
    ['Seen today, cough 3/7. PMH: asthma. Low mood for 2 weeks.', 'Low mood', []],
    ['Telephone review. Presenting complaint: low mood, self harm last night.', 'self harm', []],
    ['Reviewed. HPC: low mood. PMH: asthma', 'low mood', []],
    ['Smear taken. Obstetric history: G1P1. Requesting TOP, 7/40 today.', 'TOP', []],
    // a sentence about now is not history, under a heading or a field; a terminator or a semicolon ends the field
    ['Phone call. Background: partner hit her last night, she is frightened.', 'partner hit her', []],
    ['Background: partner hit her last night.', 'partner hit her', []],
    ['Reg check. PMH: asthma; DV from husband, MARAC next week.', 'DV', []],
    ['Reg check. Allergies: none, disclosed partner hits her.', 'partner hits her', []],
    ['Background: DV from ex-husband 2013-15, police involved at the time.', 'DV', ['historical']],
  ] as [string, string, Mod[]][])('%s -> %s is %j', (text, target, want) => {
    expect(mods(text, target)).toEqual(want);
  });
});

describe('a family-history field inside a line is about the family, as its heading at a line start is', () => {
  const { ctx } = contextOf(createScanner());
  it.each([
    ['New pt check (HCA Beth). FHx: mother - breast ca age 49; brother - epilepsy.', 'breast ca', 'family'],
    ['Reg check. Family history: bowel cancer in father at 52.', 'bowel cancer', 'family'],
    // near-misses: the next sentence is the patient's again; the patient named first in the field
    ['New pt check. FHx: mother - breast ca. Found a lump in her own breast last week.', 'lump', 'patient'],
    ['New pt check. Medical history: asthma since childhood.', 'asthma', 'patient'],
    ['New pt check. Family history: none; HIV positive, on ART.', 'HIV positive', 'patient'],
    ['Reg check. FHx: mother - breast ca age 49, chlamydia positive today.', 'chlamydia positive', 'patient'],
  ] as [string, string, string][])('%s -> %s is about the %s', (text, target, who) => {
    expect(ctx(text, target).experiencer).toBe(who);
  });
});
