/**
 * The impact of a lexicon change: compareRuns (the from -> to table, moved documents and the
 * rules that moved them) and `safeguard-scan impact` over paths and over a recorded run
 * (--results): exit 1 when a document becomes less strict unless --allow-laxer, no record
 * text unless --include-text.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compareRuns, type DocumentResult } from '../src/index.js';
import { ensureBuilt, ROOT, rmrf, runCliInProcess, tempDir, writeText } from './batch-helpers.js';
import { makeDoc } from './fixtures/documents.js';

describe('compareRuns()', () => {
  const d = (verdict: DocumentResult['verdict'], findings: Parameters<typeof makeDoc>[0]['findings'], path = 'a.txt'): DocumentResult => makeDoc({ path, text: 'Chlamydia. MARAC. Dave.', verdict, findings });
  it('tables documents by verdict before and after, and names the rules whose level changed, less strict first', () => {
    const sti = { find: 'Chlamydia', category: 'sensitive', type: 'sti', ruleId: 'sensitive/sti', score: 0.5 } as const;
    const marac = { find: 'MARAC', category: 'safeguarding', type: 'marac', ruleId: 'safeguarding/marac', score: 0.9 } as const;
    const i = compareRuns([
      { before: d('review', [sti], 'a.txt'), after: d('visible', [], 'a.txt') },
      { before: d('visible', [], 'b.txt'), after: d('withhold', [marac], 'b.txt') },
      { before: d('review', [sti], 'c.txt'), after: d('review', [sti], 'c.txt') },
    ]);
    expect(i.table.review).toEqual({ visible: 1, review: 1, withhold: 0 });
    expect(i.table.visible).toEqual({ visible: 0, review: 0, withhold: 1 });
    expect(i).toMatchObject({ documents: 3, stricter: 1, laxer: 1 });
    expect(i.moved).toEqual([
      { path: 'a.txt', from: 'review', to: 'visible', direction: 'laxer', rules: [{ ruleId: 'sensitive/sti', from: 'review', to: 'none' }] },
      { path: 'b.txt', from: 'visible', to: 'withhold', direction: 'stricter', rules: [{ ruleId: 'safeguarding/marac', from: 'none', to: 'withhold' }] },
    ]);
  });
});

describe('safeguard-scan impact', () => {
  let dir: string;
  beforeAll(async () => {
    await ensureBuilt();
    dir = tempDir('sgs-impact-');
    writeText(join(dir, 'docs', 'top.txt'), 'Termination of pregnancy in 2016.');
    writeText(join(dir, 'docs', 'hub.txt'), 'Referred to the Riverside hub today.');
    writeText(join(dir, 'docs', 'bp.txt'), 'BP 132/84. Continue amlodipine 5mg.');
    writeText(join(dir, 'cand', 'stricter.yaml'), readFileSync(join(ROOT, 'docs/example-lexicon.yaml'), 'utf8').split('\n- id: sensitive/cancer-abbreviation')[0]);
    writeText(join(dir, 'cand-lax', 'off.yaml'), '- id: sensitive/termination-of-pregnancy\n  disabled: true\n');
  });
  afterAll(() => rmrf(dir));

  it('a stricter change: the table, the moved document with its rule, exit 0; no record text', async () => {
    const r = await runCliInProcess(['impact', '--lexicons', 'cand/*.yaml', 'docs', '--concurrency', '1'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/impact: 3 documents scanned with the current lexicons \(\w+\) and with 1 candidate file on top \(\w+\)/);
    expect(r.stdout).toMatch(/^ {2}visible {12}1 {9}0 {9}1$/m);
    expect(r.stdout).toMatch(/1 document moved: 1 stricter, 0 less strict/);
    expect(r.stdout).toMatch(/stricter {5}visible -> withhold {3}docs\/hub\.txt {2}safeguarding\/local-hub-referral \(none -> withhold\)/);
    expect(r.stdout + r.stderr).not.toMatch(/Riverside|Termination|amlodipine/);
  });

  it('a less strict change exits 1 unless --allow-laxer; --include-text shows the text that made the difference', async () => {
    const r = await runCliInProcess(['impact', '--lexicons', 'cand-lax/off.yaml', 'docs', '--concurrency', '1'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/LESS STRICT {2}review -> visible {5}docs\/top\.txt {2}sensitive\/termination-of-pregnancy \(review -> none\)/);
    expect(r.stdout).toMatch(/1 document\(s\) became less strict: exit 1/);
    expect(r.stdout).not.toContain('Termination');
    const allowed = await runCliInProcess(['impact', '--lexicons', 'cand-lax/off.yaml', 'docs', '--allow-laxer', '--include-text', '--concurrency', '1'], { cwd: dir });
    expect(allowed.code).toBe(0);
    expect(allowed.stdout).toContain('"Termination of pregnancy"');
  });

  it('--results compares with a recorded run: the candidates on top of a scan of the same documents; json output', async () => {
    const rec = await runCliInProcess(['scan', 'docs', '-f', 'jsonl', '-o', 'results.jsonl', '--concurrency', '1'], { cwd: dir });
    expect(rec.code).toBe(0);
    writeText(join(dir, 'docs', 'bp.txt'), 'BP 140/90. Continue amlodipine 10mg.'); // changed since: not compared
    const r = await runCliInProcess(['impact', '--lexicons', 'cand/*.yaml', '--lexicons', 'cand-lax/off.yaml', '--results', 'results.jsonl', '-f', 'json', '--concurrency', '1'], { cwd: dir });
    expect(r.code).toBe(1);
    const i = JSON.parse(r.stdout);
    expect(i.documents).toBe(2);
    expect(i.changedText).toEqual([{ path: 'docs/bp.txt' }]);
    expect(i.moved.map((m: { path: string; direction: string }) => `${m.path} ${m.direction}`)).toEqual(['docs/top.txt laxer', 'docs/hub.txt stricter']);
    expect(r.stdout).not.toMatch(/Riverside|Termination/);
  });

  it('refuses bad usage: no candidates, or both paths and --results (exit 2)', async () => {
    expect((await runCliInProcess(['impact', 'docs'], { cwd: dir })).code).toBe(2);
    const both = await runCliInProcess(['impact', '--lexicons', 'cand/*.yaml', '--results', 'results.jsonl', 'docs'], { cwd: dir });
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/either paths to scan or --results FILE/);
    writeFileSync(join(dir, 'broken.yaml'), '- id: x\n  category: nonsense\n');
    const bad = await runCliInProcess(['impact', '--lexicons', 'broken.yaml', 'docs'], { cwd: dir });
    expect(bad.code).toBe(2);
  });
});

