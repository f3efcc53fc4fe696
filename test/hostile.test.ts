import { describe, expect, it } from 'vitest';
import { createScanner } from '../src/index.js';
import { hostileInputs } from '../bench/hostile-inputs.js';

// Generous ceilings only: they catch super-linear blow-ups, not slowness (npm run bench
// prints the real seconds per MB).
const scanner = createScanner();
const time = (text: string) => {
  const t0 = performance.now();
  const r = scanner.scan(text);
  return { ms: performance.now() - t0, r };
};

// The 5 MB single line (a ceiling, 7 s here) runs in npm run test:slow (test/slow/hostile-large.test.ts).
describe('bounded time on hostile input', () => {
  for (const [name, make] of Object.entries(hostileInputs)) {
    it(`${name}: 4x the input takes well under 16x the time`, () => {
      time(make(20_000)); // warm-up
      const small = time(make(50_000));
      const big = time(make(200_000));
      expect(big.r.verdict).toBeDefined();
      expect(big.ms).toBeLessThan(Math.max(12 * small.ms, 50) + 500);
      expect(big.ms).toBeLessThan(15_000);
    });
  }
});
