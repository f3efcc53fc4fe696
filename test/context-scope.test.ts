import { describe, expect, it } from 'vitest';
import { createScanner } from '../src/index.js';
import { contextOf, type Mod } from './support/context.js';
import { analyse, TEXT_VOCAB } from './support/text-vocabulary.js';
import { analyse as analyseWith } from '../src/text/index.js';
import { loadLexicons } from '../src/index.js';
import { compileVocabularies, textVocabulary } from '../src/lexicon/vocabulary.js';

// Context scope by clinical layout (src/text/layout.ts, src/context/engine.ts) and the triggers
// that go with it (lexicons/context-scope.yaml, lexicons/context-layout.yaml). Every table has
// near-misses that must stay as they are. All text is invented.

const scanner = createScanner();
const { ctx, mods } = contextOf(scanner);

describe('layout: what ends a trigger\'s scope', () => {
  it.each([
    // a template answer with a label after it: "None" answers COMPLICATIONS only
    ['COMPLICATIONS: None POSTOPERATIVE DIAGNOSIS: 1) diverticular disease 2) polyp', 'diverticular disease', []],
    ['Complications: nil  Findings: 1) rectal polyp 2) haemorrhoids', 'rectal polyp', []],
    // "normal" in the next numbered item does not reach back
    ['Findings: 1) gastritis 2) hiatus hernia 3) normal duodenum', 'hiatus hernia', []],
    ['1) gastritis 2) oesophagitis; 3) normal duodenum', 'oesophagitis', []],
    // a placeholder "Not entered" answers its own field (not negated); the next field is a
    // history heading, so what it holds is history
    ['Date of last period: {Not Entered} Menstrual History: post-menopausal bleeding', 'post-menopausal bleeding', ['historical']],
    ['Date of last period: {Not Entered} Presenting problem: post-menopausal bleeding', 'post-menopausal bleeding', []],
    // a new clause with its own subject takes the predicate
    ['Partner is HIV positive, she is negative.', 'HIV', []],
    ['No fever, she has a rash on her arms.', 'rash', []],
    // a semicolon, as before
    ['No fever; rash on both arms.', 'rash', []],
    // a possessive and a person after a comma, with a word after them, open a clause of their own
    ['Please do not call her mobile, her partner checks it.', 'partner', []],
    ['Denies chest pain, his wife reports he is eating less.', 'wife', []],
    ["If I'm honest, my partner hits me.", 'partner', []],
    // near-misses: without a word after them they are an item of the list; without a person, no clause
    ['No contact with friends, her husband or children.', 'husband', ['negated']],
    ['No contact with friends, her husband.', 'husband', ['negated']],
    ['No fever, her cough or rash.', 'rash', ['negated']],
    // a clause without a subject, opened by a verb after a comma or a joiner, is out of reach
    ['Arrives without breakfast, appears unkempt.', 'unkempt', []],
    ['Often arrives without breakfast and appears tired and unkempt.', 'unkempt', []],
    ['No concerns raised, discloses DV today.', 'DV', []],
    ['?UTI, reports her partner hit her.', 'partner hit her', []],
    // a target that opens its own clause with its subject, after a comma or a joiner
    ["Tried her mobile, no answer, so she doesn't know about this yet.", "she doesn't know about this yet", []],
    // near-misses: a verb inside the negated stretch, or an auxiliary after "or", stays negated
    ['Never self-harmed or been suicidal.', 'suicidal', ['negated']],
    ['Has not attended, appointments or reviews since May.', 'reviews', ['negated']],
    ['No fever, rash or appearance of jaundice.', 'jaundice', ['negated']],
  ] as [string, string, Mod[]][])('%s -> %s is %j', (text, target, want) => {
    expect(mods(text, target).filter((m) => m !== 'uncertain')).toEqual(want);
  });

  it.each([
    // near-misses: inside one item or one field the trigger still reaches
    ['Findings: 1) no polyps or diverticula 2) normal mucosa', 'diverticula', ['negated']],
    ['3) polyp not seen 4) normal terminal ileum', 'polyp', ['negated']],
    ['Complications: none', 'Complications', ['negated']],
    ['Chlamydia trachomatis NAAT: not detected', 'Chlamydia', ['negated']],
    ['Routine enquiry about DV, seen alone: no concerns.', 'DV', ['negated', 'hypothetical']],
    ['Asked about DV, she denies.', 'DV', ['negated', 'hypothetical']],
    ['PMH: 1) depression 2) asthma', 'asthma', ['historical']],
    ['No fever and no rash.', 'rash', ['negated']],
  ] as [string, string, Mod[]][])('near-miss %s -> %s is %j', (text, target, want) => {
    expect(mods(text, target).filter((m) => m !== 'uncertain')).toEqual(want);
  });
});

