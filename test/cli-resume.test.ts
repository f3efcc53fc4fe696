import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, jsonLines, rmrf, runCli, sleep, slowOnly, startCli, tempDir, writeDocs, writeText } from './batch-helpers.js';

// Resume is proven on the built CLI: kill it (SIGKILL: no handler runs) at random points,
// start the same command again, and check that every document is recorded exactly once.

let dir: string;
let files: string[];
let reference: Record<string, unknown>[];

const lineCount = (f: string) => (existsSync(f) ? readFileSync(f, 'utf8').split('\n').length - 1 : 0);

/** Every line whole, each path exactly once, in sorted order, and the same documents as a clean run. */
function expectExactlyOnce(out: string, expectedPaths: string[]) {
  const text = readFileSync(out, 'utf8');
  expect(text.endsWith('\n')).toBe(true);
  const docs = jsonLines(text); // throws on a partial or corrupt line
  const paths = docs.map((d) => d.path as string);
  const counts = new Map<string, number>();
  for (const p of paths) counts.set(p, (counts.get(p) ?? 0) + 1);
  expect([...counts.values()].every((n) => n === 1)).toBe(true);
  expect(paths).toEqual(expectedPaths);
  return docs;
}

beforeAll(async () => {
  await ensureBuilt();
  dir = tempDir('sgs-resume-');
  files = writeDocs(join(dir, 'in'), 300, { pad: 12 }).map((f) => `in/${f}`);
  const r = await runCli(['scan', 'in', '-o', 'ref.jsonl', '--concurrency', '2'], { cwd: dir });
  expect(r.code).toBe(1);
  reference = jsonLines(readFileSync(join(dir, 'ref.jsonl'), 'utf8'));
  expect(reference).toHaveLength(300);
});
afterAll(() => rmrf(dir));

describe('--resume is a cache keyed on content', () => {
  it('scans again a file edited after it was scanned, and every file when the lexicons change; compacts the journal', async () => {
    const d2 = join(dir, 'edit');
    const some = writeDocs(join(d2, 'in'), 20).map((f) => `in/${f}`);
    const out = join(d2, 'out.jsonl');
    const args = ['scan', 'in', '-o', out, '--resume', '--concurrency', '1'];
    expect((await runCli(args, { cwd: d2 })).code).toBe(1);
    const first = jsonLines(readFileSync(out, 'utf8'));
    // An entry that gained a MARAC referral since it was scanned.
    const edited = some[3];
    const before = first.find((d) => d.path === edited)!;
    expect(before.verdict).toBe('visible');
    writeText(join(d2, edited), readFileSync(join(d2, edited), 'utf8') + ' MARAC referral made.');
    const again = await runCli(args, { cwd: d2 });
    expect(again.stderr).toMatch(/resumed: 20 documents were already recorded; 1 scanned now/);
    const docs = expectExactlyOnce(out, some);
    expect(docs.find((d) => d.path === edited)!.verdict).toBe('withhold');
    // Other lexicons: every document is scanned again, and the journal holds one version.
    const lex = join(d2, 'local.yaml');
    writeText(lex, ['- id: harm/local-flag', '  category: harm', '  type: local', '  weight: 0.5', '  terms: [purple folder]', '  source: local', '  examples: { match: ["purple folder"], noMatch: ["folder"] }'].join('\n'));
    const relex = await runCli([...args, '--lexicons', lex], { cwd: d2 });
    expect(relex.stderr).toMatch(/holds results of other lexicons .*scanned again/);
    expect(relex.stderr).toMatch(/20 scanned now/);
    const versions = new Set(expectExactlyOnce(out, some).map((d) => d.lexiconVersion));
    expect(versions.size).toBe(1);
  });
  it('refuses to overwrite a journal without --resume or --force', async () => {
    const d2 = join(dir, 'over');
    writeDocs(join(d2, 'in'), 3);
    const out = join(d2, 'out.jsonl');
    expect((await runCli(['scan', 'in', '-o', out], { cwd: d2 })).code).toBe(1);
    const size = statSync(out).size;
    const refused = await runCli(['scan', 'in', '-o', out], { cwd: d2 });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/already holds the results of a run: add --resume to finish or update it, or --force to start again/);
    expect(statSync(out).size).toBe(size);
    expect((await runCli(['scan', 'in', '-o', out, '--force'], { cwd: d2 })).code).toBe(1);
  });
});

