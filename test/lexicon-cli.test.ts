import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCliInProcess } from './batch-helpers.js';

// The lexicon commands' logic, in this process: a subprocess would add only node's start-up.
const root = resolve(__dirname, '..');
const cli = async (args: string[], cwd = root) => {
  const r = await runCliInProcess(args, { cwd });
  return { code: r.code, out: r.stdout, err: r.stderr };
};
const dir = mkdtempSync(join(tmpdir(), 'sgs-lexcli-'));
const file = (name: string, body: string) => {
  const p = join(dir, name);
  writeFileSync(p, body);
  return p;
};

describe('safeguard-scan lexicon test', () => {
  it('passes the built-in lexicons (exit 0, with counts)', async () => {
    const r = await cli(['lexicon', 'test']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/\d+ passed, 0 failed/);
    expect(r.out).toMatch(/POLICY rows: \d+ as POLICY says, 0 laxer, 0 stricter/);
  });
  it('fails a user file whose example does not hold, naming the entry, the example and what was found', async () => {
    const f = file('wrong.yaml', [
      '- id: harm/local-wrong', '  category: harm', '  type: local', '  weight: 0.5', '  terms: [blue folder]', '  source: local',
      '  examples:', '    match: ["Placed in the blue folder.", "Put in the red folder."]', '    noMatch: ["No folder.", "Blue folders ordered."]',
    ].join('\n'));
    const r = await cli(['lexicon', 'test', f]);
    expect(r.code).toBe(1);
    expect(r.err).toContain('harm/local-wrong');
    expect(r.err).toContain('Put in the red folder.');
    expect(r.err).toContain('no hit');
    expect(r.err).toContain('Blue folders ordered.');
    expect(r.err).toMatch(/hit at "Blue folders"/);
    expect(r.out).toMatch(/\d+ passed, 2 failed/);
  });
  it('exits 2 with file, entry and field for a malformed file', async () => {
    const f = file('bad.yaml', '- id: harm/bad\n  category: harm\n  type: bad\n  weight: high\n  terms: [x]\n  source: s\n');
    const r = await cli(['lexicon', 'test', f]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/bad\.yaml:4, entry "harm\/bad", field "weight"/);
  });
});

describe('lexicon test holds the lexicons in force to POLICY.md', () => {
  it('fails (exit 1), naming each row, when switched-off entries let an affirmed disclosure through; --allow-laxer lets a reviewed change pass', async () => {
    const f = file('off.yaml', ['safeguarding/marac', 'safeguarding/physical-violence-by-partner-or-family', 'safeguarding/idva-isva-sarc-referral'].map((id) => `- id: ${id}\n  disabled: true`).join('\n'));
    const r = await cli(['lexicon', 'test', f]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/LAXER POLICY row "worked example \(affirmed domestic abuse\)": "Disclosed that partner hit her last week\. .*" -> (visible|review), POLICY says withhold/);
    expect(r.out).toMatch(/POLICY rows: \d+ as POLICY says, [1-9]\d* laxer/);
    const allowed = await cli(['lexicon', 'test', f, '--allow-laxer']);
    expect(allowed.code).toBe(0);
    expect(allowed.err).toMatch(/LAXER \(allowed\)/);
  });
});

describe('safeguard-scan lexicon lint and stats', () => {
  it('the built-in lexicons lint clean', async () => {
    const r = await cli(['lexicon', 'lint']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/0 errors, 0 warnings/);
  });
  it('reports duplicate terms across entries and entries without examples', async () => {
    const f = file('dup.yaml', [
      '- id: harm/dup-a', '  category: harm', '  type: a', '  weight: 0.5', '  terms: [green file]', '  source: s', '  examples: { match: ["green file", "a green file"], noMatch: [x, y] }',
      '- id: harm/dup-b', '  category: harm', '  type: b', '  weight: 0.5', '  terms: [green files]', '  source: s',
    ].join('\n'));
    const r = await cli(['lexicon', 'lint', f]);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/harm\/dup-b .*also in harm\/dup-a/);
    expect(r.out).toMatch(/harm\/dup-b examples: entry has no examples/);
  });
  it('warns, naming each, when a user file switches off or weakens built-in safeguarding, harm or third-party entries', async () => {
    const f = file('laxer.yaml', [
      '- id: safeguarding/marac', '  disabled: true',
      '- id: thirdParty/partner', '  disabled: true',
      '- id: safeguarding/domestic-abuse', '  category: safeguarding', '  type: domestic-abuse', '  weight: 0.75', '  terms: [domestic abuse]', '  source: local',
      '  examples: { match: ["domestic abuse disclosed", "hx of domestic abuse"], noMatch: ["domestic cleaner", "abuse of inhaler"] }',
    ].join('\n'));
    const r = await cli(['lexicon', 'lint', f]);
    expect(r.out).toMatch(/warning .*laxer\.yaml safeguarding\/marac disabled: switches off the built-in safeguarding entry/);
    expect(r.out).toMatch(/warning .*laxer\.yaml thirdParty\/partner disabled: switches off the built-in thirdParty entry/);
    expect(r.out).toMatch(/warning .*safeguarding\/domestic-abuse weight: weakens the built-in safeguarding entry: weight 0\.85 -> 0\.75/);
    expect(r.out).toMatch(/warning .*safeguarding\/domestic-abuse terms: weakens the built-in safeguarding entry: \d+ of its \d+ terms/);
  });
  it('stats prints entries and terms per category', async () => {
    const r = await cli(['lexicon', 'stats']);
    expect(r.code).toBe(0);
    for (const c of ['thirdParty', 'safeguarding', 'sensitive', 'harm', 'total']) expect(r.out).toMatch(new RegExp(`^${c}\\s+\\d+\\s+\\d+`, 'm'));
  });
});
