import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

// The built package as a consumer sees it (npm test builds before running vitest).
const root = resolve(__dirname, '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

/**
 * npm test writes the type declarations while the tests run (scripts/test.mjs): a declaration
 * file is waited for, up to two minutes, before it counts as missing.
 */
async function declarationsWritten(file: string): Promise<boolean> {
  for (const end = Date.now() + 120_000; Date.now() < end; await new Promise((r) => setTimeout(r, 250))) if (existsSync(file)) return true;
  return false;
}

describe('package', () => {
  it('exports ESM and CommonJS entry points, each with its own types', async () => {
    const exp = pkg.exports['.'];
    for (const cond of ['import', 'require'] as const) {
      expect(existsSync(join(root, exp[cond].default))).toBe(true);
      expect(await declarationsWritten(join(root, exp[cond].types)), exp[cond].types).toBe(true);
    }
    expect(pkg.type).toBe('module');
    expect(pkg.engines.node).toBe('>=20');
    expect(pkg.files).toEqual(['dist', 'lexicons', 'policy']);
  }, 150_000);

  it('gives the same API to import and require', async () => {
    const cjs = createRequire(import.meta.url)(join(root, pkg.exports['.'].require.default));
    const esm = await import(join(root, pkg.exports['.'].import.default));
    const names = (m: object) => Object.keys(m).filter((k) => k !== 'default').sort();
    expect(names(cjs)).toEqual(names(esm));
    for (const fn of ['createScanner', 'scan', 'detectContext', 'scanFiles']) expect(typeof cjs[fn]).toBe('function');
    const t = 'Disclosed that partner hit her. MARAC referral made.';
    expect(cjs.scan(t)).toEqual(esm.scan(t));
    expect(cjs.ScanResultSchema.parse(esm.scan(t)).verdict).toBe('withhold');
  });

  it('resolves by package name from both module systems', () => {
    const esm = execFileSync(process.execPath, ['--input-type=module', '-e', "import { scan } from 'safeguard-scan'; console.log(scan('Denies DV.').verdict)"], { cwd: root, encoding: 'utf8' });
    const cjs = execFileSync(process.execPath, ['-e', "console.log(require('safeguard-scan').scan('Denies DV.').verdict)"], { cwd: root, encoding: 'utf8' });
    expect(esm.trim()).toBe('visible');
    expect(cjs.trim()).toBe('visible');
  });

  it('ships a CLI with a shebang, and never imports natural\'s root', () => {
    const cli = readFileSync(join(root, pkg.bin['safeguard-scan']), 'utf8');
    expect(cli.startsWith('#!/usr/bin/env node')).toBe(true);
    for (const f of ['dist/index.js', 'dist/index.cjs', 'dist/cli.js']) {
      const src = readFileSync(join(root, f), 'utf8');
      expect(src).not.toMatch(/(?:from|require\()\s*['"]natural['"]/);
    }
  });

  it('starts a scanner without parsing YAML when the bundled lexicons match the files', () => {
    const bundle = JSON.parse(readFileSync(join(root, 'dist/builtin-lexicons.json'), 'utf8'));
    expect(bundle.entries.length).toBeGreaterThan(200);
    expect(Object.keys(bundle.sources)).toContain('context.yaml');
  });

  it("stores each pattern's openings exactly as the prefilter reads them", async () => {
    const bundle = JSON.parse(readFileSync(join(root, 'dist/builtin-lexicons.json'), 'utf8')) as { prefixes: Record<string, string[] | null> };
    const { readPrefixes } = await import('../src/lexicon/prefilter.js');
    const sources = Object.keys(bundle.prefixes);
    expect(sources.length).toBeGreaterThan(100);
    // Read afresh (uncached): a stale bundle would differ here.
    for (const src of sources) expect(readPrefixes(src) ?? null, src).toEqual(bundle.prefixes[src]);
  });

  it("stores each pattern's required literals exactly as the prefilter reads them", async () => {
    const bundle = JSON.parse(readFileSync(join(root, 'dist/builtin-lexicons.json'), 'utf8')) as { required: Record<string, unknown> };
    const { readRequired } = await import('../src/lexicon/required.js');
    const sources = Object.keys(bundle.required);
    expect(sources.length).toBeGreaterThan(100);
    for (const src of sources) {
      const r = readRequired(src);
      const len = (n: number) => (Number.isFinite(n) ? n : null);
      const reach = r.reach.map((x) => [len(x.fixed), x.runs]);
      expect({ clauses: r.clauses, reach, fixed: len(r.maxLen.fixed), runs: r.maxLen.runs }, src).toEqual(bundle.required[src]);
    }
  });

  it("stores the lexicons' stems exactly as the stemmer gives them, so seeding changes nothing", () => {
    const bundle = JSON.parse(readFileSync(join(root, 'dist/builtin-lexicons.json'), 'utf8')) as { stems: Record<string, string> };
    const porter = createRequire(import.meta.url)('natural/lib/natural/stemmers/porter_stemmer.js') as { stem(w: string): string };
    const words = Object.entries(bundle.stems);
    expect(words.length).toBeGreaterThan(1000);
    for (const [word, s] of words) {
      const want = word.length < 3 || word.length > 40 || !/^[a-z][a-z']*$/.test(word) ? word : porter.stem(word);
      if (s !== want) expect.fail(`stem of "${word}": bundle has "${s}", stemmer gives "${want}"`);
    }
  });
});

describe('lexicon bundle', () => {
  it('is used only while every lexicon file is byte-for-byte the one it was built from', async () => {
    const { cpSync, mkdtempSync, writeFileSync, appendFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const dir = mkdtempSync(join(tmpdir(), 'sgs-bundle-'));
    for (const p of ['dist', 'lexicons', 'package.json']) cpSync(join(root, p), join(dir, p), { recursive: true });
    const { symlinkSync } = await import('node:fs');
    symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'), 'dir');
    const bundlePath = join(dir, 'dist/builtin-lexicons.json');
    const bundle = JSON.parse(readFileSync(bundlePath, 'utf8'));
    // Mark the bundle so we can tell whether it was used.
    bundle.entries.find((e: { id: string }) => e.id === 'context/negated-no').notes = 'FROM-BUNDLE';
    writeFileSync(bundlePath, JSON.stringify(bundle));
    const probe = `const m=require(${JSON.stringify(join(dir, 'dist/index.cjs'))});console.log(m.loadLexicons().entries.find(e=>e.id==='context/negated-no').notes||'FROM-YAML')`;
    expect(execFileSync(process.execPath, ['-e', probe], { encoding: 'utf8' }).trim()).toBe('FROM-BUNDLE');
    appendFileSync(join(dir, 'lexicons/context.yaml'), '\n# edited by a clinician\n');
    expect(execFileSync(process.execPath, ['-e', probe], { encoding: 'utf8' }).trim()).toBe('FROM-YAML');
  });
});

describe('start-up weight of the built files', () => {
  // Module imports of a bundle that are not Node built-ins (each is resolved and read from node_modules at start).
  const packagesImported = (file: string) =>
    [...readFileSync(join(root, 'dist', file), 'utf8').matchAll(/^import\s[^;]*?from\s*"([^"]+)"/gm)].map((m) => m[1]).filter((s) => !s.startsWith('node:') && !NODE_BUILTINS.has(s));
  const NODE_BUILTINS = new Set(createRequire(import.meta.url)('node:module').builtinModules as string[]);

  it('the scan worker and the CLI carry their dependencies inside: they import only Node built-ins', () => {
    expect(existsSync(join(root, 'dist/worker.js'))).toBe(true);
    expect(packagesImported('worker.js')).toEqual([]);
    expect(packagesImported('cli.js')).toEqual([]);
    // the library leaves its dependencies to the consumer's node_modules, so the check above can fail
    expect(packagesImported('index.js')).toContain('zod');
  });

  it('importing the library and scanning a text loads no globbing, YAML, CSV or HTML library (cold start)', () => {
    // They are loaded on first use (user lexicon files, input globs, CSV and HTML readers).
    const probe = `import { createRequire } from 'node:module';
const m = await import(${JSON.stringify(join(root, 'dist/index.js'))});
m.createScanner().scan('Seen with mum. Lives with her brother.');
const loaded = Object.keys(createRequire(import.meta.url).cache).filter((f) => /node_modules[\\/](?:yaml|fast-glob|picomatch|csv-parse|entities)[\\/]/.test(f));
console.log(JSON.stringify(loaded));`;
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', probe], { encoding: 'utf8', cwd: root });
    expect(JSON.parse(out.trim())).toEqual([]);
  });

  it('the CLI sets no V8 flag for the process (no --no-concurrent-recompilation)', () => {
    const cli = readFileSync(join(root, 'dist/cli.js'), 'utf8');
    expect(cli).not.toMatch(/setFlagsFromString\d*\(\s*["'`]--no-concurrent-recompilation/);
  });

  it('each bundle with dependencies inside ships their licences beside it', () => {
    for (const file of ['worker.js', 'cli.js']) {
      const notices = readFileSync(join(root, 'dist', `${file}.LICENSES.txt`), 'utf8');
      for (const name of ['zod', 'yaml', 'fast-glob', 'natural']) expect(notices, `${file}: ${name}`).toMatch(new RegExp(`^${name} \\d`, 'm'));
    }
    expect(readFileSync(join(root, 'dist/cli.js.LICENSES.txt'), 'utf8')).toMatch(/^commander \d/m);
  });

  it("stores compromise's word tags exactly as compromise has them, with its version and licence", async () => {
    const stored = JSON.parse(readFileSync(join(root, 'dist/word-tags.json'), 'utf8')) as { compromise: string; lexicon: Record<string, unknown> };
    const nlp = createRequire(import.meta.url)('compromise') as { model(): { one: { lexicon: Record<string, unknown> } } };
    expect(stored.lexicon).toEqual(nlp.model().one.lexicon);
    const { compromiseVersion } = await import('../src/rules/people-words.js');
    expect(stored.compromise).toBe(compromiseVersion());
    expect(readFileSync(join(root, 'dist/word-tags.json.LICENSES.txt'), 'utf8')).toMatch(/MIT|Permission is hereby granted/);
  });

  it('a scan worker classifies words without loading compromise (from the stored tags), and gives the same findings', () => {
    const probe = `
      const m = await import(${JSON.stringify(join(root, 'dist/index.js'))});
      const r = m.scan('spoke w/ son marcus today. he says mum is managing. Discussed With Tayla Morrow.');
      const loaded = Object.keys((await import('node:module')).createRequire(import.meta.url).cache).some((k) => /node_modules[\\/]compromise[\\/]/.test(k));
      console.log(JSON.stringify({ loaded, n: r.findings.length }));`;
    const out = JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', probe], { encoding: 'utf8' }).trim());
    expect(out.loaded).toBe(false);
    expect(out.n).toBeGreaterThan(0);
  });

  it('the CLI loads the HTTP framework and the database client only for the commands that use them', () => {
    const cli = readFileSync(join(root, 'dist/cli.js'), 'utf8');
    for (const name of ['fastify', 'pg', 'pg-boss']) expect(cli, name).toContain(`import("${name}")`);
    expect(cli).not.toMatch(/\/\/ node_modules\/(?:fastify|pg|pg-boss)\//);
  });
});
