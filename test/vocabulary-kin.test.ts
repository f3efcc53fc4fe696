import { describe, expect, it } from 'vitest';
import { loadLexicons } from '../src/lexicon/load.js';

// The relationship findings (third-party.yaml) and the {relative} vocabulary (identifiers.yaml)
// are two lists of the same family. Frames ("{abuser} takes her bank card") and the identifier
// rules ("stepson's number 07700 ...") read {relative}; when a kin word was added to a
// relationship entry only, those missed it ("his stepson has taken control of his pension").
const KIN = [
  'partner', 'spouse', 'boyfriend-girlfriend', 'ex-partner', 'parent', 'step-parent', 'grandparent', 'grandchild',
  'son-daughter', 'children', 'sibling', 'extended-family', 'foster-adoptive',
].map((t) => `thirdParty/${t}`);

const set = loadLexicons();
const relative = new Set(
  (set.entries.find((e) => e.id === 'vocab/relative') as { terms: string[] }).terms.map((t) => t.toLowerCase()),
);
/** A possessive ("son's") or a template ("{possessive-pronoun} child") is the same word by other means. */
const plainWord = (t: unknown): t is string => typeof t === 'string' && !/'s?$|s'$|\{/.test(t);
/** "new partner", "legal guardian": a kin word with a modifier before it is covered by the kin word. */
const covered = (t: string) => relative.has(t.toLowerCase()) || relative.has(t.toLowerCase().split(' ').slice(1).join(' '));

describe('{relative} knows every kin word of the relationship entries', () => {
  it.each(KIN)('%s', (id) => {
    const entry = set.entries.find((e) => e.id === id) as { terms?: unknown[] } | undefined;
    expect(entry, `${id} exists`).toBeDefined();
    const missing = (entry!.terms ?? []).filter(plainWord).filter((t) => !covered(t));
    expect(missing, `add to vocab/relative in lexicons/identifiers.yaml`).toEqual([]);
  });
  it('catches a kin word missing from {relative}', () => {
    expect(covered('stepson')).toBe(true);
    expect(covered('legal guardian')).toBe(true);
    expect(covered('pen pal')).toBe(false);
  });
});
