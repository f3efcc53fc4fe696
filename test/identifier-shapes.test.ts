import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DIGIT_SHAPES, digitRuns, nearDigits } from '../src/rules/identifiers.js';

// The identifier shapes are tried only near runs of digits (nearDigits): that must find exactly
// what a scan of every position (matchAll of the same regex, global) finds.
const RUNS = Number(process.env.FC_RUNS ?? 300);

const piece = fc.oneof(
  fc.constantFrom('07700 900123', '+44 7700 900123', '(01632) 960118', '0800 123 4567', '943 476 5919', '943-476-5919', '9434765919', '613-555-0142'),
  fc.constantFrom('(613) 555-0177', '+234 803 123 4567', '613- 555- 0199', 'AB1 2DE', 'M99 8QX', 'SW1A 1AA', 'JT 12 34 56 C', 'JT123456C', '12/04/2015', '2019-2020'),
  fc.constantFrom('tel', 'mob:', 'Son', 'NHS no', ' ', '  ', '\n', '-', '+', '(', ')', '.', '/', 'A', 'AB', 'x', '0', '1', '12', '123'),
  fc.stringMatching(/^[0-9A-Z +()./-]{0,12}$/),
);
const text = fc.array(piece, { maxLength: 30 }).map((a) => a.join(''));

const everywhere = (re: RegExp, s: string) => [...s.matchAll(new RegExp(re.source, re.flags.replace('y', '') + 'g'))].map((m) => [m.index, m[0]]);
const nearRuns = (shape: { re: RegExp; lead: number }, s: string) => nearDigits(shape, s, digitRuns(s)).map((m) => [m.index, m[0]]);

describe('identifier shapes tried only near digits', () => {
  for (const [name, shape] of Object.entries(DIGIT_SHAPES)) {
    it(`${name}: the same matches as a scan of every position`, () => {
      fc.assert(fc.property(text, (s) => {
        expect(nearRuns(shape, s)).toEqual(everywhere(shape.re, s));
      }), { numRuns: RUNS });
    });
  }
  it('finds a match at the very start and after another', () => {
    const s = 'AB1 2DE and CD3 4EF';
    expect(nearRuns(DIGIT_SHAPES.postcode, s)).toEqual([[0, 'AB1 2DE'], [12, 'CD3 4EF']]);
  });
});