describe('list scope: a trigger governs a whole coordinated list, not a fixed window', () => {
  it.each([
    ['No fever, rash, joint pain, weight loss, night sweats, headache, visual disturbance or neck stiffness.', 'neck stiffness', 'negated'],
    ['He denies any palpitations, shortness of breath, chest pain, headache, or lightheadedness.', 'lightheadedness', 'negated'],
    ['Advised to call if there is any new chest pain, shortness of breath, dizziness, fainting, ankle swelling or weight gain.', 'weight gain', 'hypothetical'],
    ['Call also for any weight gain greater than three pounds in a day, unusual rashes, nausea, vomiting or dizziness.', 'dizziness', 'hypothetical'],
    ['No history of hypertension, diabetes, heart disease, liver disease or cancer.', 'cancer', 'historical'],
  ] as [string, string, Mod][])('%s -> %s is %s', (text, target, want) => {
    expect(mods(text, target)).toContain(want);
  });

  it.each([
    // the list ends where a clause of its own starts, at a terminator, or at an adjunct
    ['No fever, cough, sore throat, headache or earache, she says her partner hit her.', 'partner', 'negated'],
    ['No fever, cough, sore throat or earache but disclosed partner hit her.', 'partner', 'negated'],
    ['Shared without parental consent, in line with guidance to safeguard children.', 'safeguard children', 'negated'],
    // a relative named as a subject does not own every item after it
    ['Mum remains on a plan under the neglect category, next review conference 14/11, allocated social worker Amy Dunn.', 'allocated social worker', 'family'],
  ])('near-miss %s -> %s is not %s', (text, target, modifier) => {
    const c = ctx(text, target);
    if (modifier === 'family') expect(c.experiencer).toBe('patient');
    else expect(c[modifier as Mod]).toBe(false);
  });
});

