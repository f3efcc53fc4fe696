/**
 * Calibration from decisions: precision and recall at each candidate threshold, the confusion
 * table, a proposal that keeps every withheld document out of visible and is never laxer than
 * POLICY.md, and `safeguard-scan calibrate` (text, json, --html; exit 0 or 2).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { calibrate, decisionLine, POLICY_THRESHOLDS, verdictAt, type Decision, type DocumentResult } from '../src/index.js';
import { ensureBuilt, jsonLines, rmrf, runCliInProcess, tempDir, writeText } from './batch-helpers.js';
import { makeDoc, type FindingSpec } from './fixtures/documents.js';

const f = (category: FindingSpec['category'], score: number, find = 'x'): FindingSpec => ({ find, category, type: 't', ruleId: `${category}/t`, score });
let n = 0;
function doc(verdict: DocumentResult['verdict'], findings: FindingSpec[]): DocumentResult {
  n++;
  const d = makeDoc({ path: `d${String(n).padStart(2, '0')}.txt`, text: 'x x x', verdict, findings });
  return { ...d, sha256: String(n % 10).repeat(64) };
}
const decided = (d: DocumentResult, decision: Decision['decision'], o: Partial<Decision> = {}): Decision => ({
  path: d.path,
  sha256: d.sha256,
  verdictShown: d.verdict,
  decision,
  decidedAt: '2025-01-15T09:30:00Z',
  ...o,
});

describe('calibrate()', () => {
  it('recomputes verdicts from findings with the floors: affirmed safeguarding at POLICY withhold stays withhold at any threshold', () => {
    const sg = doc('withhold', [f('safeguarding', 0.9)]);
    expect(verdictAt(sg, { review: 0.35, withhold: 0.7, accumulate: 0.6 })).toBe('withhold');
    expect(verdictAt(sg, { review: 0.95, withhold: 0.99, accumulate: 0.6 })).toBe('withhold');
    const sn = doc('review', [f('sensitive', 0.5)]);
    expect(verdictAt(sn, { review: 0.6, withhold: 0.7, accumulate: 0.6 })).toBe('visible');
    expect(verdictAt(sn, { review: 0.5, withhold: 0.7, accumulate: 0.6 })).toBe('review');
  });

  it('counts precision, recall and the confusion table against the decisions', () => {
    n = 0;
    const docs = [
      doc('withhold', [f('safeguarding', 0.9)]), // withheld
      doc('review', [f('sensitive', 0.5)]), // redact-and-show
      doc('review', [f('thirdParty', 0.45)]), // shown
      doc('visible', [f('thirdParty', 0.3)]), // withheld: a miss at POLICY's thresholds
      doc('visible', []), // shown
    ];
    const ds = [decided(docs[0], 'withhold'), decided(docs[1], 'redact-and-show'), decided(docs[2], 'show'), decided(docs[3], 'withhold'), decided(docs[4], 'show')];
    const c = calibrate(docs, ds);
    expect(c.decided).toBe(5);
    expect(c.confusion).toEqual({
      visible: { show: 1, 'redact-and-show': 0, withhold: 1 },
      review: { show: 1, 'redact-and-show': 1, withhold: 0 },
      withhold: { show: 0, 'redact-and-show': 0, withhold: 1 },
    });
    // at POLICY's review threshold: flagged d1, d2, d3; positives d1, d2, d4
    const at035 = c.review.find((p) => p.threshold === 0.35)!;
    expect(at035).toMatchObject({ tp: 2, fp: 1, fn: 1, tn: 1, precision: 0.6667, recall: 0.6667, withheldVisible: 1, notVisible: 3 });
    // the proposal is stricter, to catch the withheld d4: review at 0.3
    expect(c.proposal).toMatchObject({ review: 0.3, allWithheldCaught: true, withheldVisible: 0, notVisible: 4 });
    expect(c.unreachable).toEqual([]);
  });

  it('never proposes thresholds laxer than POLICY.md, even where the decisions would allow it', () => {
    n = 0;
    const docs = [doc('withhold', [f('safeguarding', 0.95)]), doc('review', [f('sensitive', 0.5)]), doc('review', [f('sensitive', 0.4)]), doc('review', [f('thirdParty', 0.45)])];
    const ds = [decided(docs[0], 'withhold'), decided(docs[1], 'show'), decided(docs[2], 'show'), decided(docs[3], 'show')];
    const c = calibrate(docs, ds);
    expect(c.proposal.review).toBeLessThanOrEqual(POLICY_THRESHOLDS.review);
    expect(c.proposal.withhold).toBeLessThanOrEqual(POLICY_THRESHOLDS.withhold);
    expect(c.proposal.dataReview).toBeGreaterThan(POLICY_THRESHOLDS.review);
    expect(c.review.filter((p) => p.threshold > POLICY_THRESHOLDS.review).every((p) => p.beyondFloor)).toBe(true);
    // a config laxer than POLICY is not a floor either
    expect(calibrate(docs, ds, { review: 0.6 }).proposal.review).toBeLessThanOrEqual(POLICY_THRESHOLDS.review);
  });

  it('leaves out decisions on a text that has changed, and lists withheld documents no threshold can reach', () => {
    n = 0;
    const docs = [doc('visible', []), doc('review', [f('sensitive', 0.5)])];
    const c = calibrate(docs, [decided(docs[0], 'withhold'), decided(docs[1], 'show', { sha256: 'f'.repeat(64) }), decided({ ...docs[1], path: 'gone.txt' }, 'show')]);
    expect(c).toMatchObject({ decided: 1, stale: 1, unmatched: 1 });
    expect(c.unreachable).toEqual([{ path: 'd01.txt' }]);
    expect(c.proposal.allWithheldCaught).toBe(false);
  });
});

describe('safeguard-scan calibrate', () => {
  let dir: string;
  beforeAll(async () => {
    await ensureBuilt();
    dir = tempDir('sgs-calibrate-');
    writeText(join(dir, 'docs', 'abuse.txt'), 'Disclosed that partner hit her last week. MARAC referral made.');
    writeText(join(dir, 'docs', 'sti.txt'), 'Chlamydia NAAT positive. Doxycycline 100mg bd 7/7.');
    writeText(join(dir, 'docs', 'bp.txt'), 'BP 132/84. Continue amlodipine 5mg. Review 6 months.');
    writeText(join(dir, 'docs', 'dave.txt'), 'Lives with partner Dave and two children.');
    const r = await runCliInProcess(['scan', 'docs', '-f', 'jsonl', '-o', 'results.jsonl', '--concurrency', '1'], { cwd: dir });
    expect(r.code).toBe(1);
    const rows = jsonLines(readFileSync(join(dir, 'results.jsonl'), 'utf8')) as unknown as DocumentResult[];
    const want: Record<string, Decision['decision']> = { 'docs/abuse.txt': 'withhold', 'docs/sti.txt': 'redact-and-show', 'docs/bp.txt': 'show', 'docs/dave.txt': 'show' };
    writeFileSync(join(dir, 'decisions.jsonl'), rows.map((d) => decisionLine(decided(d, want[d.path], { note: 'Zqxnote' }))).join(''));
  });
  afterAll(() => rmrf(dir));

  it('prints the tables and a proposal, exit 0; --html draws the curves in a self-contained page; no text, no notes', async () => {
    const r = await runCliInProcess(['calibrate', '--results', 'results.jsonl', '--decisions', 'decisions.jsonl', '--html', 'cal.html'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/calibrate: 4 of 4 documents have a decision/);
    expect(r.stdout).toMatch(/verdict as recorded \(rows\) against the decision/);
    expect(r.stdout).toMatch(/^ {2}withhold {18}0 {16}1 {16}0$/m);
    expect(r.stdout).toMatch(/proposed thresholds: review 0\.35, withhold 0\.7 \(never laxer than POLICY\.md/);
    expect(r.stdout).toMatch(/every document decided withhold is out of visible/);
    const html = readFileSync(join(dir, 'cal.html'), 'utf8');
    expect(html.match(/<svg /g)).toHaveLength(2);
    expect(html).toMatch(/<path d="M[\d.,L]+" class="precision"\/>/);
    expect(html).not.toMatch(/<script|\bsrc=|https?:\/\/(?!www\.w3\.org)/);
    expect(html).toMatch(/Content-Security-Policy" content="default-src 'none'; style-src 'sha256-/);
    for (const out of [r.stdout, r.stderr, html]) for (const secret of ['MARAC', 'Dave', 'Chlamydia', 'Zqxnote']) expect(out).not.toContain(secret);
    const json = JSON.parse((await runCliInProcess(['calibrate', '--results', 'results.jsonl', '--decisions', 'decisions.jsonl', '-f', 'json'], { cwd: dir })).stdout);
    expect(json.decided).toBe(4);
    expect(json.proposal.withhold).toBeLessThanOrEqual(0.7);
  });

  it('exits 2 on a bad results or decisions file, naming file, line and field', async () => {
    writeFileSync(join(dir, 'bad-results.jsonl'), readFileSync(join(dir, 'results.jsonl'), 'utf8') + '{"path":"x.txt","verdict":"maybe"}\n');
    const r = await runCliInProcess(['calibrate', '--results', 'bad-results.jsonl', '--decisions', 'decisions.jsonl'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/bad-results\.jsonl line 5: field "sha256" is missing/);
    writeFileSync(join(dir, 'bad-decisions.jsonl'), '{"path":"docs/bp.txt"}\n');
    const d = await runCliInProcess(['calibrate', '--results', 'results.jsonl', '--decisions', 'bad-decisions.jsonl'], { cwd: dir });
    expect(d.code).toBe(2);
    expect(d.stderr).toMatch(/bad-decisions\.jsonl line 1: field "sha256" is missing/);
    const none = await runCliInProcess(['calibrate', '--results', 'nope.jsonl', '--decisions', 'decisions.jsonl'], { cwd: dir });
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/cannot read the results file nope\.jsonl \(ENOENT\)/);
  });
});
