/**
 * The heavy shapes of the hostile-input issue through the built CLI, one worker, each within
 * its time and memory bounds: no process of the run past 1 GB resident, every document a row,
 * none visible by accident, the run never ended by a document.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { makeShapes, type Shape } from '../fixtures/shapes.js';
import { runMeasured, tallyRows } from '../support/measure.js';

const CLI = resolve('dist/cli.js');
/** The bound on any one process of a run (main, worker threads, a reader child). */
const MEMORY_MB = 1024;
/** Generous wall-time ceilings here (two shared cores), against hangs and blow-ups. */
const SECONDS: Record<string, number> = { 'big.docx': 120, 'big.pdf': 300, 'questions.txt': 180, 'million.csv': 600, 'bomb.docx': 60, 'nested.html': 60 };
const seconds = (s: Shape) => SECONDS[s.file.split('/').pop()!];

let shapes: Shape[] = [];
const out = mkdtempSync(join(tmpdir(), 'sgs-shapes-'));
beforeAll(async () => {
  shapes = await makeShapes();
}, 600_000);

describe('heavy shapes: bounded in time and memory, nothing lost, nothing visible by accident', () => {
  for (const name of ['612 KB docx (tens of MB of XML)', '9 MB PDF of text pages', '9 MB PDF of text, --max-bytes 20M', '9 MB of "?"', 'million-row CSV', 'zip bomb as a Word file', '9 MB of nested tags']) {
    it(name, async () => {
      const s = shapes.find((x) => x.name === name)!;
      const file = s.file.split('/').pop()!;
      const o = join(out, `${file}-${s.args.length}.jsonl`);
      rmSync(o, { force: true });
      const m = await runMeasured(process.execPath, [CLI, 'scan', s.file, '-o', o, '--concurrency', '1', ...s.args], { timeoutMs: seconds(s) * 1000 });
      console.log(`${s.name}: exit ${m.code}, ${(m.wallMs / 1000).toFixed(1)} s, peak process ${m.peakProcessMb.toFixed(0)} MB, tree ${m.peakTreeMb.toFixed(0)} MB`);
      expect(m.signal).toBeNull();
      // findings or errors, never a crash; 9 MB of "?" holds nothing, so it may be a clean 0
      expect(file === 'questions.txt' ? [0, 1, 2] : [1, 2]).toContain(m.code);
      expect(m.peakProcessMb).toBeLessThan(MEMORY_MB);
      const t = await tallyRows(o);
      expect(t.rows).toBe(s.rows);
      if (s.expect === 'error') expect([t.errors, t.verdicts.review]).toEqual([s.rows, s.rows]);
      else expect(t.errors).toBe(0);
      // What these shapes hold is never shown unreviewed: the Word file, the PDF and the nested
      // tags hold DV disclosures; a third of the CSV's rows say "DV"; 9 MB of "?" says nothing.
      if (file === 'million.csv') expect(t.verdicts.withhold ?? 0).toBeGreaterThan(0);
      else if (file !== 'questions.txt') expect(t.verdicts.visible ?? 0).toBe(0);
    });
  }
});
