import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createScanner, LexiconError, loadLexicons, parseLexiconFile } from '../src/index.js';
import { judgeRegex } from '../src/lexicon/regex-judge.js';
import { compileVocabularies, expandPattern } from '../src/lexicon/vocabulary.js';
import { ScanTimeout, withinTime } from '../src/scanner/time-bound.js';

const dir = mkdtempSync(join(tmpdir(), 'sgs-redos-'));
const lexiconWith = (name: string, pattern: string) => {
  const p = join(dir, name);
  writeFileSync(p, `- id: harm/mine\n  category: harm\n  type: mine\n  weight: 0.5\n  patterns: [${JSON.stringify(pattern)}]\n  source: test\n  examples: { match: [a], noMatch: [b] }\n`);
  return p;
};

describe('patterns that backtrack catastrophically are refused at load', () => {
  // The six the hostile-input attack got through the old structural check, and shapes of the
  // same kinds it never tried: nested repeats over overlapping classes, and polynomial runs.
  const hostile = ['(?:\\p{L}+)+!', '(?:\\u{61}+)+!', '(?:\\w|a)+!', '(?:a|aa)*b', '(?:\\w{1,40}){1,40}!', '\\w*\\w*\\w*\\w*\\w*!', '\\d+\\d+\\d+x', '(?:[a-z]|[aeiou])+\\d'];
  it.each(hostile)('%s', (pattern) => {
    const f = lexiconWith('hostile.yaml', pattern);
    try {
      parseLexiconFile(f);
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(LexiconError);
      expect((err as LexiconError).message).toMatch(/hostile\.yaml:5, entry "harm\/mine", field "patterns\.0": pattern is refused: .*(?:backtrack|ReDoS)/);
    }
    expect(() => createScanner({ lexicons: [f] })).toThrow(LexiconError);
  });
  it('accepts ordinary patterns', () => {
    for (const p of ['PHQ-?9 (?:score )?(?:1[5-9])', 'bruise\\s+(?:to|on)\\s+(?:the\\s+)?(?:ear|neck)', '\\bCP\\s?plan\\b'])
      expect(judgeRegex(p, 'giu')).toMatchObject({ ok: true });
  });
});

describe('built-in patterns', () => {
  it('every one, vocabulary expanded, has its analysis recorded by the build (scripts/check-patterns.ts)', () => {
    const verdicts = JSON.parse(readFileSync(new URL('../scripts/pattern-verdicts.json', import.meta.url), 'utf8')) as { analyser: string; accepted: Record<string, string> };
    const version = (createRequire(import.meta.url)('recheck/package.json') as { version: string }).version;
    expect(verdicts.analyser).toBe(version);
    const set = loadLexicons();
    const vocab = compileVocabularies(set.entries);
    let n = 0;
    const missing: string[] = [];
    for (const e of set.entries)
      e.patterns?.forEach((p, i) => {
        const flags = typeof p !== 'string' && p.caseSensitive ? 'gu' : 'giu';
        const src = expandPattern(typeof p === 'string' ? p : p.regex, vocab);
        const key = createHash('sha256').update(`recheck ${version}\u0000${flags}\u0000${src}`).digest('hex').slice(0, 24);
        n++;
        if (!verdicts.accepted[key]) missing.push(`${e.id}#${i}`);
      });
    expect(n).toBeGreaterThan(150);
    expect(missing).toEqual([]);
  });
});

describe('every scan is bounded in time anyway', () => {
  it('cuts off a catastrophic match within its limit', () => {
    const t0 = performance.now();
    expect(() => withinTime(150, () => /(?:a|aa)*b/.test('a'.repeat(80)))).toThrow(ScanTimeout);
    expect(performance.now() - t0).toBeLessThan(2000);
    // and passes results and errors through
    expect(withinTime(1000, () => 42)).toBe(42);
    expect(() => withinTime(1000, () => { throw new TypeError('x'); })).toThrow(TypeError);
  });
  it("a scan with the caller's own code that runs away fails closed, reported", () => {
    // A detector is the caller's code, like a lexicon pattern: it was never analysed.
    const scanner = createScanner({ detectors: [() => (/(?:a|aa)*b/.test('a'.repeat(80)) ? [] : [])] });
    const t0 = performance.now();
    const r = scanner.scan('Seen today with a cough.');
    expect(performance.now() - t0).toBeLessThan(10_000);
    expect(r.verdict).toBe('review');
    expect(r.error).toMatch(/longer than its limit/);
  });
});
