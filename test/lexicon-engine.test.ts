import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createScanner, LexiconError, loadLexicons, parseLexiconFile } from '../src/index.js';
import { compileLexicon } from '../src/lexicon/compile.js';
import { matchLexicon } from '../src/lexicon/match.js';
import { checkRegex } from '../src/lexicon/regex-safety.js';
import { leadingPrefixes } from '../src/lexicon/prefilter.js';
import { readRequired } from '../src/lexicon/required.js';
import type { LoadedEntry, LoadedFinding } from '../src/lexicon/schema.js';
import { analyse } from './support/text-vocabulary.js';

const dir = mkdtempSync(join(tmpdir(), 'sgs-lex-'));
const write = (name: string, body: string) => {
  const p = join(dir, name);
  writeFileSync(p, body);
  return p;
};
const entry = (over: Partial<LoadedFinding>): LoadedEntry => ({
  kind: 'finding', id: 'harm/test', category: 'harm', type: 'test', weight: 0.5, source: 'test', file: 'test', examples: { match: [], noMatch: [] }, ...over,
});
const hitsOf = (entries: LoadedEntry[], text: string) => {
  const doc = analyse(text);
  return matchLexicon(doc, compileLexicon(entries)).map((h) => text.slice(doc.norm.starts[h.start], doc.norm.ends[h.end - 1]));
};

describe('matching', () => {
  it('matches terms case-insensitively and across inflections (stems)', () => {
    const e = entry({ terms: ['bruise to arm'] });
    expect(hitsOf([e], 'Bruising to arms noted; BRUISED TO ARM')).toEqual(['Bruising to arms', 'BRUISED TO ARM']);
  });
  it('matches multi-word terms across line breaks, extra spaces and hyphens', () => {
    const e = entry({ terms: ['non accidental injury'] });
    expect(hitsOf([e], 'query non-\r\naccidental   injury')).toHaveLength(1);
  });
  it('matches abbreviations case-sensitively and as whole tokens only', () => {
    const e = entry({ abbreviations: ['DV'] });
    expect(hitsOf([e], 'DV disclosed. DVT left calf. dv/dt. ?DV')).toEqual(['DV', 'DV']);
  });
  it('does not stem when stem: false', () => {
    const e = entry({ terms: ['sectioned'], stem: false });
    expect(hitsOf([e], 'Caesarean section. Was sectioned in 2019.')).toEqual(['sectioned']);
  });
  it('applies near and notNear within the window', () => {
    const e = entry({ abbreviations: [{ abbr: 'CP', near: ['plan', 'conference', 'child protection'], window: 4 }] });
    expect(hitsOf([e], 'Children on a CP plan.')).toEqual(['CP']);
    expect(hitsOf([e], 'CP radiating to jaw, plan ECG.')).toEqual([]);
    const f = entry({ terms: [{ term: 'partner', notNear: ['practice', 'GP'] }] });
    expect(hitsOf([f], 'Discussed with practice partner.')).toEqual([]);
    expect(hitsOf([f], 'Lives with partner.')).toEqual(['partner']);
  });
  it("reads a frame group with opens only where its word opens the clause (the subject left out)", () => {
    const e = entry({ frames: [{ verbs: ['told'], with: [{ words: ['not'], side: 'before', window: 3, clause: true, opens: true }] }] });
    const cases: [string, string[]][] = [
      ['Bloods back. Not told.', ['Not told']],
      ['2) not told yet', ['not told']],
      ['Plan: not told, will ring.', ['not told']],
      ['Wife not told.', []],
      ['Bloods back and not told.', []],
      ['Tried twice - not told', ['not told']],
    ];
    for (const [text, want] of cases) expect(hitsOf([e], text), text).toEqual(want);
    // without opens the same group does not care what stands before it
    const plain = entry({ frames: [{ verbs: ['told'], with: [{ words: ['not'], side: 'before', window: 3, clause: true }] }] });
    expect(hitsOf([plain], 'Wife not told.')).toEqual(['not told']);
  });
  it('reads a notNear word just before a bracket for a hit inside it, however long the list', () => {
    const e = entry({ terms: [{ term: 'syphilis', notNear: ['screen'], window: 3 }] });
    expect(hitsOf([e], 'Infection screen (HIV, hep B, hep C, syphilis) taken.')).toEqual([]);
    // near-misses: the bracket's head is something else; a closed bracket before the hit is passed over
    expect(hitsOf([e], 'Infection (HIV, hep B, hep C, syphilis) treated.')).toEqual(['syphilis']);
    expect(hitsOf([e], 'Screen (HIV) done; later treated for syphilis.')).toEqual(['syphilis']);
  });
  it('runs patterns, also where the prefilter decides where to try them', () => {
    const e = entry({ patterns: ['\\bPHQ-?9 (?:score )?(?:1[5-9]|2[0-7])\\b'] });
    expect(hitsOf([e], 'PHQ-9 score 18 today; PHQ9 4 last year')).toEqual(['PHQ-9 score 18']);
  });
  it('keeps two terms of one entry that share a node with different constraints', () => {
    const e = entry({ terms: [{ term: 'malignancy', near: ['biopsy'] }, { term: 'malignant', near: ['cells'] }] });
    expect(hitsOf([e], 'malignant cells seen')).toEqual(['malignant']);
    expect(hitsOf([e], 'biopsy shows malignancy')).toEqual(['malignancy']);
  });
});

