import { describe, expect, it } from 'vitest';
import { loadLexicons } from '../src/lexicon/load.js';
import { runLexiconExamples, runRuleExamples } from '../src/authoring/examples.js';
import { defaultScanner } from '../src/scanner/index.js';

// Every built-in lexicon entry's examples, one test each, named by entry id.
const set = loadLexicons();
const outcomes = runLexiconExamples(set.entries);
// Every rule written in code (identifiers, people, second-stage and document rules): its examples through the scanner's pipeline.
const scanner = defaultScanner();
const ruleOutcomes = runRuleExamples(scanner);

describe('built-in lexicon examples', () => {
  it('has examples to run', () => {
    expect(outcomes.length).toBeGreaterThan(50);
  });
  for (const o of outcomes) {
    it(`${o.entryId} ${o.kind}[${o.index}]: ${o.example.slice(0, 60)}`, () => {
      expect(o.pass, `${o.file} ${o.entryId} ${o.kind} ${JSON.stringify(o.example)} -> ${o.detail}`).toBe(true);
    });
  }
});

describe('rule registry', () => {
  it('every rule written in code declares meta and at least one example each way', () => {
    const code = scanner.registry.rules.filter((r) => r.origin === 'code');
    expect(code.map((r) => r.meta.id).sort()).toEqual([
      'detector/person-name',
      'detector/third-party-health',
      'detector/third-party-information',
      'document/referred-on',
      'document/ruled-out',
      'document/undisclosed-serious-diagnosis',
      'identifier/date-of-birth',
      'identifier/email',
      'identifier/nhs-number',
      'identifier/ni-number',
      'identifier/phone',
      'identifier/postcode',
    ]);
    for (const r of code) {
      expect(r.meta.description.length, r.meta.id).toBeGreaterThan(20);
      expect(r.examples.match.length, r.meta.id).toBeGreaterThan(0);
      expect(r.examples.noMatch.length, r.meta.id).toBeGreaterThan(0);
    }
  });
  it('every lexicon finding entry is a rule too, and ids are unique', () => {
    const ids = scanner.registry.rules.map((r) => r.meta.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(scanner.registry.rules.filter((r) => r.origin === 'lexicon').length).toBe(scanner.lexicon.entries.filter((e) => e.kind === 'finding').length);
  });
  it('every finding the scanner reports on the examples comes from a registered rule', () => {
    const texts = [...set.entries.flatMap((e) => e.examples?.match ?? []), ...ruleOutcomes.map((o) => o.example)];
    for (const t of texts) for (const f of scanner.scan(t.replace(/\[\[|\]\]/g, '')).findings) expect(scanner.registry.byId.has(f.ruleId), f.ruleId).toBe(true);
  });
  for (const o of ruleOutcomes) {
    it(`${o.entryId} ${o.kind}[${o.index}]: ${o.example.slice(0, 60)}`, () => {
      expect(o.pass, `${o.entryId} ${o.kind} ${JSON.stringify(o.example)} -> ${o.detail}`).toBe(true);
    });
  }
});
