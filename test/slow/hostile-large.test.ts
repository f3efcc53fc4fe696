import { describe, expect, it } from 'vitest';
import { createScanner } from '../../src/index.js';
import { hostileInputs } from '../../bench/hostile-inputs.js';

// A generous ceiling against super-linear blow-ups on one long line (npm run bench prints the
// real seconds per MB); moved here from hostile.test.ts to keep npm test under three minutes.
describe('bounded time on a large hostile input', () => {
  it('a 5 MB single line scans within a generous ceiling', () => {
    const scanner = createScanner();
    const t0 = performance.now();
    const r = scanner.scan(hostileInputs['single line, no breaks'](5 * 1024 * 1024));
    const ms = performance.now() - t0;
    expect(r.error).toBeUndefined();
    expect(ms).toBeLessThan(60_000);
  });
});