describe('forms and questions: a question is not an affirmed condition; an answer settles it', () => {
  it.each([
    ['Any history of HIV, hepatitis or drug misuse? No.', 'drug misuse', 'negated'],
    ['Q: Bleeding disorder or HIV? - No', 'HIV', 'negated'],
    ['(a) Any cancer, tumour or cyst?            No', 'cancer', 'negated'],
    ['Hx of HIV, hepatitis B or C ......... NO', 'hepatitis B', 'negated'],
    ['Hx of HIV, hepatitis B or C ......... N0', 'hepatitis B', 'negated'],
    ['Does the applicant have a history of alcohol\n   misuse in the past 3 years? .....  [X] No  [ ] Yes', 'misuse', 'negated'],
    ['Is your child known to social care or on a child protection plan?  N', 'child protection plan', 'negated'],
    ['Has the applicant ever had hepatitis, HIV or a psychiatric illness?', 'HIV', 'hypothetical'],
    ['Doctor: Any history of cancer?\nPatient: No.', 'cancer', 'negated'],
    ['Are you or could you be pregnant?  N/A', 'pregnant', 'hypothetical'],
    // a form's question quoted inside a line
    ["Insurer asks: 'Has the applicant ever had HIV or hepatitis?' - answered from records.", 'HIV', 'hypothetical'],
  ] as [string, string, Mod][])('%s -> %s is %s', (text, target, want) => {
    expect(mods(text, target)).toContain(want);
  });

  it.each([
    // answered yes: affirmed, and the question mark no longer makes it uncertain
    ['Any thoughts of self-harm?  Yes', 'self-harm'],
    ['Has (he) ever attempted to strangle you?  YES - twice', 'strangle'],
    ['Doctor: Any history of cancer?\nPatient: Yes, breast cancer in 2015.', 'cancer'],
  ])('answered yes: %s -> %s is affirmed', (text, target) => {
    expect(mods(text, target).filter((m) => m !== 'historical')).toEqual([]);
  });

  it.each([
    // a clinician's own query is doubt, not a form's question
    ['Is this NAI?', 'NAI', 'uncertain'],
    ['Could this be DV?', 'DV', 'uncertain'],
  ] as [string, string, Mod][])('near-miss %s -> %s stays %s, not hypothetical or negated', (text, target, want) => {
    const m = mods(text, target);
    expect(m).toContain(want);
    expect(m).not.toContain('hypothetical');
    expect(m).not.toContain('negated');
  });

  it('two fields on one line: only the one answered no is negated', () => {
    expect(mods('HIV: positive   Syphilis: negative', 'HIV')).not.toContain('negated');
    expect(mods('HIV: positive   Syphilis: negative', 'Syphilis')).toContain('negated');
  });
  it('an answer ends its sentence\'s item: an earlier sentence on the line is not answered', () => {
    expect(mods('Previous TOP 2019. DA routine enquiry - none disclosed.', 'TOP')).not.toContain('negated');
  });
  it('the form layer finds the item and its answer', () => {
    const doc = analyse('Epilepsy  N\nAny cancer?   Yes - 2015\nDo you use recreational drugs?');
    expect(doc.layout.forms.map((f) => f.answer)).toEqual(['no', 'yes', 'open']);
    const item = (k: number) => doc.norm.text.slice(doc.tokens[doc.layout.forms[k].start].start, doc.tokens[doc.layout.forms[k].end - 1].end);
    expect(item(0)).toBe('Epilepsy');
    expect(item(1)).toBe('Any cancer');
  });
  it('the first characters an answer may begin with skip no answer (vocab.answerStarts)', () => {
    const terms = ['form-answer-no', 'form-answer-yes', 'form-answer-unknown'].flatMap((name) => compileVocabularies(loadLexicons().entries).get(name)!.terms);
    const values = [...terms, ...terms.map((t) => t.toUpperCase()), 've', '-ve', '+ve', 'N0', 'n0ne', '0', 'Nope.', 'Yes - 2015', 'Headache', 'ok', '[X] No  [ ] Yes', 'asked, nil', 'GP answer: No record', '(we ask) - No', 'Seen by 0 A Smith'];
    const text = values.flatMap((v) => [`Epilepsy: ${v}`, `Any cancer?  ${v}`, `Ever injected drugs?\n${v}`]).join('\n');
    const unfiltered = analyseWith(text, { ...TEXT_VOCAB, answerStarts: undefined }).layout.forms;
    expect(TEXT_VOCAB.answerStarts).toBeDefined();
    expect(analyse(text).layout.forms).toEqual(unfiltered);
    expect(unfiltered.filter((f) => f.answer !== 'open').length).toBeGreaterThan(2 * terms.length);
  });
  it('answerStarts is read off the answer terms, and unknown when an answer is a pattern', () => {
    const vocabulary = (terms: string[], patterns: string[] = []) =>
      textVocabulary(compileVocabularies([{ kind: 'vocabulary', id: 'vocab/no', name: 'form-answer-no', terms, patterns, file: 'test', line: 1 } as never]));
    expect(vocabulary(['nil', '-ve', 'Yes']).answerStarts).toBe('-nvy');
    expect(vocabulary(['nil'], ['n[io]l']).answerStarts).toBeUndefined();
    expect(vocabulary(['\u017fome']).answerStarts).toBeUndefined(); // a long s matches an s when case is ignored
  });
});

describe('template answers are not affirmed (POLICY borderline row)', () => {
  it.each([
    ['Safeguarding concerns: N', 'Safeguarding concerns', 'negated'],
    ['Looked after child: No', 'Looked after child', 'negated'],
    ['Domestic abuse - asked, nil', 'Domestic abuse', 'negated'],
    ['Chlamydia: not detected', 'Chlamydia', 'negated'],
    ['HIV: non-reactive', 'HIV', 'negated'],
    ['HIV: accepted, result non-reactive', 'HIV', 'negated'],
    ['FGM - asked, not applicable', 'FGM', 'hypothetical'],
    ['FGM: N/A', 'FGM', 'hypothetical'],
    ['Self harm: no current or past self harm', 'Self harm', 'negated'],
    ['Mental health: no history', 'Mental health', 'negated'],
  ] as [string, string, Mod][])('%s -> %s', (text, target, want) => {
    expect(mods(text, target)).toContain(want);
  });

  it.each([
    // a value about something else, or an affirmative value, leaves the label affirmed
    ['Suicidal thoughts: no plan', 'Suicidal thoughts'],
    ['Suicidal ideation: no active intent, passive thoughts daily', 'Suicidal ideation'],
    ['Safeguarding concerns: Y - referred to MASH', 'Safeguarding concerns'],
    ['FGM: yes, type 2, disclosed at booking', 'FGM'],
    ['Domestic abuse - asked, disclosed', 'Domestic abuse'],
    ['Domestic abuse: no longer with him, still frightened', 'Domestic abuse'],
  ])('near-miss %s -> %s stays affirmed', (text, target) => {
    const m = mods(text, target);
    expect(m).not.toContain('negated');
    expect(m).not.toContain('hypothetical');
  });
});

