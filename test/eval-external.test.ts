/**
 * The external-set scorers (scripts/eval-*.ts) count what they claim to count. Invented fixtures
 * with known answers check the arithmetic; small samples of the real sets (when ../shared is
 * present) check that the parsers read them and the counts are consistent. Nothing here asserts
 * how well the scanner does: those figures are measured by `npm run eval -- --negex ...`.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { createScanner } from '../src/scanner/index.js';
import type { ContextResult, Finding, ScanResult } from '../src/model/index.js';
import { inSplit, parseSplit, prf, UsageError } from '../scripts/eval-external.js';
import { locate, parseNegex, scoreNegex, MODIFIERS } from '../scripts/eval-negex.js';
import { checkOffsets, parsePhrases, parseRecords, readPhysionet, scorePhysionet } from '../scripts/eval-physionet.js';
import {
  cleanTerm,
  parseCodelist,
  prepareTerms,
  readScope,
  runCodelists,
  scoreList,
  type ListSpec,
  type Scope,
} from '../scripts/eval-codelists.js';
import { runExternal } from '../scripts/eval-run-external.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const shared = resolve(root, '../shared');
const negexFile = join(shared, 'eval/external/negex-dev.tsv');
const physionetDir = join(shared, 'eval/external/physionet-dev');
const codelistDir = join(shared, 'data/codelists');
const scanner = createScanner();

const ctx = (over: Partial<ContextResult> = {}): ContextResult => ({
  negated: false, uncertain: false, hypothetical: false, historical: false, experiencer: 'patient', triggers: [], ...over,
});
const finding = (category: Finding['category'], start: number, end: number, mods: Partial<Finding['modifiers']> = {}): Finding => ({
  category, type: 't', ruleId: `${category}/t`, start, end, score: 0.5, triggers: [],
  modifiers: { negated: false, uncertain: false, hypothetical: false, historical: false, experiencer: 'patient', ...mods },
});
const result = (findings: Finding[]): ScanResult => ({
  verdict: 'visible', score: 0, findings, reasons: [], lexiconVersion: 'test',
  categories: { thirdParty: { score: 0, count: 0 }, safeguarding: { score: 0, count: 0 }, sensitive: { score: 0, count: 0 }, harm: { score: 0, count: 0 } },
});

describe('shared arithmetic', () => {
  it('precision, recall and F1 from counts, n/a when undefined', () => {
    expect(prf({ tp: 1, fp: 2, fn: 0, tn: 5 })).toEqual({ precision: 1 / 3, recall: 1, f1: 0.5 });
    expect(prf({ tp: 0, fp: 0, fn: 3, tn: 1 })).toEqual({ precision: null, recall: 0, f1: null });
    expect(prf({ tp: 0, fp: 2, fn: 3, tn: 1 })).toEqual({ precision: 0, recall: 0, f1: 0 });
  });
  it('split a is odd positions, b even, none all', () => {
    expect([1, 2, 3, 4].filter((i) => inSplit(i, 'a'))).toEqual([1, 3]);
    expect([1, 2, 3, 4].filter((i) => inSplit(i, 'b'))).toEqual([2, 4]);
    expect([1, 2, 3, 4].filter((i) => inSplit(i))).toEqual([1, 2, 3, 4]);
    expect(parseSplit(['--split', 'b'])).toBe('b');
    expect(() => parseSplit(['--split', 'c'])).toThrow(UsageError);
    expect(() => parseSplit(['--split'])).toThrow(UsageError);
  });
});

// invented sentences; row 5's condition is not in its sentence
const NEGEX_FIXTURE = [
  'line number\tCondition\tsentence\tnegation_status\ttemporality\texperiencer',
  '1\tcough\tNo cough today.\tNegated\tRecent\tPatient',
  '2\trash\tHistory of rash.\tAffirmed\tHistorical\tPatient',
  '3\tfever\tCall if FEVER develops.\tAffirmed\tNot particular\tPatient',
  '4\tasthma\tMother has asthma.\tAffirmed\tRecent\tFamily member',
  '5\twheeze\tChest clear.\tAffirmed\tRecent\tPatient',
  '6\tpain\tPain in knee, no swelling.\tAffirmed\tRecent\tPatient',
  '',
].join('\n');

// what a fake detectContext answers per sentence: row 1 negation TP; row 2 historical FN;
// row 3 hypothetical TP and negation FP; row 4 experiencer TP; row 6 negation FP
const FAKE: Record<string, ContextResult> = {
  'No cough today.': ctx({ negated: true }),
  'History of rash.': ctx(),
  'Call if FEVER develops.': ctx({ hypothetical: true, negated: true }),
  'Mother has asthma.': ctx({ experiencer: 'family' }),
  'Pain in knee, no swelling.': ctx({ negated: true, uncertain: true }),
};

describe('NegEx scorer', () => {
  it('parses the set and locates the condition case-insensitively, first occurrence', () => {
    const rows = parseNegex(NEGEX_FIXTURE);
    expect(rows.map((r) => r.line)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(rows[3].experiencer).toBe('Family member');
    expect(locate('Call if FEVER develops.', 'fever')).toEqual({ start: 8, end: 13 });
    expect(locate('a pain, more pain', 'PAIN')).toEqual({ start: 2, end: 6 });
    expect(locate('a+b (c)', 'b (c')).toEqual({ start: 2, end: 6 });
    expect(locate('Chest clear.', 'wheeze')).toBeUndefined();
    expect(() => parseNegex('a\tb\n')).toThrow(/header/);
    expect(() => parseNegex(NEGEX_FIXTURE.replace('6\tpain', '6\tpain\textra'))).toThrow(/7 columns/);
  });

  it('counts TP, FP and FN per modifier and leaves out rows whose condition is missing', () => {
    const spans: string[] = [];
    const rep = scoreNegex(parseNegex(NEGEX_FIXTURE), (text, span) => {
      spans.push(text.slice(span.start, span.end));
      return FAKE[text];
    });
    expect(spans).toEqual(['cough', 'rash', 'FEVER', 'asthma', 'Pain']);
    expect(rep.rows).toBe(6);
    expect(rep.scored).toBe(5);
    expect(rep.notFound).toEqual([5]);
    expect(rep.uncertain).toBe(1);
    const n = rep.modifiers.negation;
    expect([n.tp, n.fp, n.fn, n.tn, n.gold, n.predicted]).toEqual([1, 2, 0, 2, 1, 3]);
    expect(n.fpRows).toEqual([3, 6]);
    expect(n.precision).toBeCloseTo(1 / 3);
    expect(n.recall).toBe(1);
    expect(n.f1).toBeCloseTo(0.5);
    const h = rep.modifiers.historical;
    expect([h.tp, h.fp, h.fn]).toEqual([0, 0, 1]);
    expect(h.fnRows).toEqual([2]);
    expect(h.precision).toBeNull();
    expect(h.recall).toBe(0);
    expect([rep.modifiers.hypothetical.tp, rep.modifiers.hypothetical.fp, rep.modifiers.hypothetical.fn]).toEqual([1, 0, 0]);
    expect([rep.modifiers.experiencer.tp, rep.modifiers.experiencer.fp, rep.modifiers.experiencer.fn]).toEqual([1, 0, 0]);
  });

  it('split a scores odd lines, b even lines', () => {
    const rows = parseNegex(NEGEX_FIXTURE);
    const a = scoreNegex(rows, (t) => FAKE[t], 'a');
    const b = scoreNegex(rows, (t) => FAKE[t], 'b');
    expect([a.rows, a.scored, a.notFound]).toEqual([3, 2, [5]]);
    expect([b.rows, b.scored, b.notFound]).toEqual([3, 3, []]);
    expect(a.modifiers.negation.fpRows).toEqual([3]);
    expect(b.modifiers.negation.fpRows).toEqual([6]);
  });

  describe.runIf(existsSync(negexFile))('on the first 50 rows of the dev half', () => {
    const rows = parseNegex(readFileSync(negexFile, 'utf8')).slice(0, 50);
    it('runs with the real detectContext and its counts add up', () => {
      const whole = scoreNegex(rows, scanner.detectContext);
      expect(whole.rows).toBe(50);
      expect(whole.scored + whole.notFound.length).toBe(50);
      for (const m of MODIFIERS) {
        const s = whole.modifiers[m];
        expect(s.tp + s.fp + s.fn + s.tn).toBe(whole.scored);
        expect(s.tp + s.fn).toBe(s.gold);
        expect(s.tp + s.fp).toBe(s.predicted);
      }
      const a = scoreNegex(rows, scanner.detectContext, 'a');
      const b = scoreNegex(rows, scanner.detectContext, 'b');
      for (const m of MODIFIERS) for (const k of ['tp', 'fp', 'fn'] as const) expect(a.modifiers[m][k] + b.modifiers[m][k]).toBe(whole.modifiers[m][k]);
    });
  });
});

// invented notes: offsets counted by hand
const RECORDS = [
  'START_OF_RECORD=1||||1||||',
  'Pt seen with wife Jane Doe. Dr Smith reviewed.',
  '||||END_OF_RECORD',
  'START_OF_RECORD=1||||2||||',
  'Call son Bob at 555.',
  '||||END_OF_RECORD',
  'START_OF_RECORD=3||||1||||',
  'Daughter Ann visited.',
  '||||END_OF_RECORD',
  '',
].join('\n');
const PHRASES = [
  '1 1 18 22 RelativeProxyName Jane',
  '1 1 23 26 RelativeProxyName Doe',
  '1 1 31 36 HCPName Smith',
  '1 2 9 12 RelativeProxyName Bob',
  '3 1 9 12 RelativeProxyName Ann',
  '',
].join('\n');
const FAKE_SCAN: Record<string, Finding[]> = {
  // Jane Doe found by one span; Smith (a clinician) reported too
  'Pt seen with wife Jane Doe. Dr Smith reviewed.\n': [finding('thirdParty', 18, 26), finding('thirdParty', 31, 36), finding('sensitive', 0, 2)],
  // Bob only by a negated finding: found, not affirmed
  'Call son Bob at 555.\n': [finding('thirdParty', 9, 12, { negated: true })],
  // Ann: only a finding of another category
  'Daughter Ann visited.\n': [finding('sensitive', 9, 12)],
};

describe('PhysioNet scorer', () => {
  it('reads records after their header line and checks the gold offsets', () => {
    const notes = parseRecords(RECORDS);
    expect(notes.map((n) => [n.id, n.index])).toEqual([['1-1', 1], ['1-2', 2], ['3-1', 3]]);
    expect(notes[0].text.slice(18, 22)).toBe('Jane');
    const gold = parsePhrases(PHRASES);
    expect(gold[0]).toEqual({ patient: '1', note: '1', start: 18, end: 22, type: 'RelativeProxyName', phrase: 'Jane' });
    expect(checkOffsets(notes, gold)).toMatchObject({ total: 5, withPhrase: 5, exact: 5, mismatched: [], outOfRange: [], noNote: [] });
    const bad = parsePhrases('1 1 0 2 Other Xy\n1 9 0 2 Other Pt\n1 2 0 99 Other Call\n3 1 3 4 Date');
    expect(checkOffsets(notes, bad)).toMatchObject({ total: 4, withPhrase: 1, exact: 0, mismatched: ['1-1@0-2'], outOfRange: ['1-2@0-99'], noNote: ['1-9@0-2'] });
    expect(bad[3].phrase).toBeUndefined();
    expect(() => parsePhrases('1 1 5 2 Date x')).toThrow(/not after/);
    expect(() => parsePhrases('garbage')).toThrow(/line 1/);
  });

  it('counts a gold name as reported when a thirdParty finding overlaps it', () => {
    const notes = parseRecords(RECORDS);
    const gold = parsePhrases(PHRASES);
    const rep = scorePhysionet(notes, gold, (t) => result(FAKE_SCAN[t]));
    const rel = rep.types.find((t) => t.type === 'RelativeProxyName')!;
    const hcp = rep.types.find((t) => t.type === 'HCPName')!;
    expect([rel.total, rel.overlapped, rel.overlappedAffirmed]).toEqual([4, 3, 2]);
    expect(rel.misses.map((m) => `${m.id}@${m.start}-${m.end}`)).toEqual(['3-1@9-12']);
    expect(rel.misses[0].rules).toEqual(['sensitive:sensitive/t']);
    expect([hcp.total, hcp.overlapped]).toEqual([1, 1]);
    expect(rep.types.find((t) => t.type === 'PTName')!.total).toBe(0);
    expect([rep.notes, rep.phrases, rep.thirdPartyFindings]).toEqual([3, 5, 3]);
    expect(rep.types.map((t) => t.type).slice(0, 3)).toEqual(['RelativeProxyName', 'HCPName', 'PTName']);
  });

  it('splits by the note position in the file', () => {
    const notes = parseRecords(RECORDS);
    const gold = parsePhrases(PHRASES);
    const a = scorePhysionet(notes, gold, (t) => result(FAKE_SCAN[t]), 'a');
    const b = scorePhysionet(notes, gold, (t) => result(FAKE_SCAN[t]), 'b');
    expect(a.notes).toBe(2);
    expect(a.types.find((t) => t.type === 'RelativeProxyName')).toMatchObject({ total: 3, overlapped: 2 });
    expect(b.types.find((t) => t.type === 'RelativeProxyName')).toMatchObject({ total: 1, overlapped: 1, overlappedAffirmed: 0 });
  });

  describe.runIf(existsSync(join(physionetDir, 'id.text')))('on the first 20 notes of the dev half', () => {
    it('reads them, their offsets match the gold text, and the counts add up', () => {
      const { notes, gold } = readPhysionet(physionetDir);
      const sample = notes.slice(0, 20);
      const ids = new Set(sample.map((n) => n.id));
      const sampleGold = gold.filter((g) => ids.has(`${g.patient}-${g.note}`));
      expect(sampleGold.length).toBeGreaterThan(0);
      const off = checkOffsets(sample, sampleGold);
      expect(off.exact + off.whitespace).toBe(off.withPhrase);
      expect([off.mismatched, off.outOfRange, off.noNote]).toEqual([[], [], []]);
      const rep = scorePhysionet(sample, sampleGold, (t) => scanner.scan(t, { kind: 'entry' }));
      expect(rep.notes).toBe(20);
      expect(rep.scanErrors).toEqual([]);
      expect(rep.types.reduce((s, t) => s + t.total, 0)).toBe(sampleGold.length);
      for (const t of rep.types) {
        expect(t.hits.length + t.misses.length).toBe(t.total);
        expect(t.overlappedAffirmed).toBeLessThanOrEqual(t.overlapped);
      }
    });
  });
});

const SCOPE: Scope = {
  sentence: { before: 'Seen today. ', after: '.' },
  rules: [
    { id: 'analyte', match: '\\(substance\\)$', reason: 'an analyte, not a condition' },
    { id: 'rel', match: '^family history', accept: ['thirdParty'], reason: 'about a relative: thirdParty counts' },
    { id: 'not-x', match: '^x', unless: 'xeno', reason: 'x terms are out, xeno stays' },
  ],
  lists: [],
};
const SPEC: ListSpec = { name: 'fixture', file: 'fixture.tsv', category: 'sensitive', scored: true, why: 'invented for the test', rules: ['analyte', 'rel', 'not-x'] };
const TSV = ['1\tAlpha (disorder)', '2\talpha', '3\tBeta', '4\tGamma', '5\tDelta (substance)', '6\tFamily history of alpha', '7\tXylo', '8\tXenolith', '9\tEpsilon', ''].join('\n');

describe('code list scorer', () => {
  it('cleans coding artefacts from terms and reads csv and tsv lists', () => {
    expect(cleanTerm('[X]Hiv disease resulting in  other mycoses (disorder)')).toBe('Hiv disease resulting in other mycoses');
    expect(cleanTerm('[D]Anorexia NOS')).toBe('Anorexia NOS');
    expect(cleanTerm('Counseling for termination of pregnancy (procedure)')).toBe('Counseling for termination of pregnancy');
    expect(cleanTerm('Infertility (& [female] or [primary])')).toBe('Infertility (& [female] or [primary])');
    expect(cleanTerm('Spontaneous misc 8-28 weeks.')).toBe('Spontaneous misc 8-28 weeks');
    expect(parseCodelist('code,term\n1,"Mild, moderate"\n2,Plain\n', 'x.csv')).toEqual([{ code: '1', term: 'Mild, moderate' }, { code: '2', term: 'Plain' }]);
    expect(parseCodelist('CTV3ID,CTV3PreferredTermDesc,CTV3Source\nE1,"Down, syn",High\n', 'ctv3.csv')).toEqual([{ code: 'E1', term: 'Down, syn' }]);
    expect(parseCodelist('7\tOne (finding)\n8\tTwo\n', 'y.tsv')).toEqual([{ code: '7', term: 'One (finding)' }, { code: '8', term: 'Two' }]);
  });

  it('applies exclusion and acceptance rules, and dedupes cleaned terms', () => {
    const terms = prepareTerms(SPEC, parseCodelist(TSV, 'f.tsv'), SCOPE.rules);
    expect(terms.map((t) => t.term)).toEqual(['Alpha', 'Beta', 'Gamma', 'Delta', 'Family history of alpha', 'Xylo', 'Xenolith', 'Epsilon']);
    expect(terms.filter((t) => t.excludedBy).map((t) => [t.term, t.excludedBy])).toEqual([['Delta', 'analyte'], ['Xylo', 'not-x']]);
    expect(terms.find((t) => t.term === 'Family history of alpha')!.accept).toEqual(['sensitive', 'thirdParty']);
  });

  it('covers a term with an affirmed finding of an accepted category on it, and says why a miss missed', () => {
    const start = SCOPE.sentence.before.length;
    const on = (term: string, f: (s: number, e: number) => Finding[]) => [`Seen today. ${term}.`, f(start, start + term.length)] as const;
    const answers = new Map<string, Finding[]>([
      on('Alpha', (s, e) => [finding('sensitive', s, e)]),
      on('Beta', (s, e) => [finding('sensitive', s, e, { negated: true })]),
      on('Gamma', () => [finding('sensitive', 0, 4)]), // on "Seen", not on the term
      on('Family history of alpha', (s, e) => [finding('thirdParty', s, e, { experiencer: 'family' })]),
      on('Xenolith', (s, e) => [finding('harm', s, e)]),
      on('Epsilon', (s, e) => [finding('sensitive', s + 2, e, { hypothetical: true })]),
    ]);
    const rep = scoreList(SPEC, parseCodelist(TSV, 'f.tsv'), SCOPE, (t) => result(answers.get(t) ?? []));
    expect([rep.terms, rep.inScope, rep.covered, rep.excluded]).toEqual([8, 6, 2, 2]);
    expect(rep.excludedByRule).toEqual({ analyte: 1, 'not-x': 1 });
    expect(rep.missReasons).toEqual({ 'no finding': 1, negated: 1, hypothetical: 1, 'other category': 1 });
    expect(rep.missed.map((m) => [m.term, m.reason])).toEqual([['Beta', 'negated'], ['Gamma', 'no finding'], ['Xenolith', 'other category'], ['Epsilon', 'hypothetical']]);
    const visible = scoreList({ ...SPEC, scored: false, expect: 'visible' }, parseCodelist(TSV, 'f.tsv'), SCOPE, (t) => result(answers.get(t) ?? []));
    expect(visible.flagged.map((m) => m.term)).toEqual(['Alpha', 'Xenolith']);
    expect(visible.covered).toBe(0);
  });

  it('the scope file is valid: rules compile, lists name known rules, every rule is used', () => {
    const scope = readScope(join(root, 'scripts/codelists-scope.json'));
    const used = new Set(scope.lists.flatMap((l) => l.rules));
    expect(scope.rules.map((r) => r.id).filter((id) => !used.has(id))).toEqual([]);
    if (existsSync(codelistDir)) for (const l of scope.lists) expect(existsSync(join(codelistDir, l.file)), l.file).toBe(true);
  });

  describe.runIf(existsSync(codelistDir))('on one real list', () => {
    it('scores the domestic abuse list with the real scanner and its counts add up', () => {
      const scope = readScope(join(root, 'scripts/codelists-scope.json'));
      const [rep] = runCodelists(codelistDir, scope, (t) => scanner.scan(t, { kind: 'entry' }), 'domestic-abuse');
      expect(rep.terms).toBe(13);
      expect(rep.inScope + rep.excluded).toBe(rep.terms);
      expect(rep.covered + rep.missed.length).toBe(rep.inScope);
      expect(Object.values(rep.missReasons).reduce((a, b) => a + b, 0)).toBe(rep.missed.length);
    });
  });
});

describe('npm run eval -- --negex / --physionet / --codelists', () => {
  const dir = mkdtempSync(join(tmpdir(), 'eval-external-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const run = (args: string[]) => {
    const out: string[] = [];
    const err: string[] = [];
    const code = runExternal(args, (s) => out.push(s), (s) => err.push(s));
    return { code, out: out.join('\n'), err: err.join('\n') };
  };

  it('scores a NegEx file end to end and lists row numbers with --details', () => {
    const file = join(dir, 'negex.tsv');
    writeFileSync(file, NEGEX_FIXTURE);
    const r = run(['--negex', file, '--split', 'a', '--details']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/rows 3; scored 2; condition not found in its sentence 1/);
    expect(r.out).toMatch(/condition not found \(rows\): 5/);
    expect(r.out).not.toMatch(/Chest clear/); // rows by number, never sentences
    const j = JSON.parse(run(['--negex', file, '--json']).out);
    expect(j.scored).toBe(5);
  });

  it('scores a PhysioNet directory end to end without printing note text', () => {
    writeFileSync(join(dir, 'id.text'), RECORDS, 'latin1');
    writeFileSync(join(dir, 'id-phi.phrase'), PHRASES, 'latin1');
    const r = run(['--physionet', dir, '--details']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/span equals it exactly 5/);
    expect(r.out).toMatch(/RelativeProxyName\s+found/);
    expect(r.out).not.toMatch(/Jane|Smith|Daughter/);
  });

  it('exits 2 on bad usage', () => {
    expect(run(['--negex']).code).toBe(2);
    expect(run(['--negex', join(dir, 'nope.tsv')]).code).toBe(2);
    expect(run(['--negex', join(dir, 'negex.tsv'), '--split', 'c']).err).toMatch(/--split takes a or b/);
    expect(run(['--physionet', join(dir, 'nowhere')]).code).toBe(2);
    expect(run(['--negex', 'x', '--physionet', 'y']).code).toBe(2);
    expect(run(['--codelists', join(dir, 'nowhere')]).code).toBe(2);
  });
});
