import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ensureBuilt, peakMb, rmrf, runCli, tempDir, writeDocs } from '../batch-helpers.js';

// Issue 5.5: scanning 100,000 small files keeps peak RSS under 300 MB. Each generated document
// carries a unique number ("Entry 12345."), as real records carry dates and identifiers, so any
// per-token cache in the scanner is exercised too. Peak RSS is the whole process (all threads),
// from the CLI's closing summary (process.resourceUsage().maxRSS).

let dir: string;
beforeAll(async () => {
  await ensureBuilt();
  dir = tempDir('sgs-mem100k-');
  writeDocs(join(dir, 'in'), 100_000);
});
afterAll(() => rmrf(dir));

it('scans 100,000 files with peak RSS under 300 MB, and memory does not grow with the backlog', async () => {
  const small = await runCli(['scan', 'in/part-000', 'in/part-001', 'in/part-002', 'in/part-003', 'in/part-004', '-o', 'small.jsonl', '--concurrency', '2'], { cwd: dir });
  const big = await runCli(['scan', 'in', '-o', 'out.jsonl', '--concurrency', '2'], { cwd: dir });
  expect(big.code).toBe(1);
  const text = readFileSync(join(dir, 'out.jsonl'), 'utf8');
  expect(text.split('\n').filter(Boolean)).toHaveLength(100_000);
  const [p5, p100] = [peakMb(small.stderr), peakMb(big.stderr)];
  console.log(`peak RSS: 5,000 files ${p5} MB; 100,000 files ${p100} MB (output ${(statSync(join(dir, 'out.jsonl')).size / 1e6).toFixed(0)} MB)`);
  expect(p100).toBeLessThan(300);
});
