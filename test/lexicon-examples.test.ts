import { describe, expect, it } from 'vitest';
import { loadLexicons } from '../src/lexicon/load.js';
import { runLexiconExamples } from '../src/authoring/examples.js';

// Every built-in lexicon entry's examples, one test each, named by entry id.
const set = loadLexicons();
const outcomes = runLexiconExamples(set.entries);

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
