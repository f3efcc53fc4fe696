import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createScanner, ScanResultSchema } from '../src/index.js';
import { clinicalText, withholdTexts, routineSentences } from './support/generators.js';

// Runs: a few hundred here; `npm run test:slow` raises them with FC_RUNS.
const RUNS = Number(process.env.FC_RUNS ?? 200);
const scanner = createScanner();

function checkResult(text: string) {
  const r = scanner.scan(text);
  const parsed = ScanResultSchema.safeParse(r);
  expect(parsed.success).toBe(true);
  for (const f of r.findings) {
    expect(f.start).toBeGreaterThanOrEqual(0);
    expect(f.end).toBeLessThanOrEqual(text.length);
    expect(f.end).toBeGreaterThan(f.start);
    for (const t of f.triggers) {
      expect(t.start).toBeGreaterThanOrEqual(0);
      expect(t.end).toBeLessThanOrEqual(text.length);
    }
  }
  expect(scanner.scan(text)).toEqual(r); // deterministic
  return r;
}

describe('scan never throws and always returns a valid, in-bounds, deterministic result', () => {
  it('on arbitrary Unicode (lone surrogates, combining marks, RTL, emoji, NUL)', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 400 }), (s) => void checkResult(s)), { numRuns: RUNS });
  });
  it('on mixes of awkward characters and clinical words', () => {
    const awkward = fc.constantFrom('\u0000', '\ud800', '\udc00', '\u0301', '\u200b', '\u202e', '\u05d0', '\u0627', '\ud83d\ude00', '\r\n', '\t', '\u00a0', '?', '(', ')', '-', '/', "'", '\ufeff');
    const word = fc.constantFrom('DV', 'denies', 'no', 'partner', 'MARAC', 'HIV', 'Dr', 'Mrs', 'Smith', '943 476 5919', 'FHx:', 'Re:', 'Dear', 'if', 'mum', 'rang', 'CP', 'plan', 'TOP');
    const piece = fc.oneof(awkward, word, fc.string({ maxLength: 5 }));
    fc.assert(fc.property(fc.array(piece, { maxLength: 80 }).map((a) => a.join(' ')), (s) => void checkResult(s)), { numRuns: RUNS });
  });
  it('on generated clinical-looking text', () => {
    fc.assert(fc.property(clinicalText, (s) => void checkResult(s)), { numRuns: RUNS });
  });
  it('on long strings', () => {
    fc.assert(fc.property(clinicalText, fc.integer({ min: 50, max: 200 }), (s, n) => void checkResult(s.repeat(n))), { numRuns: Math.max(5, RUNS / 20) });
  });
});

describe('metamorphic safety: a withhold document stays unsafe', () => {
  it('appending or prepending routine text keeps it at least review', () => {
    fc.assert(
      fc.property(fc.constantFrom(...withholdTexts), fc.array(fc.constantFrom(...routineSentences), { minLength: 1, maxLength: 12 }), fc.boolean(), (w, extra, before) => {
        expect(scanner.scan(w).verdict).toBe('withhold');
        const text = before ? `${extra.join(' ')} ${w}` : `${w} ${extra.join(' ')}`;
        expect(scanner.scan(text).verdict).not.toBe('visible');
      }),
      { numRuns: RUNS },
    );
  });
  it('CRLF line endings, zero-width characters inside words and Cyrillic look-alikes do not make it visible', () => {
    const zw = (s: string) => s.replace(/([a-z])([a-z])/g, '$1\u200b$2');
    const cyr = (s: string) => s.replace(/a/g, '\u0430').replace(/e/g, '\u0435').replace(/o/g, '\u043e').replace(/c/g, '\u0441').replace(/p/g, '\u0440');
    const crlf = (s: string) => s.replace(/\. /g, '.\r\n');
    fc.assert(
      fc.property(fc.constantFrom(...withholdTexts), fc.subarray([zw, cyr, crlf], { minLength: 1 }), (w, fs) => {
        const t = fs.reduce((acc, f) => f(acc), w);
        expect(scanner.scan(t).verdict).not.toBe('visible');
      }),
      { numRuns: RUNS },
    );
  });
});