describe('history: past, current and headings', () => {
  it.each([
    ['PMH: asthma, depression, appendicectomy 2001.', 'depression', true],
    ['Past medical history:\n  asthma\n  depression', 'depression', true],
    ['History of self harm as a teenager.', 'self harm', true],
    ['Status post liver transplant.', 'liver transplant', true],
    ['No history of self harm.', 'self harm', true],
    ['Allergies: penicillin - rash', 'rash', true],
    ['Social history: smoker, 10 a day.', 'smoker', true],
    ['Denies alcohol or drugs.', 'drugs', true],
    // current
    ['Presents with a two-day history of vomiting.', 'vomiting', false],
    ['3/7 hx of cough and fever.', 'cough', false],
    ['HISTORY OF PRESENT ILLNESS: abdominal pain since yesterday.', 'abdominal pain', false],
    ['The left leg is mottled as previously noted.', 'left leg is mottled', false],
    // a heading answered on its line does not make the next line history
    ['PMH: asthma\nDisclosed partner hit her last night.', 'partner hit her', false],
    ['FHx: father MI aged 60\nHIV positive, started ART.', 'HIV', false],
  ] as [string, string, boolean][])('%s -> %s historical: %s', (text, target, want) => {
    expect(ctx(text, target).historical).toBe(want);
  });
  it('a relative\'s history line stays the family\'s; the next line is the patient\'s', () => {
    expect(ctx('FHx: father MI aged 60\nHIV positive, started ART.', 'MI').experiencer).toBe('family');
    expect(ctx('FHx: father MI aged 60\nHIV positive, started ART.', 'HIV').experiencer).toBe('patient');
  });
  it('a habit is history only when it is the whole target: drug running is not a habit', () => {
    expect(ctx('Social history: involved in drug running for older boys.', 'drug running').historical).toBe(false);
  });
});

describe('hypothetical: conditions, instructions, readings', () => {
  it.each([
    ["If a bruise is ever unexplained we would share it with children's services.", "children's services", true],
    ['If she discloses abuse at any point, we will make a referral to the MASH and inform the police.', 'MASH', true],
    ['Should any concerns arise in future we would discuss them with the GP and, where needed, refer to the MASH.', 'MASH', true],
    ['To contact us with any further bruising.', 'bruising', true],
    // near-misses
    ['If concerned, call 111. DV disclosed today.', 'DV', false],
    ['Advised to call if worse; she discloses that her partner hits her.', 'partner', false],
    ['Safety-netted re chest pain, she has been hit by her partner.', 'partner', false],
    ["If I'm honest, my partner hits me.", 'partner', false],
    ['Mum called about the bruising yesterday.', 'bruising', false],
    ['These appearances would be in keeping with metastatic disease.', 'metastatic disease', false],
    ['If she discloses, we would support referral to IDVA.', 'IDVA', true],
  ] as [string, string, boolean][])('%s -> %s hypothetical: %s', (text, target, want) => {
    expect(ctx(text, target).hypothetical).toBe(want);
  });
  it('"or whether" is doubt, not a hypothetical', () => {
    const c = ctx('It is unclear whether this is reflux or whether this is angina.', 'angina');
    expect(c.uncertain).toBe(true);
    expect(c.hypothetical).toBe(false);
  });
  it('an instruction not to share names who is not to be told; it negates nothing', () => {
    expect(ctx('Do not discuss with husband.', 'husband').negated).toBe(false);
    expect(ctx('Not for disclosure to the subject or alleged perpetrator.', 'perpetrator').negated).toBe(false);
    expect(ctx('Not known to social services.', 'social services').negated).toBe(true);
  });
  it('"No concerns for X": the "no" inside a backward "no concerns" still negates forward', () => {
    expect(ctx('No concerns for sexual exploitation.', 'sexual exploitation').negated).toBe(true);
  });
});

