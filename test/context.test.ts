import { describe, expect, it } from 'vitest';
import { createScanner } from '../src/index.js';
import { contextOf } from './support/context.js';

const scanner = createScanner();
const { ctx } = contextOf(scanner);

describe('ConText modifiers in UK wording', () => {
  it.each([
    ['Denies DV.', 'DV'],
    ['No safeguarding concerns.', 'safeguarding concerns'],
    ['Nil suicidal ideation.', 'suicidal ideation'],
    ['Not known to social services.', 'social services'],
    ['Chlamydia NAAT negative.', 'Chlamydia'],
    ['NAI ruled out by paediatrics.', 'NAI'],
  ])('negated: %s', (text, target) => {
    expect(ctx(text, target).negated).toBe(true);
  });

  it.each([
    ['?NAI - bruising to upper arms.', 'NAI'],
    ['? NAI', 'NAI'],
    ['Query DV.', 'DV'],
    ['Cannot exclude NAI.', 'NAI'],
    ['Concerns of neglect raised but unconfirmed.', 'neglect'],
  ])('uncertain: %s', (text, target) => {
    const c = ctx(text, target);
    expect(c.uncertain).toBe(true);
    expect(c.negated).toBe(false);
  });

  it.each([
    ['Would refer to MASH if any further concerns.', 'MASH'],
    ['Safety-netted: to call 111 if suicidal thoughts.', 'suicidal thoughts'],
    ['Asked re DV as per routine enquiry.', 'DV'],
  ])('hypothetical: %s', (text, target) => {
    expect(ctx(text, target).hypothetical).toBe(true);
  });

  it.each([
    ['Hx of self harm as a teenager.', 'self harm'],
    ['Sexual abuse as a child.', 'Sexual abuse'],
    ['TOP in 2016.', 'TOP'],
    ['Background: DV from ex-husband 2013-15.', 'DV'],
  ])('historical: %s', (text, target) => {
    expect(ctx(text, target).historical).toBe(true);
  });

  it.each([
    ['Mother had breast cancer at 45.', 'breast cancer'],
    ['Partner (Sam, DOB 11/06/1990) is HIV positive.', 'HIV'],
    ['FHx: schizophrenia in uncle.', 'schizophrenia'],
    ['Mum mentioned she has recently been diagnosed with bipolar.', 'bipolar'],
    ['Neonatal abstinence (maternal methadone).', 'methadone'],
  ])('family: %s', (text, target) => {
    expect(ctx(text, target).experiencer).toBe('family');
  });

  it('lists the triggers that fired, with offsets into the text', () => {
    const text = 'Denies DV.';
    const c = ctx(text, 'DV');
    expect(c.triggers).toHaveLength(1);
    expect(text.slice(c.triggers[0].start, c.triggers[0].end)).toBe('Denies');
  });
});

describe('near-misses: context that must not apply', () => {
  it('pseudo-triggers do not negate ("no longer", "not only")', () => {
    expect(ctx('No longer living with him since DV incident.', 'DV').negated).toBe(false);
    expect(ctx('Not only bruising but also burns.', 'bruising').negated).toBe(false);
  });
  it('terminators end the scope ("but", "however", ";")', () => {
    expect(ctx('No injuries but bruising on arms.', 'bruising').negated).toBe(false);
    expect(ctx('Denies alcohol; DV disclosed.', 'DV').negated).toBe(false);
  });
  it('a clause dash ends a forward trigger', () => {
    expect(ctx('Advised not to stop abruptly - referred to alcohol team.', 'referred').negated).toBe(false);
  });
  it('scope stays inside the sentence', () => {
    expect(ctx('No fever. DV disclosed today.', 'DV').negated).toBe(false);
  });
  it('"Plan:" is not automatically hypothetical', () => {
    expect(ctx('Plan: MARAC referral made today.', 'MARAC').hypothetical).toBe(false);
  });
  it('a relative nearby does not make the patient\'s condition theirs', () => {
    expect(ctx('Lives with mother. Self harm last night.', 'Self harm').experiencer).toBe('patient');
    expect(ctx('Partner is aware of her HIV status.', 'HIV').experiencer).toBe('patient');
    expect(ctx('FHx: father HD. Pt 50% risk, undecided about predictive testing.', 'predictive testing').experiencer).toBe('patient');
  });
  it('an instruction is not hypothetical because it is polite', () => {
    const r = scanner.scan('I would ask that this letter is not shared with the patient.');
    expect(r.verdict).toBe('withhold');
  });
  it('a denial far from a concern raised by others does not cancel it', () => {
    const text = '?Criminal exploitation - seen with older boys, new phone and trainers; he denies anything going on.';
    const c = ctx(text, 'Criminal exploitation');
    expect(c.uncertain).toBe(true);
    expect(c.negated).toBe(false);
  });
});
