import { describe, expect, it } from 'vitest';
import { loadPolicyExamples, runPolicyExamples } from '../src/authoring/policy.js';
import { createScanner } from '../src/index.js';

// POLICY.md's worked examples and borderline rows (policy/examples.yaml, shipped with the
// package): the behaviour the product promises. The built-in lexicons give POLICY's verdict on
// every row exactly; `lexicon test` holds a user's lexicons to "never less strict".
const scanner = createScanner();
const outcomes = runPolicyExamples(scanner);

describe('POLICY.md worked examples and borderline rows', () => {
  it('covers every worked example of POLICY.md', () => {
    expect(loadPolicyExamples().filter((e) => e.row.startsWith('worked example'))).toHaveLength(14);
  });
  for (const o of outcomes) {
    it(`${o.example.verdict}: ${o.example.text.slice(0, 70)}`, () => {
      expect(o.got, o.example.row).toBe(o.example.verdict);
    });
  }
});