describe('GP verdicts stay safe when scope widens', () => {
  it.each([
    ['Denies feeling unsafe but disclosed partner hit her.', 'withhold'],
    ['No fever, cough, sore throat or earache. Disclosed partner hit her last week.', 'withhold'],
    ['PMH: asthma\nDisclosed partner hit her last night. MARAC referral made.', 'withhold'],
    ['Any thoughts of self-harm?  Yes - cutting most days.', 'review'],
    ['Is this NAI? Bruising to both upper arms.', 'review'],
    ['Do not discuss with husband. Disclosed he hits her; MARAC referral made.', 'withhold'],
  ])('%s -> %s', (text, verdict) => {
    expect(scanner.scan(text).verdict).toBe(verdict);
  });
  it.each([
    ['Any history of HIV, hepatitis or drug misuse? No.'],
    ['FGM - asked, not applicable.'],
    ['HIV: non-reactive.'],
    ['Safeguarding concerns: N\nLooked after child: No\nDomestic abuse - asked, nil'],
    ['Has the applicant ever had hepatitis, HIV or a psychiatric illness?  No'],
    ['Self harm: no current or past self harm\nSuicidal ideation: denies'],
    ['Path results: HIV 1/2 Ag/Ab: not reactive. Syphilis EIA: negative. HBsAg: not detected. HCV Ab: not detected.'],
    ["Form from adoption agency rec'd: 'Is there anything in the applicant's health or her partner's health that would affect parenting?' Replied re pt only - well.", ],
  ])('%s -> visible', (text) => {
    expect(scanner.scan(text).verdict).toBe('visible');
  });
});

describe('the layout layer: where items, labels and clauses start', () => {
  /** The words (or marks) at which a boundary starts. */
  const starts = (text: string) => {
    const doc = analyse(text);
    return doc.tokens.filter((_, i) => doc.layout.breaks[i + 1] > doc.layout.breaks[i]).map((t) => t.text);
  };
  it.each([
    ['1) polyp 2) diverticula (grade 1) 3) normal', ['1', '2', '3']],
    ['Diagnoses: 1. asthma 2. eczema 3. hay fever', ['Diagnoses', '1', '2', '3']],
    ['Seen at stage 2. Pt well. Dose 1.5 mg.', []],
    ['(a) Any cancer? No\n(b) Any HIV? No', ['(', '(']],
    ['- chest clear\n- HS normal', ['-', '-']],
    ['COMPLICATIONS: None POSTOPERATIVE DIAGNOSIS: polyp', ['COMPLICATIONS', 'POSTOPERATIVE']],
    ['Complications: nil  Findings: polyp', ['Complications', 'Findings']],
    ['Chlamydia trachomatis NAAT: not detected', ['Chlamydia']],
    ['Routine enquiry about DV, seen alone: no concerns.', []],
    ['Partner is HIV positive, she is negative.', ['she']],
    ['No fever and he is eating well.', ['he']],
    ['Vitamin D) 50 units, seen at 10:30 today', []],
  ])('%s -> %j', (text, want) => {
    expect(starts(text)).toEqual(want);
  });
});

describe('negation: contractions, a negated report verb, what "not" does not negate', () => {
  it.each([
    ["Hasn't at any point had thoughts of harming himself.", 'harming himself', true],
    ['Didnt disclose any DV when seen alone.', 'DV', true],
    ['Did not disclose any DV.', 'DV', true],
    ['The threshold for an initial child protection conference was not met.', 'child protection conference', true],
    ['Chlamydia/gonorrhoea NAAT (first-void urine) negative.', 'Chlamydia', true],
    // near-misses
    ['Nil disclosed, partner present throughout.', 'partner', false],
    ["No, I haven't, you can ask my daughter.", 'daughter', false],
    ['Patient does not know about the cancer diagnosis yet.', 'cancer', false],
    ["He doesn't stop hitting her.", 'hitting her', false],
    ["Doesn't want mum to know she called.", 'mum', false],
    ['Would not let me see her alone.', 'see her alone', false],
    ['Chlamydia positive (treated with doxycycline 7 days ago, partner notified), gonorrhoea negative.', 'Chlamydia', false],
  ] as [string, string, boolean][])('%s -> %s negated: %s', (text, target, want) => {
    expect(ctx(text, target).negated).toBe(want);
  });
});

describe('a result inside a bracket of several items qualifies its own item, not what the bracket follows', () => {
  it.each([
    ['Stage IV lung cancer (adenocarcinoma, EGFR/ALK negative, PD-L1 <1%) with bone metastases.', 'lung cancer', []],
    ['Breast cancer (grade 2, ER negative, HER2 positive).', 'Breast cancer', []],
    // near-misses: the bracket holds one item, or the result is an item by itself; no bracket
    ['Chlamydia (NAAT negative).', 'Chlamydia', ['negated']],
    ['Chlamydia NAAT (negative).', 'Chlamydia', ['negated']],
    ['Hep B sAg (lab ref 123, negative).', 'Hep B', ['negated']],
    ['HIV, hepatitis B and syphilis negative.', 'syphilis', ['negated']],
  ] as [string, string, string[]][])('%s -> %s is %j', (text, target, want) => {
    expect(mods(text, target)).toEqual(want);
  });
});
