/**
 * Decisions and FHIR out of the queue: `results --decisions FILE` records a clinician's
 * decisions in the database and every export applies them as `scan --decisions` does; `results
 * --format fhir` writes the done documents as labelled DocumentReferences. A real PostgreSQL
 * (test/support/pg.ts), the built CLI.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, jsonLines, rmrf, runCli, tempDir, writeDocs } from './batch-helpers.js';
import { testServer, whyNoDatabase, type Server } from './support/pg.js';
import { allDone, startWorker, stopWorker, waitFor } from './support/queue.js';

const skip = whyNoDatabase();
if (skip) console.warn(`queue-decisions.test: skipped: ${skip}`);

describe.skipIf(!!skip)('the queue: recorded decisions and FHIR out', () => {
  let server: Server;
  let dir: string;
  let url: string;
  beforeAll(async () => {
    await ensureBuilt();
    dir = tempDir('sgs-queue-dec-');
    server = await testServer();
    url = await server.database();
    writeDocs(join(dir, 'in'), 10, { riskEvery: 2 });
    const e = await runCli(['enqueue', 'in', '--db', url], { cwd: dir });
    expect(e.code, e.stderr).toBe(0);
    const w = startWorker(url, dir);
    await waitFor(url, allDone, 120_000);
    await stopWorker(w);
  }, 180_000);
  afterAll(async () => {
    await server?.close();
    if (dir) rmrf(dir);
  });

  it('records decisions, applies them on every export, and voids one whose text changed', async () => {
    const before = await runCli(['results', '--db', url], { cwd: dir });
    const rows = jsonLines(before.stdout);
    expect(rows).toHaveLength(10);
    const toDecide = rows.filter((r) => r.verdict !== 'visible').slice(0, 2);
    expect(toDecide).toHaveLength(2);
    expect(before.code).toBe(1); // withheld documents, nobody has decided
    const [a, b] = toDecide as { path: string; sha256: string; verdict: string }[];
    const line = (d: typeof a, sha: string, decision: string) =>
      JSON.stringify({ path: d.path, sha256: sha, verdictShown: d.verdict, decision, decidedAt: '2026-12-01T10:00:00.000Z', note: 'checked with the safeguarding lead' }) + '\n';
    writeFileSync(join(dir, 'decisions.jsonl'), line(a, a.sha256, 'show') + line(b, '0'.repeat(64), 'withhold'));
    const r = await runCli(['results', '--db', url, '--decisions', 'decisions.jsonl'], { cwd: dir });
    expect(r.stderr).toMatch(/recorded 2 of 2 decisions/);
    const got = jsonLines(r.stdout) as { path: string; decision?: string; reasons: string[] }[];
    expect(got.find((x) => x.path === a.path)?.decision).toBe('show');
    const voided = got.find((x) => x.path === b.path)!;
    expect(voided.decision).toBeUndefined();
    expect(voided.reasons[0]).toMatch(/no longer applies: the text has changed/);
    // Rows without a decision are the stored lines, byte for byte.
    const plain = before.stdout.split('\n').filter((l) => l && !l.includes(a.path) && !l.includes(b.path));
    for (const l of plain) expect(r.stdout).toContain(l);
    // Recorded: a later export without the file applies them too.
    const again = await runCli(['results', '--db', url], { cwd: dir });
    expect(again.stdout).toBe(r.stdout);
    // The notes are in the database, never in what results prints.
    expect(r.stdout + r.stderr).not.toContain('safeguarding lead');
  }, 120_000);

  it('--format fhir: one labelled DocumentReference per document, in a Bundle labelled with the strictest', async () => {
    const r = await runCli(['results', '--db', url, '-o', 'out.fhir.json'], { cwd: dir });
    expect([0, 1]).toContain(r.code);
    const bundle = JSON.parse(readFileSync(join(dir, 'out.fhir.json'), 'utf8')) as { resourceType: string; entry: { resource: { resourceType: string; meta?: { security?: { code: string }[] }; content: { attachment: { data?: string } }[] } }[]; meta?: { security?: { code: string }[] } };
    expect(bundle.resourceType).toBe('Bundle');
    expect(bundle.entry).toHaveLength(10);
    expect(bundle.entry.every((e) => e.resource.resourceType === 'DocumentReference' && e.resource.content[0].attachment.data === undefined)).toBe(true);
    expect(bundle.entry.some((e) => e.resource.meta?.security?.some((c) => c.code === 'NOPAT'))).toBe(true);
    expect(bundle.meta?.security?.map((c) => c.code)).toContain('NOPAT');
  }, 60_000);
});