describe('pattern prefilter', () => {
  it('reads the openings of common pattern shapes', () => {
    expect(leadingPrefixes('\\b(?:partner|husband)\\s+hit')).toEqual(['partner ', 'partner\n', 'husband ', 'husband\n']);
    // A short counted repeat is read out in full: one or two digits, then on. Every digit is
    // '0' to the prefilter, so a number's openings are few and read on past it.
    const yrs = leadingPrefixes('\\b\\d{1,2} ?yrs')!;
    expect(yrs).toHaveLength(4);
    expect(yrs).toEqual(expect.arrayContaining(['0 yrs', '0yrs', '00yrs', '00 yrs']));
    expect(leadingPrefixes('\\b(?:19|20)[0-9]{2}s')).toEqual(['0000s']);
    expect(leadingPrefixes('(?:her |his )?mum')).toEqual(['her mum', 'his mum', 'mum']);
  });
  it('gives a prefiltered pattern its global form on first use, the same regex as its sticky form', () => {
    const c = compileLexicon([entry({ patterns: ['\\b(?:partner|husband)\\s+hit', { regex: 'Bad\\s+Thing', caseSensitive: true }, '.ment'] })]);
    const [a, b, z] = c.patterns;
    expect(a.sticky && b.sticky).toBeTruthy();
    expect(z.sticky).toBeUndefined();
    for (const [p, flags] of [[a, 'giu'], [b, 'gu'], [z, 'giu']] as const) {
      expect(p.re.flags).toBe(flags);
      expect(p.re.source).toBe((p.sticky ?? p.re).source);
      expect(p.re).toBe(p.re);
    }
    expect('her partner  hit him'.match(a.re)).toEqual(['partner  hit']);
  });
  it('keeps reading after the short alternatives of a group when long ones stop', () => {
    // "boyfriend" stops at eight characters; "he" carries on into the white space after it.
    expect(leadingPrefixes('\\b(?:boyfriend|he)\\s+hit')).toEqual(['boyfrien', 'he ', 'he\n']);
    expect(leadingPrefixes('(?:ab)+c')).toEqual(['ab']);
    expect(leadingPrefixes('x?y')).toEqual(['xy', 'y']);
    expect(leadingPrefixes('bad$')).toEqual(['bad']);
    expect(leadingPrefixes('ab??c')).toEqual(['abc', 'ac']);
  });
  it('never misses a match: every built-in pattern match at a token start opens with one of its openings', () => {
    const lex = compileLexicon(loadLexicons().entries);
    const texts = lex.entries.flatMap((e) => [...(e.examples?.match ?? []), ...(e.examples?.noMatch ?? [])]);
    for (const f of ['eval/holdout.jsonl', 'eval/blind2.jsonl', 'eval/blind3.jsonl', 'eval/blind4.jsonl', 'eval/blind5.jsonl', 'eval/blind6.jsonl', 'eval/blind7.jsonl', 'eval/blind8.jsonl', 'eval/blind9.jsonl'])
      for (const line of readFileSync(f, 'utf8').split('\n')) if (line.trim()) texts.push(JSON.parse(line).text);
    let checked = 0;
    for (const text of texts) {
      const doc = analyse(text);
      const starts = new Set(doc.tokens.map((t) => t.start));
      // As the prefilter reads text: lower case, every digit '0'.
      const lower = doc.norm.text.toLowerCase().replace(/[0-9]/g, '0');
      for (const p of lex.patterns) {
        if (!p.prefixes) continue;
        p.re.lastIndex = 0;
        for (const m of doc.norm.text.matchAll(p.re)) {
          if (!starts.has(m.index) || m[0].length === 0) continue;
          checked++;
          const ok = p.prefixes.some((x) => lower.startsWith(x, m.index));
          if (!ok) expect.fail(`pattern /${p.re.source}/ matched at a token start without one of its openings`);
        }
      }
    }
    expect(checked).toBeGreaterThan(250); // the check saw real matches
  });
  it('reads past lookbehind guards, and gives up (full scan) where it cannot tell', () => {
    expect(leadingPrefixes('(?<!insulin )units')).toEqual(['units']);
    expect(leadingPrefixes('\\Bx')).toBeUndefined();
    expect(leadingPrefixes('.*x')).toBeUndefined();
  });
});

