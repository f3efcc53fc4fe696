import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compileLexicon } from '../src/lexicon/compile.js';
import { matchLexicon } from '../src/lexicon/match.js';
import { buildStoredLexicon, loadLexicons, storedBuiltin, storedLexiconPath } from '../src/lexicon/load.js';
import type { LoadedEntry } from '../src/lexicon/schema.js';
import { restoreLexicon, storeLexicon, type StoredLexicon } from '../src/lexicon/stored.js';
import { analyse } from '../src/text/index.js';
import { createScanner } from '../src/scanner/create.js';

// The build compiles the built-in lexicons and stores the result (dist/builtin-compiled.json);
// a scanner with the built-in lexicons reads it back instead of compiling them at every start.

/** The top-level fields of two stored lexicons that differ (JSON text compared: the store is JSON). */
const differing = (a: StoredLexicon, b: StoredLexicon) =>
  Object.keys({ ...a, ...b }).filter((k) => JSON.stringify(a[k as keyof StoredLexicon]) !== JSON.stringify(b[k as keyof StoredLexicon]));

describe('stored built-in lexicons', () => {
  it('the build output is the lexicon files compiled now: an edited lexicon or compiler without a rebuild fails here', () => {
    // npm test builds first; a stale store would also never be used for edited files (content hash), but must not ship.
    expect(existsSync(storedLexiconPath()), 'run npm run build').toBe(true);
    const built = JSON.parse(readFileSync(storedLexiconPath(), 'utf8')) as StoredLexicon;
    expect(differing(buildStoredLexicon(), built), 'dist/builtin-compiled.json is stale: run npm run build').toEqual([]);
  });

  it('restores what was compiled: storing the restored lexicon gives the store back', () => {
    const set = loadLexicons();
    const stored = storeLexicon(compileLexicon(set.entries), set.version);
    const restored = restoreLexicon(set.entries, stored);
    expect(differing(storeLexicon(restored, set.version), stored)).toEqual([]);
    // The trie of Maps, made on request from the flat table, is the compiled one.
    expect(restored.root).toEqual(compileLexicon(set.entries).root);
  });

  it('a restored lexicon matches as the compiled one does', () => {
    const set = loadLexicons();
    const compiled = compileLexicon(set.entries);
    const restored = restoreLexicon(set.entries, storeLexicon(compiled, set.version));
    const texts = compiled.entries.flatMap((e) => [...(e.examples?.match ?? []), ...(e.examples?.noMatch ?? [])]);
    expect(texts.length).toBeGreaterThan(500);
    for (const text of texts) {
      const doc = analyse(text, compiled.text);
      expect(matchLexicon(analyse(text, restored.text), restored), text).toEqual(matchLexicon(doc, compiled));
    }
  });

  it("keeps every option of a frame's groups (a group option the store drops would match more, not less)", () => {
    const entries: LoadedEntry[] = loadLexicons().entries.filter((e) => e.kind === 'vocabulary');
    const frame = {
      kind: 'finding', id: 'harm/test-frame', category: 'harm', type: 'test', weight: 0.5, source: 'test', file: 'test', examples: { match: [], noMatch: [] },
      frames: [{ verbs: ['told'], with: [{ words: ['not'], side: 'before', window: 3, clause: true, gap: ['yet'], opens: true }], unless: [{ words: ['wife'], side: 'before', window: 4 }] }],
    } as LoadedEntry;
    const compiled = compileLexicon([...entries, frame]);
    const restored = restoreLexicon([...entries, frame], storeLexicon(compiled, 'test'));
    // each text turns on one option: opens, gap, clause, side, window, unless
    for (const text of ['Not yet told.', 'Husband not told.', 'Not sure, told.', 'Told, not.', 'Not a b c told.', 'Wife: not told.', 'Bloods back. Not told.']) {
      expect(matchLexicon(analyse(text, restored.text), restored).length, text).toBe(matchLexicon(analyse(text, compiled.text), compiled).length);
    }
    expect(matchLexicon(analyse('Husband not told.', restored.text), restored)).toEqual([]);
  });

  it('is used for the built-in set alone: user entries are compiled with the built-in ones', () => {
    expect(storedBuiltin(loadLexicons())).toBeDefined();
    const entries = [{ id: 'test/extra', category: 'sensitive', type: 'extra', weight: 0.5, terms: ['zzyzx'], source: 'test', examples: { match: ['zzyzx'], noMatch: ['no'] } }];
    const mine = createScanner({ entries });
    expect(storedBuiltin(mine.lexicon)).toBeUndefined();
    expect(mine.scan('History of zzyzx.').findings.map((f) => f.ruleId)).toContain('test/extra');
  });
});