describe('--resume', () => {
  // A soak: four SIGKILLs at random moments, 15 s of CPU. It runs in npm run test:slow
  // (test/slow/resume-kill.test.ts runs this file with SGS_SLOW=1); the other cases, each a
  // kill or a stop at a chosen moment, run in npm test (all but the grace-period one below).
  slowOnly()('a run killed with SIGKILL at random points and started again records every document exactly once', async () => {
    const out = join(dir, 'killed.jsonl');
    const args = ['scan', 'in', '-o', out, '--resume', '--concurrency', '2'];
    const kills: string[] = [];
    // Round 0 dies at a random moment of start-up; later rounds once a random number of new lines has appeared.
    for (let round = 0; round < 4; round++) {
      const before = lineCount(out);
      const { child, done } = startCli(args, { cwd: dir });
      let exited = false;
      void done.then(() => (exited = true));
      if (round === 0) await sleep(100 + Math.floor(Math.random() * 700));
      else {
        const target = before + 1 + Math.floor(Math.random() * 60);
        while (!exited && lineCount(out) < target) await sleep(5);
      }
      child.kill('SIGKILL');
      const r = await done;
      kills.push(`${before}->${lineCount(out)}${r.signal === 'SIGKILL' ? '' : ' (finished first)'}`);
      if (lineCount(out) >= 300) break;
    }
    if (process.env.SGS_VERBOSE) console.log('kills', kills.join(', '));
    const final = await runCli(args, { cwd: dir });
    expect(final.code, `kills: ${kills.join(', ')}\n${final.stderr}`).toBe(1);
    const docs = expectExactlyOnce(out, files);
    expect(docs.map((d) => d.sha256)).toEqual(reference.map((d) => d.sha256));
    expect(docs.map((d) => d.verdict)).toEqual(reference.map((d) => d.verdict));
    // Started again once more, it has nothing left to do, and answers for the whole job.
    const again = await runCli(args, { cwd: dir });
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/resumed: 300 documents were already recorded; 0 scanned now/);
    expect(lineCount(out)).toBe(300);
  });

  it('cuts a half-written last line and goes on from there', async () => {
    const out = join(dir, 'half.jsonl');
    const lines = readFileSync(join(dir, 'ref.jsonl'), 'utf8').split('\n');
    writeFileSync(out, lines.slice(0, 120).join('\n') + '\n' + lines[120].slice(0, 77));
    const r = await runCli(['scan', 'in', '-o', out, '--resume', '--concurrency', '2'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/cut a half-written last line \(77 bytes\)/);
    expect(r.stderr).toMatch(/resumed: 120 documents/);
    expectExactlyOnce(out, files);
  });

  it('SIGTERM stops cleanly (exit 143) with whole lines; the resumed run answers for the whole job (an earlier error still exits 2)', async () => {
    const d2 = join(dir, 'term');
    writeText(join(d2, 'in', '000-binary.txt'), Buffer.from([0, 1, 2, 3, 0, 0, 9, 0, 5, 6, 0, 0]));
    const many = writeDocs(join(d2, 'in'), 400, { pad: 12 }).map((f) => `in/${f}`);
    const out = join(d2, 'out.jsonl');
    const args = ['scan', 'in', '-o', out, '--resume', '--concurrency', '1'];
    const { child, done } = startCli(args, { cwd: d2 });
    while (lineCount(out) < 1) await sleep(5);
    child.kill('SIGTERM');
    const r = await done;
    expect(r.code).toBe(143);
    expect(r.stderr).toMatch(/SIGTERM/);
    expect(r.stderr).toMatch(/--resume to finish/);
    const partial = jsonLines(readFileSync(out, 'utf8'));
    expect(partial.length).toBeLessThan(401);
    expect(partial.map((d) => d.path)).toEqual(['in/000-binary.txt', ...many].slice(0, partial.length));
    expect(statSync(out).size).toBe(Buffer.byteLength(readFileSync(out, 'utf8')));

    const resumed = await runCli(args, { cwd: d2 });
    expect(resumed.code).toBe(2); // the binary file was recorded before the interruption
    expect(resumed.stderr).toMatch(/1 with errors/);
    expectExactlyOnce(out, ['in/000-binary.txt', ...many]);
  });

  // Burns a core for the grace period on a document that takes 20 s: in test:slow with the soak above.
  slowOnly()('SIGTERM stops within its grace period even when a document is still being scanned; what was written is a whole prefix', async () => {
    const d3 = join(dir, 'slow');
    writeText(join(d3, 'in', 'a.txt'), 'Seen today, well.');
    // Millions of "?" take several seconds to scan here: long past the 5 s grace once stopped.
    writeText(join(d3, 'in', 'b.txt'), '?'.repeat(8_000_000));
    const out = join(d3, 'out.jsonl');
    const args = ['scan', 'in', '-o', out, '--resume', '--concurrency', '1'];
    const { child, done } = startCli(args, { cwd: d3 });
    while (lineCount(out) < 1) await sleep(5);
    await sleep(300);
    const t0 = performance.now();
    child.kill('SIGTERM');
    const r = await done;
    const stopped = performance.now() - t0;
    expect(r.code).toBe(143);
    expect(stopped).toBeLessThan(12_000); // 5 s grace, and the rest is the worker's end
    expect(jsonLines(readFileSync(out, 'utf8')).map((d) => d.path)).toEqual(['in/a.txt']);
    expect(r.stderr).toMatch(/--resume to finish/);
  }, 60_000);
});