describe('required literals', () => {
  it('reads the words every match must contain, and how long a match can be', () => {
    const r = readRequired('\\b\\d{1,3} ?(?:day|week|month)s? (?:history|hx)\\b');
    expect(r.clauses).toEqual(expect.arrayContaining([['day', 'month', 'week'], ['history', 'hx']]));
    expect(r.maxLen).toEqual({ fixed: 3 + 1 + 5 + 1 + 1 + 7, runs: 0 });
    // \s+ is one run of white space at most: its length is the document's longest run.
    const son = readRequired('\\b(?:son|daughter)\\s+took\\s+(?:her|his)\\s+money\\b');
    expect(son.clauses).toEqual(expect.arrayContaining([['money'], ['took']]));
    expect(son.maxLen).toEqual({ fixed: 8 + 4 + 3 + 5, runs: 3 });
    // A word both alternatives share is not required of either: only the union is.
    expect(readRequired('(?:hit|punched) (?:him|her)').clauses).toEqual(expect.arrayContaining([['hit', 'punched']]));
  });
  it('requires nothing that a match may leave out or only looks at', () => {
    expect(readRequired('(?:very )?bad').clauses).toEqual([['bad']]);
    expect(readRequired('foo(?=bar)(?<!baz)').clauses).toEqual([['foo']]);
    expect(readRequired('(\\w+) \\1 again').maxLen.fixed).toBe(Infinity); // a back-reference: any length
  });
  it('gives no clause where it cannot prove one, and such a pattern is still tried', () => {
    expect(readRequired('[a-z]+ed|x\\d+').clauses).toEqual([]); // single letters only
    expect(readRequired('(?i:abc)').clauses).toEqual([]); // syntax it does not read
    const e = entry({ patterns: ['\\b\\d+\\s?x\\s?\\d+\\b'] });
    expect(hitsOf([e], 'Two 3 x 4 packs')).toEqual(['3 x 4']);
  });
  it('tries a pattern only where its literals are in reach, and still finds every match', () => {
    const e = entry({ patterns: ['\\b\\d{1,2} ?(?:week|wk)s? (?:history|hx)\\b'] });
    expect(hitsOf([e], '2 week history of cough; 3 days later 4 wk hx; 5 wks   hx')).toEqual(['2 week history', '4 wk hx']);
    // Letters as a case-insensitive Unicode regex reads them: U+212A is a K.
    const k = entry({ patterns: ['\\b(?:daughter|son)\\s+took\\s+(?:her|his)\\s+bank\\s+card'] });
    expect(hitsOf([k], 'Son TOOK his BAN\u212A card.')).toHaveLength(1);
  });
  it('knows how near the start of a match each clause is, however long the match', () => {
    const r = readRequired("(?:her\\s+)?(?:mother|son) (?:said|told)\\b.*");
    expect(r.maxLen.fixed).toBe(Infinity);
    const at = (lits: string[]) => r.reach[r.clauses.findIndex((c) => c.join('|') === lits.join('|'))];
    expect(at(['mother', 'son'])).toEqual({ fixed: 3 + 6, runs: 1 });
    expect(at(['said', 'told'])).toEqual({ fixed: 3 + 6 + 1 + 4, runs: 1 });
    // A pattern opening with a common word is tried only where the word it needs is near.
    const e = entry({ patterns: ["\\b(?:(?:the\\s+patient's|her) )?(?:mother|son)\\b(?: [a-z]+)*"] });
    expect(hitsOf([e], 'Her cat is well. Her son is well and the patient\'s mother too')).toEqual(['Her son is well and the patient', 'mother too']);
  });
  it('never misses a match: every built-in pattern match holds a literal of each clause, within its reach and the length bound', () => {
    const lex = compileLexicon(loadLexicons().entries);
    const texts = lex.entries.flatMap((e) => [...(e.examples?.match ?? []), ...(e.examples?.noMatch ?? [])]);
    for (const f of ['eval/holdout.jsonl', 'eval/blind2.jsonl', 'eval/blind8.jsonl'])
      for (const line of readFileSync(f, 'utf8').split('\n')) if (line.trim()) texts.push(JSON.parse(line).text);
    const fold = (s: string) => s.replace(/\u017f/g, 's').replace(/\u212a/g, 'k').toLowerCase();
    const required = lex.patterns.map((p) => readRequired(p.re.source));
    let checked = 0;
    for (const text of texts) {
      const norm = analyse(text).norm.text;
      const longestSpace = Math.max(0, ...(norm.match(/\s+/g) ?? []).map((x) => x.length));
      for (const [i, p] of lex.patterns.entries()) {
        const r = required[i];
        p.re.lastIndex = 0;
        for (const m of norm.matchAll(p.re)) {
          if (m[0].length === 0) continue;
          checked++;
          const inside = fold(m[0]);
          r.clauses.forEach((c, k) => {
            const near = inside.slice(0, r.reach[k].fixed + r.reach[k].runs * longestSpace);
            if (!c.some((x) => near.includes(x))) expect.fail(`/${p.re.source}/ matched without any of ${c.join('|')} within its reach`);
          });
          expect(m[0].length).toBeLessThanOrEqual(r.maxLen.fixed + r.maxLen.runs * longestSpace);
        }
      }
    }
    expect(checked).toBeGreaterThan(250);
  }, 120_000);
});

