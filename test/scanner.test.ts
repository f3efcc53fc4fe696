import { describe, expect, it } from 'vitest';
import { createScanner, scan, detectContext, ScanResultSchema, type Detector } from '../src/index.js';

const scanner = createScanner();

describe('scan: the public contract', () => {
  it('returns a result the exported schema accepts, with findings sorted by start', () => {
    const r = scanner.scan('Disclosed that partner hit her last week. Referred to IDVA, MARAC referral made.', { id: 'x1' });
    expect(ScanResultSchema.parse(r)).toBeTruthy();
    expect(r.id).toBe('x1');
    const starts = r.findings.map((f) => f.start);
    expect(starts).toEqual([...starts].sort((a, b) => a - b));
  });

  it('reports offsets into the original string that cover the matched words', () => {
    const text = 'Seen\r\n\u00a0Referred\u200b to MARAC  today.\r\nDenies DV.';
    const r = scanner.scan(text);
    const marac = r.findings.find((f) => f.type === 'marac' || /marac/.test(f.ruleId));
    expect(marac).toBeDefined();
    expect(text.slice(marac!.start, marac!.end)).toContain('MARAC');
    for (const f of r.findings) {
      expect(f.start).toBeGreaterThanOrEqual(0);
      expect(f.end).toBeLessThanOrEqual(text.length);
      expect(f.end).toBeGreaterThan(f.start);
    }
  });

  it('never includes record text unless asked', () => {
    const r = scanner.scan('Partner hit her. MARAC referral made.');
    expect(r.findings.every((f) => f.text === undefined)).toBe(true);
    expect(JSON.stringify(r.reasons)).not.toMatch(/hit her/);
    const withText = createScanner({ includeText: true }).scan('Partner hit her. MARAC referral made.');
    expect(withText.findings.some((f) => f.text === 'MARAC')).toBe(true);
  });

  it('never throws, whatever it is given', () => {
    const odd: unknown[] = [undefined, null, 42, {}, '', '\u0000\ud800', 'x'.repeat(100_000), '?'.repeat(5000)];
    for (const v of odd) {
      const r = scanner.scan(v as string);
      expect(ScanResultSchema.safeParse(r).success).toBe(true);
    }
    expect(scanner.scan(null as unknown as string).verdict).toBe('review');
  });

  it('fails closed on a document over the size limit', () => {
    const small = createScanner({ maxLength: 100 });
    const r = small.scan('BP fine. '.repeat(50));
    expect(r.verdict).toBe('review');
    expect(r.error).toMatch(/too large/);
    expect(r.error).not.toMatch(/BP fine/);
  });

  it('fails closed when a detector throws, and says so without record text', () => {
    const boom: Detector = () => {
      throw new Error('kaboom with SECRET-TEXT');
    };
    const s = createScanner({ detectors: [boom] });
    const r = s.scan('BP 120/80. Continue amlodipine.');
    expect(r.verdict).toBe('review');
    expect(r.error).toMatch(/detector/);
    expect(r.error).not.toMatch(/SECRET/);
    expect(scanner.scan('BP 120/80. Continue amlodipine.').verdict).toBe('visible');
  });

  it('rejects an invalid scan context as an error result, not an exception', () => {
    const r = scanner.scan('hello', { kind: 'memo' } as never);
    expect(r.verdict).toBe('review');
    expect(r.error).toMatch(/kind/);
  });

  it('gives the same result for the same input (deterministic)', () => {
    const t = 'Daughter rang, worried mum is drinking heavily. Does not want mum to know she called.';
    expect(scanner.scan(t)).toEqual(scanner.scan(t));
  });

  it('exposes a shared default scanner through scan() and detectContext()', () => {
    expect(scan('Denies DV.').verdict).toBe('visible');
    const text = 'Denies DV.';
    const c = detectContext(text, { start: text.indexOf('DV'), end: text.indexOf('DV') + 2 });
    expect(c.negated).toBe(true);
    expect(c.triggers[0].ruleId).toMatch(/^context\//);
  });

  it('has a lexiconVersion that is a content hash', () => {
    expect(scanner.lexiconVersion).toMatch(/^[0-9a-f]{16}$/);
    expect(createScanner().lexiconVersion).toBe(scanner.lexiconVersion);
    const changed = createScanner({
      entries: [{ id: 'harm/test-extra', category: 'harm', type: 'test', weight: 0.5, terms: ['zzqx'], source: 'test', examples: { match: ['zzqx'], noMatch: ['no'] } }],
    });
    expect(changed.lexiconVersion).not.toBe(scanner.lexiconVersion);
  });
});

describe('thresholds', () => {
  it('may be made stricter', () => {
    const strict = createScanner({ thresholds: { review: 0.1, withhold: 0.3, accumulate: 0.6 } });
    const text = 'Lives with partner and two children.';
    expect(['review', 'withhold']).toContain(strict.scan(text).verdict);
  });
  it('refuses a withhold threshold laxer than POLICY.md, naming the field', () => {
    expect(() => createScanner({ thresholds: { review: 0.9, withhold: 0.95 } })).toThrow(/thresholds\.withhold: 0\.95 is laxer than POLICY\.md allows/);
  });
  it('never let an affirmed withhold-level finding through, however lax the review threshold', () => {
    const loose = createScanner({ thresholds: { review: 0.7, withhold: 0.7, accumulate: 1 } });
    expect(loose.scan('Disclosed that partner hit her last week. MARAC referral made.').verdict).toBe('withhold');
    // POLICY.md's worked example: another person's identifiers and health.
    expect(loose.scan('Partner (John Smith, DOB 02/03/1980, NHS 943 476 5919) is HIV positive.').verdict).toBe('withhold');
  });
});

describe('scan never throws on a hostile scan context', () => {
  it('a throwing getter, a Proxy that throws, and a Proxy that lies are a failed result, never an exception', () => {
    const s = createScanner();
    const getter = Object.defineProperty({}, 'patient', { enumerable: true, get: () => { throw new Error('boom'); } });
    const trap = new Proxy({}, { ownKeys: () => { throw new Error('trap'); } });
    const liar = new Proxy({ kind: 'entry' }, { get: (_t, k) => (k === 'kind' ? 'letter' : undefined) });
    for (const ctx of [getter, trap, liar]) {
      let r;
      expect(() => (r = s.scan('Disclosed that partner hit her. MARAC referral made.', ctx as never))).not.toThrow();
      expect(r!.verdict).not.toBe('visible');
    }
    expect(s.scan('Seen today.', getter as never).error).toMatch(/invalid scan context: it could not be read/);
  });
});
