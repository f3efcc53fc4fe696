// The 5,000-file memory run (peak RSS under 300 MB): in npm run test:slow beside the 100,000-file one, to keep npm test under three minutes.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ensureBuilt, peakMb, rmrf, runCli, tempDir, writeDocs } from '../batch-helpers.js';

// The light version of the memory check (the 100,000-file run is in test/slow/): a backlog of
// 5,000 small files through the built CLI, two workers, peak RSS of the whole process (all
// threads) from its closing summary.

let dir: string;
beforeAll(async () => {
  await ensureBuilt();
  dir = tempDir('sgs-mem-');
  writeDocs(join(dir, 'in'), 5000);
});
afterAll(() => rmrf(dir));

it('scans 5,000 files with peak RSS under 300 MB, every document recorded', async () => {
  const r = await runCli(['scan', 'in', '-o', 'out.jsonl', '--concurrency', '2'], { cwd: dir });
  expect(r.code).toBe(1);
  expect(readFileSync(join(dir, 'out.jsonl'), 'utf8').split('\n').filter(Boolean)).toHaveLength(5000);
  const peak = peakMb(r.stderr);
  console.log(`5,000 files: peak RSS ${peak} MB`);
  expect(peak).toBeLessThan(300);
}, 120_000);