describe('ReDoS check', () => {
  it.each(['(a+)+$', '(a|a)*', '(\\w|\\d)+', '([a-z]+)*x', '(a{2,})*'])('refuses %s', (re) => {
    expect(checkRegex(re, 'giu').ok).toBe(false);
  });
  it.each(['PHQ-?9 (?:score )?(?:1[5-9])', 'HIV (?:antibody )?test\\W{1,4}positive', '(ab){1,5}'])('accepts %s', (re) => {
    expect(checkRegex(re, 'giu').ok).toBe(true);
  });
  it('refuses an unsafe pattern at load with the file, entry and field', () => {
    const f = write('redos.yaml', `- id: harm/bad\n  category: harm\n  type: bad\n  weight: 0.5\n  patterns: ['(a+)+$']\n  source: test\n  examples: { match: [a], noMatch: [b] }\n`);
    expect(() => parseLexiconFile(f)).toThrowError(/redos\.yaml:5, entry "harm\/bad", field "patterns\.0": pattern is refused/);
  });
});

describe('loading and errors', () => {
  it('names the file, the entry and the field of a bad entry', () => {
    const f = write('bad.yaml', `- id: harm/ok\n  category: harm\n  type: ok\n  weight: 0.5\n  terms: [x]\n  source: s\n- id: harm/bad\n  category: harm\n  type: bad\n  weight: 7\n  terms: [y]\n  source: s\n`);
    try {
      parseLexiconFile(f);
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(LexiconError);
      const e = err as LexiconError;
      expect(e.entryId).toBe('harm/bad');
      expect(e.field).toBe('weight');
      // The line of the field itself, not only of its entry.
      expect(e.line).toBe(10);
      expect(e.message).toMatch(/bad\.yaml:10, entry "harm\/bad", field "weight"/);
    }
  });
  it('rejects unknown keys, empty terms, duplicate ids and invalid YAML', () => {
    expect(() => parseLexiconFile(write('u.yaml', `- id: harm/u\n  category: harm\n  type: u\n  weight: 0.5\n  terms: [x]\n  source: s\n  colour: red\n`))).toThrow(/colour|Unrecognized/i);
    expect(() => parseLexiconFile(write('e.yaml', `- id: harm/e\n  category: harm\n  type: e\n  weight: 0.5\n  terms: ['  ']\n  source: s\n`))).toThrow(/field "terms\.0"/);
    expect(() => loadLexicons({ files: [write('d.yaml', `- id: harm/d\n  category: harm\n  type: d\n  weight: 0.5\n  terms: [x]\n  source: s\n- id: harm/d\n  category: harm\n  type: d\n  weight: 0.5\n  terms: [y]\n  source: s\n`)] })).toThrow(/used twice/);
    expect(() => parseLexiconFile(write('y.yaml', `- id: [unclosed\n`))).toThrow(/not valid YAML/);
    expect(() => parseLexiconFile(join(dir, 'missing.yaml'))).toThrow(/cannot be read \(ENOENT\)/);
  });
  it('lets a user file add, override and disable built-in entries by id', () => {
    const builtIn = loadLexicons();
    const marac = builtIn.entries.find((e) => /marac/i.test(e.id))!;
    expect(marac).toBeDefined();
    const f = write('user.yaml', [
      `- id: ${marac.id}`, `  disabled: true`,
      `- id: safeguarding/local-term`, `  category: safeguarding`, `  type: local`, `  weight: 0.9`, `  terms: [zebra protocol]`, `  source: local policy`,
      `  examples: { match: [zebra protocol started], noMatch: [zebra crossing] }`,
    ].join('\n'));
    const s = createScanner({ lexicons: [f] });
    expect(s.lexicon.entries.some((e) => e.id === marac.id)).toBe(false);
    expect(s.scan('Zebra protocol started today.').verdict).toBe('withhold');
    expect(s.lexiconVersion).not.toBe(builtIn.version);
  });
  it('tells entries apart by what they are for: a finding entry with a context modifier is refused', () => {
    const f = write('mixed.yaml', `- id: harm/mixed\n  category: harm\n  type: mixed\n  weight: 0.5\n  terms: [x]\n  source: s\n  modifier: negated\n  direction: forward\n  window: 3\n`);
    expect(() => parseLexiconFile(f)).toThrow(/entry "harm\/mixed".*unknown key "modifier", "direction", "window"/);
    const none = write('none.yaml', `- id: harm/what\n  terms: [x]\n  source: s\n`);
    expect(() => parseLexiconFile(none)).toThrow(/field "kind": say what the entry is for/);
  });
  it('reports every problem of a file at once, each with its line, entry and field', () => {
    const f = write('many.yaml', [
      '- id: harm/one', '  category: harm', '  type: one', '  weight: 2', '  terms: [x]', '  source: s',
      '- id: harm/two', '  category: harm', '  type: Two Words', '  weight: 0.5', '  terms: [y]',
      '- id: context/three', '  use: context', '  modifier: negated', '  terms: [z]', '  source: s',
    ].join('\n'));
    try {
      parseLexiconFile(f);
      expect.unreachable();
    } catch (err) {
      const e = err as LexiconError;
      const where = e.problems.map((p) => `${p.line} ${p.entryId} ${p.field}`);
      expect(where).toEqual(['4 harm/one weight', '7 harm/two source', '9 harm/two type', '12 context/three direction']);
      expect(e.message).toMatch(/^4 problems:/);
    }
  });
  it('refuses an override that would put a withhold-level built-in entry below withhold, and allows switching it off', () => {
    const da = loadLexicons().entries.find((e) => e.id === 'safeguarding/domestic-abuse') as LoadedFinding;
    expect(da.weight).toBeGreaterThanOrEqual(0.7);
    const weaker = write('weaker.yaml', `- id: safeguarding/domestic-abuse\n  category: safeguarding\n  type: domestic-abuse\n  weight: 0.3\n  terms: [domestic abuse]\n  source: local\n`);
    expect(() => loadLexicons({ files: [weaker] })).toThrow(/weaker\.yaml:4, entry "safeguarding\/domestic-abuse", field "weight": would put a finding that POLICY\.md places at withhold below withhold/);
    const moved = write('moved.yaml', `- id: safeguarding/domestic-abuse\n  category: sensitive\n  type: domestic-abuse\n  weight: 0.9\n  terms: [domestic abuse]\n  source: local\n`);
    expect(() => loadLexicons({ files: [moved] })).toThrow(/field "category"/);
    const off = write('off.yaml', `- id: safeguarding/domestic-abuse\n  disabled: true\n`);
    const set = loadLexicons({ files: [off] });
    expect(set.entries.some((e) => e.id === 'safeguarding/domestic-abuse')).toBe(false);
    expect(set.disabled.map((d) => d.id)).toEqual(['safeguarding/domestic-abuse']);
  });
  it('errors when a lexicon path matches no file', () => {
    expect(() => createScanner({ lexicons: [join(dir, 'nothing-*.yaml')] })).toThrow(/no lexicon file/);
  });
});

