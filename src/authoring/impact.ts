import { POLICY_THRESHOLDS, verdictRank, type DocumentResult, type Finding, type Verdict } from '../model/index.js';
import { levelOf } from '../score/verdict.js';

/**
 * The impact of a lexicon change: the same documents' verdicts before and after, a from -> to
 * table, and each document that moved with the rules that made the difference. What a clinical
 * safety officer checks before deploying a lexicon edit: a document that becomes less strict
 * (withhold or review -> visible, withhold -> review) needs a reviewed, deliberate reason.
 */

/** A rule whose strongest affirmed finding in a document earns a different level after the change ('none': no such finding). */
export interface RuleChange {
  ruleId: string;
  from: Verdict | 'none';
  to: Verdict | 'none';
  /** the matched text of its findings (only when the scans were asked to include text) */
  texts?: string[];
}

export interface MovedDocument {
  path: string;
  record?: string;
  from: Verdict;
  to: Verdict;
  direction: 'stricter' | 'laxer';
  rules: RuleChange[];
}

export interface Impact {
  documents: number;
  /** documents by verdict before (rows) and after (columns) */
  table: Record<Verdict, Record<Verdict, number>>;
  moved: MovedDocument[];
  stricter: number;
  laxer: number;
  /** documents whose reading or scan failed on either side */
  errors: number;
  /** documents compared with a recorded run whose text is no longer the same (not compared), or that are no longer there */
  changedText: { path: string; record?: string }[];
  missing: { path: string; record?: string }[];
  lexiconVersions: { from: string[]; to: string[] };
}

const emptyTable = (): Impact['table'] => ({
  visible: { visible: 0, review: 0, withhold: 0 },
  review: { visible: 0, review: 0, withhold: 0 },
  withhold: { visible: 0, review: 0, withhold: 0 },
});

/** The level a finding earns: as recorded, or (an older result without levels) under POLICY.md's thresholds. */
const levelFor = (f: Finding): Verdict => f.level ?? levelOf(f, { ...POLICY_THRESHOLDS });

function ruleLevels(d: DocumentResult): Map<string, { level: Verdict; texts: string[] }> {
  const m = new Map<string, { level: Verdict; texts: string[] }>();
  for (const f of d.findings) {
    if (f.score <= 0) continue;
    const level = levelFor(f);
    const had = m.get(f.ruleId);
    if (!had) m.set(f.ruleId, { level, texts: f.text !== undefined ? [f.text] : [] });
    else {
      if (verdictRank(level) > verdictRank(had.level)) had.level = level;
      if (f.text !== undefined) had.texts.push(f.text);
    }
  }
  return m;
}

const rank = (v: Verdict | 'none') => (v === 'none' ? -1 : verdictRank(v));

/** The rules whose level differs, those that moved the way the document moved first. */
export function differingRules(before: DocumentResult, after: DocumentResult): RuleChange[] {
  const a = ruleLevels(before);
  const b = ruleLevels(after);
  const up = verdictRank(after.verdict) >= verdictRank(before.verdict);
  const out: RuleChange[] = [];
  for (const id of new Set([...a.keys(), ...b.keys()])) {
    const from = a.get(id)?.level ?? 'none';
    const to = b.get(id)?.level ?? 'none';
    if (from === to) continue;
    const texts = [...(b.get(id)?.texts ?? []), ...(a.get(id)?.texts ?? [])];
    out.push({ ruleId: id, from, to, ...(texts.length ? { texts: [...new Set(texts)] } : {}) });
  }
  const towards = (c: RuleChange) => (up ? rank(c.to) - rank(c.from) : rank(c.from) - rank(c.to));
  return out.sort((x, y) => towards(y) - towards(x) || (x.ruleId < y.ruleId ? -1 : 1));
}

export interface ImpactPair {
  before: DocumentResult;
  after: DocumentResult;
}

export function compareRuns(pairs: Iterable<ImpactPair>, extra: { changedText?: Impact['changedText']; missing?: Impact['missing'] } = {}): Impact {
  const table = emptyTable();
  const moved: MovedDocument[] = [];
  let documents = 0;
  let errors = 0;
  const from = new Set<string>();
  const to = new Set<string>();
  for (const { before, after } of pairs) {
    documents++;
    if (before.error || after.error) errors++;
    from.add(before.lexiconVersion);
    to.add(after.lexiconVersion);
    table[before.verdict][after.verdict]++;
    if (before.verdict === after.verdict) continue;
    moved.push({
      path: after.path,
      ...(after.record !== undefined ? { record: after.record } : {}),
      from: before.verdict,
      to: after.verdict,
      direction: verdictRank(after.verdict) > verdictRank(before.verdict) ? 'stricter' : 'laxer',
      rules: differingRules(before, after),
    });
  }
  // Less strict first: those are what must be looked at before deploying.
  moved.sort((a, b) => (a.direction === b.direction ? 0 : a.direction === 'laxer' ? -1 : 1));
  return {
    documents,
    table,
    moved,
    stricter: moved.filter((m) => m.direction === 'stricter').length,
    laxer: moved.filter((m) => m.direction === 'laxer').length,
    errors,
    changedText: extra.changedText ?? [],
    missing: extra.missing ?? [],
    lexiconVersions: { from: [...from], to: [...to] },
  };
}

