/**
 * Recorded decisions: decisions.jsonl read back (errors name file, line and field, never a
 * value), matched by (path, record), void when the text changed or the verdict became
 * stricter; `scan --decisions` marks rows in every format and counts only undecided documents
 * for the queue and the exit code.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyDecision, decisionFor, DecisionSchema, decisionLine, parseDecisions, type Decision, type DocumentResult } from '../src/index.js';
import { ensureBuilt, jsonLines, ROOT, rmrf, runCliInProcess, tempDir, writeText } from './batch-helpers.js';

const SHA = 'a'.repeat(64);
const dec = (o: Partial<Decision> = {}): Decision => ({ path: 'a.txt', sha256: SHA, verdictShown: 'review', decision: 'show', decidedAt: '2025-01-15T09:30:00Z', ...o });
const line = (o: Record<string, unknown>) => JSON.stringify(o);

describe('decisions.jsonl', () => {
  it('reads every field of the contract, and writes them back in order without extras', () => {
    const text = [line({ ...dec({ record: '7', note: 'seen with Dr A' }) }), '', line({ ...dec({ path: 'b.txt', decision: 'redact-and-show' }) })].join('\n');
    const m = parseDecisions(text, 'decisions.jsonl');
    expect(m.size).toBe(2);
    const d = [...m.values()][0];
    expect(Object.keys(JSON.parse(decisionLine(d)))).toEqual(['path', 'record', 'sha256', 'verdictShown', 'decision', 'decidedAt', 'note']);
    expect(Object.keys(JSON.parse(decisionLine([...m.values()][1])))).toEqual(['path', 'sha256', 'verdictShown', 'decision', 'decidedAt']);
  });

  it('names the file, the line and the field of a problem, never the value', () => {
    const SECRET = 'Zqxsecretnote';
    const bad = (l: string) => () => parseDecisions([line(dec()), l].join('\n'), 'my/decisions.jsonl');
    expect(bad('{not json')).toThrow(/^my\/decisions\.jsonl line 2: not valid JSON$/);
    expect(bad(line({ ...dec(), decision: 'hide' }))).toThrow(/my\/decisions\.jsonl line 2: field "decision" must be one of "show", "withhold", "redact-and-show"/);
    expect(bad(line({ ...dec(), sha256: undefined }))).toThrow(/line 2: field "sha256" is missing/);
    expect(bad(line({ ...dec(), decidedAt: '15/01/2025', note: SECRET }))).toThrow(/line 2: field "decidedAt" must be an ISO-8601 UTC time/);
    expect(bad(line({ ...dec(), text: SECRET }))).toThrow(/line 2: unknown field "text"/);
    expect(bad(line({ ...dec(), verdictShown: SECRET }))).toThrow(/field "verdictShown"/);
    for (const l of [line({ ...dec(), verdictShown: SECRET }), line({ ...dec(), decidedAt: SECRET }), line({ ...dec(), path: 5, note: SECRET })]) {
      try {
        bad(l)();
        expect.unreachable();
      } catch (err) {
        expect((err as Error).message).not.toContain(SECRET);
      }
    }
  });

  it('keeps the later decision for a document, so that files can be concatenated', () => {
    const m = parseDecisions([line(dec({ decision: 'withhold', decidedAt: '2025-02-01T00:00:00Z' })), line(dec({ decision: 'show', decidedAt: '2025-01-01T00:00:00Z' }))].join('\n'), 'd');
    expect([...m.values()].map((d) => d.decision)).toEqual(['withhold']);
  });

  it('holds while the text and the verdict are as decided; void, with the reason, when the text changed or the verdict is stricter', () => {
    const doc = { path: 'a.txt', sha256: SHA, verdict: 'review' } as DocumentResult;
    const m = parseDecisions(line(dec({ decision: 'withhold' })), 'd');
    expect(decisionFor(doc, m)).toMatchObject({ state: 'decided' });
    expect(decisionFor({ ...doc, verdict: 'visible' }, m)).toMatchObject({ state: 'decided' }); // laxer: still decided
    const changed = decisionFor({ ...doc, sha256: 'b'.repeat(64) }, m);
    expect(changed).toMatchObject({ state: 'void', why: 'text-changed' });
    const stricter = decisionFor({ ...doc, verdict: 'withhold' }, m);
    expect(stricter).toMatchObject({ state: 'void', why: 'stricter' });
    const applied = applyDecision({ ...doc, reasons: ['x'] }, stricter);
    expect(applied.decision).toBeUndefined();
    expect(applied.reasons[0]).toMatch(/no longer applies: the verdict is now withhold, stricter than the review shown then/);
    expect(decisionFor({ ...doc, path: 'b.txt' }, m)).toEqual({ state: 'none' });
    expect(DecisionSchema.safeParse(dec({ sha256: 'A'.repeat(64) })).success).toBe(false);
  });
});

describe('scan --decisions', () => {
  let dir: string;
  let rows: DocumentResult[];
  const write = (name: string, ds: Decision[]) => writeFileSync(join(dir, name), ds.map(decisionLine).join(''));
  const decided = (path: string, decision: Decision['decision'], o: Partial<Decision> = {}): Decision => {
    const r = rows.find((x) => x.path === path)!;
    return dec({ path, sha256: r.sha256, verdictShown: r.verdict, decision, ...o });
  };

  beforeAll(async () => {
    await ensureBuilt();
    dir = tempDir('sgs-decisions-');
    writeText(join(dir, 'docs', 'abuse.txt'), 'Disclosed that partner hit her last week. MARAC referral made.');
    writeText(join(dir, 'docs', 'sti.txt'), 'Chlamydia NAAT positive. Doxycycline 100mg bd 7/7.');
    writeText(join(dir, 'docs', 'bp.txt'), 'BP 132/84. Continue amlodipine 5mg. Review 6 months.');
    writeText(join(dir, 'docs', 'hub.txt'), 'Referred to the Riverside hub today.');
    const r = await runCliInProcess(['scan', 'docs', '-f', 'jsonl', '--concurrency', '1'], { cwd: dir });
    rows = jsonLines(r.stdout) as unknown as DocumentResult[];
    expect(rows.map((x) => `${x.path} ${x.verdict}`)).toEqual(['docs/abuse.txt withhold', 'docs/bp.txt visible', 'docs/hub.txt visible', 'docs/sti.txt review']);
  });
  afterAll(() => rmrf(dir));

  it('marks decided documents with `decision` in jsonl, json and csv, and as a column in stylish', async () => {
    write('d1.jsonl', [decided('docs/abuse.txt', 'withhold'), decided('docs/bp.txt', 'show')]);
    const jsonl = jsonLines((await runCliInProcess(['scan', 'docs', '-f', 'jsonl', '--decisions', 'd1.jsonl', '--concurrency', '1'], { cwd: dir })).stdout);
    expect(jsonl.map((d) => d.decision)).toEqual(['withhold', 'show', undefined, undefined]);
    const json = JSON.parse((await runCliInProcess(['scan', 'docs', '-f', 'json', '--decisions', 'd1.jsonl', '--concurrency', '1'], { cwd: dir })).stdout) as { decision?: string }[];
    expect(json.map((d) => d.decision)).toEqual(['withhold', 'show', undefined, undefined]);
    const csv = (await runCliInProcess(['scan', 'docs', '-f', 'csv', '--decisions', 'd1.jsonl', '--concurrency', '1'], { cwd: dir })).stdout.trim().split('\r\n');
    expect(csv[0].split(',').at(-1)).toBe('decision');
    expect(csv[1].split(',').at(-1)).toBe('withhold');
    expect(csv[3].endsWith(',')).toBe(true);
    const stylish = (await runCliInProcess(['scan', 'docs', '--decisions', 'd1.jsonl', '--concurrency', '1'], { cwd: dir })).stdout;
    expect(stylish).toMatch(/^WITHHOLD {2}\d\.\d\d {2}withhold {9}docs\/abuse\.txt/m);
    expect(stylish).toMatch(/^REVIEW {4}\d\.\d\d {2}undecided {8}docs\/sti\.txt/m);
    // without --decisions the stylish line has no column
    expect((await runCliInProcess(['scan', 'docs/sti.txt', '--concurrency', '1'], { cwd: dir })).stdout).toMatch(/^REVIEW {4}\d\.\d\d {2}docs\/sti\.txt/m);
  });

  it('counts only undecided documents for --fail-on (the exit code) and the summary', async () => {
    // nothing decided: a withhold document fails the default --fail-on withhold
    expect((await runCliInProcess(['scan', 'docs', '-f', 'jsonl', '--concurrency', '1'], { cwd: dir })).code).toBe(1);
    write('d2.jsonl', [decided('docs/abuse.txt', 'withhold')]);
    const r = await runCliInProcess(['scan', 'docs', '-f', 'jsonl', '--decisions', 'd2.jsonl', '--concurrency', '1'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/1 decided, 1 undecided at review or above/);
    expect((await runCliInProcess(['scan', 'docs', '-f', 'jsonl', '--decisions', 'd2.jsonl', '--fail-on', 'review', '--concurrency', '1'], { cwd: dir })).code).toBe(1);
    write('d3.jsonl', [decided('docs/abuse.txt', 'withhold'), decided('docs/sti.txt', 'redact-and-show')]);
    expect((await runCliInProcess(['scan', 'docs', '-f', 'jsonl', '--decisions', 'd3.jsonl', '--fail-on', 'review', '--concurrency', '1'], { cwd: dir })).code).toBe(0);
  });

  it('puts a document back in the queue, with the reason, when its text changed or its verdict became stricter', async () => {
    write('d4.jsonl', [decided('docs/abuse.txt', 'withhold'), decided('docs/hub.txt', 'show'), decided('docs/sti.txt', 'show')]);
    writeText(join(dir, 'docs', 'sti.txt'), 'Chlamydia NAAT positive. Doxycycline 100mg bd 7/7. Partner notified.');
    // the example lexicon makes "Riverside hub" a safeguarding referral: visible -> withhold
    const r = await runCliInProcess(['scan', 'docs', '-f', 'jsonl', '--decisions', 'd4.jsonl', '--lexicons', join(ROOT, 'docs/example-lexicon.yaml'), '--fail-on', 'review', '--concurrency', '1'], { cwd: dir });
    const out = jsonLines(r.stdout) as unknown as DocumentResult[];
    const by = (p: string) => out.find((d) => d.path === p)!;
    expect(by('docs/abuse.txt').decision).toBe('withhold');
    expect(by('docs/sti.txt').decision).toBeUndefined();
    expect(by('docs/sti.txt').reasons[0]).toMatch(/A recorded decision \(show, 2025-01-15T09:30:00Z\) no longer applies: the text has changed since; decide again\./);
    expect(by('docs/hub.txt').verdict).toBe('withhold');
    expect(by('docs/hub.txt').decision).toBeUndefined();
    expect(by('docs/hub.txt').reasons[0]).toMatch(/the verdict is now withhold, stricter than the visible shown then/);
    expect(r.code).toBe(1);
    writeText(join(dir, 'docs', 'sti.txt'), 'Chlamydia NAAT positive. Doxycycline 100mg bd 7/7.');
  });

  it('html: decided documents leave the queue for a section of their own, void ones say "decide again"', async () => {
    write('d5.jsonl', [decided('docs/abuse.txt', 'withhold', { note: 'MARAC aware' }), decided('docs/sti.txt', 'show', { sha256: 'c'.repeat(64) })]);
    const r = await runCliInProcess(['scan', 'docs', '-o', 'report.html', '--decisions', 'd5.jsonl', '--concurrency', '1'], { cwd: dir });
    expect(r.code).toBe(0);
    const html = readFileSync(join(dir, 'report.html'), 'utf8');
    const queue = html.slice(html.indexOf('<main'), html.indexOf('id="decided-h"'));
    expect(queue).toContain('docs/sti.txt');
    expect(queue).not.toContain('data-path="docs/abuse.txt"');
    const decidedPart = html.slice(html.indexOf('id="decided-h"'));
    expect(decidedPart).toMatch(/Decided already \(1\)/);
    expect(decidedPart).toContain('data-path="docs/abuse.txt"');
    expect(html).toMatch(/<span class="n">1<\/span><span class="k">in the review queue \(1 decided already\)<\/span>/);
    // the decision on sti.txt was made on another text: back in the queue, marked
    expect(queue).toMatch(/<span class="badge again">Decide again: text changed<\/span><h3 id="doc-\d+-h">docs\/sti\.txt<\/h3>/);
  });

  it('refuses a bad decisions file (exit 2, naming file, line and field) and --decisions with --resume', async () => {
    writeFileSync(join(dir, 'bad.jsonl'), line(dec()) + '\n' + line({ ...dec(), decision: 'maybe' }) + '\n');
    const r = await runCliInProcess(['scan', 'docs', '--decisions', 'bad.jsonl', '--concurrency', '1'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/bad\.jsonl line 2: field "decision" must be one of/);
    const missing = await runCliInProcess(['scan', 'docs', '--decisions', 'nope.jsonl', '--concurrency', '1'], { cwd: dir });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/cannot read the decisions file nope\.jsonl \(ENOENT\)/);
    const resume = await runCliInProcess(['scan', 'docs', '-o', 'r.jsonl', '--resume', '--decisions', 'd2.jsonl', '--concurrency', '1'], { cwd: dir });
    expect(resume.code).toBe(2);
    expect(resume.stderr).toMatch(/--decisions cannot be combined with --resume/);
  });
});