describe('the documented example of a practice lexicon', () => {
  it('loads with the built-ins, overrides and disables by id, and its examples pass', async () => {
    const { runLexiconExamples } = await import('../src/authoring/examples.js');
    const set = loadLexicons({ files: ['docs/example-lexicon.yaml'] });
    expect(set.entries.some((e) => e.id === 'thirdParty/friend')).toBe(false);
    expect((set.entries.find((e) => e.id === 'sensitive/cancer-abbreviation') as LoadedFinding | undefined)?.weight).toBe(0.45);
    const own = runLexiconExamples(set.entries, (e) => e.file.endsWith('example-lexicon.yaml'));
    expect(own.length).toBe(8);
    expect(own.filter((o) => !o.pass)).toEqual([]);
  });
});

describe('term keys', () => {
  it('the fast path for plain lower-case terms gives the tokeniser\'s keys, for every built-in term', async () => {
    const { termKeys, matchTokens, keyOf } = await import('../src/lexicon/compile.js');
    const { loadLexicons } = await import('../src/lexicon/load.js');
    const set = loadLexicons();
    let simple = 0;
    for (const e of set.entries)
      for (const t of e.terms ?? []) {
        const term = typeof t === 'string' ? t : t.term;
        for (const stemmed of [true, false]) expect(termKeys(term, stemmed), term).toEqual(matchTokens(term).map((k) => keyOf(k, stemmed)));
        if (/^[a-z]+(?: [a-z]+)*$/.test(term)) simple++;
      }
    expect(simple).toBeGreaterThan(1000);
  });
});

describe('built-in lexicon files', () => {
  it('are listed as the glob *.{yaml,yml,json} lists them: no dot files, no folders, symlinked files followed, sorted', async () => {
    const fg = (await import('fast-glob')).default;
    const { builtinFiles, builtinLexiconDir } = await import('../src/lexicon/load.js');
    const { mkdirSync, symlinkSync } = await import('node:fs');
    const dir = mkdtempSync(join(tmpdir(), 'sgs-lexdir-'));
    for (const f of ['b.yaml', 'a.yml', 'c.json', '.hidden.yaml', 'notes.txt', 'UPPER.YAML', 'z.yaml.bak']) writeFileSync(join(dir, f), '[]\n');
    mkdirSync(join(dir, 'folder.yaml'));
    symlinkSync(join(dir, 'b.yaml'), join(dir, 'link.yaml'));
    symlinkSync(join(dir, 'missing.yaml'), join(dir, 'dangling.yaml'));
    const glob = (d: string) => fg.sync('*.{yaml,yml,json}', { cwd: d, absolute: true }).sort();
    expect(builtinFiles(dir)).toEqual(glob(dir));
    expect(builtinFiles(dir).map((f) => f.slice(dir.length + 1))).toEqual(['a.yml', 'b.yaml', 'c.json', 'link.yaml']);
    expect(builtinFiles(builtinLexiconDir())).toEqual(glob(builtinLexiconDir()));
  });
});
