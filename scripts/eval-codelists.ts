/**
 * `npm run eval -- --codelists [DIR] [--list NAME] [--scope FILE] [--details] [--json]`
 *
 * Coverage of public SNOMED CT / CTV3 code lists (default ../shared/data/codelists): each term
 * of a scored list is put in the sentence "Seen today. <term>." and scanned; the term is covered
 * when an affirmed finding (not negated, not hypothetical) of the list's category overlaps it.
 * Which lists are scored, their category under POLICY.md, and the few terms judged out of scope
 * (each rule with its reason) are data: scripts/codelists-scope.json. The lists are test data:
 * they are read here and never copied into src/ or lexicons/. Terms are public, so --details
 * prints the missed ones.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import { z } from 'zod';
import { CATEGORIES, type Category, type Finding, type ScanResult } from '../src/model/index.js';
import { ratio, table } from './eval-external.js';

const Regex = z.string().refine((s) => {
  try {
    new RegExp(s, 'i');
    return true;
  } catch {
    return false;
  }
}, 'not a valid regular expression');

export const ScopeRuleSchema = z
  .object({
    id: z.string().min(1),
    /** case-insensitive, on the term as the list gives it (semantic tag and [X] prefix included) */
    match: Regex,
    /** the rule does not apply to terms this matches */
    unless: Regex.optional(),
    /** instead of excluding: the term is in scope and these categories also count as covering it */
    accept: z.array(z.enum(CATEGORIES)).optional(),
    reason: z.string().min(10),
  })
  .strict();
export type ScopeRule = z.infer<typeof ScopeRuleSchema>;

export const ListSpecSchema = z
  .object({
    name: z.string().min(1),
    file: z.string().min(1),
    /** the POLICY.md category a term of this list belongs to */
    category: z.enum(CATEGORIES).optional(),
    scored: z.boolean(),
    /** why this category, or why the list is not scored */
    why: z.string().min(10),
    /** rule ids, applied in order: the first exclusion that matches decides */
    rules: z.array(z.string()).default([]),
    /** a list POLICY keeps visible: report how many terms raise an affirmed finding instead */
    expect: z.literal('visible').optional(),
  })
  .strict();
export type ListSpec = z.infer<typeof ListSpecSchema>;

export const ScopeSchema = z
  .object({
    $comment: z.string().optional(),
    sentence: z.object({ before: z.string(), after: z.string() }).strict(),
    rules: z.array(ScopeRuleSchema),
    lists: z.array(ListSpecSchema),
  })
  .strict()
  .superRefine((s, ctx) => {
    const ids = new Set(s.rules.map((r) => r.id));
    if (ids.size !== s.rules.length) ctx.addIssue({ code: 'custom', message: 'rule ids must be unique', path: ['rules'] });
    s.lists.forEach((l, i) => {
      for (const r of l.rules) if (!ids.has(r)) ctx.addIssue({ code: 'custom', message: `list ${l.name}: unknown rule ${r}`, path: ['lists', i, 'rules'] });
      if (l.scored && !l.category) ctx.addIssue({ code: 'custom', message: `list ${l.name}: a scored list needs a category`, path: ['lists', i] });
    });
    const names = new Set(s.lists.map((l) => l.name));
    if (names.size !== s.lists.length) ctx.addIssue({ code: 'custom', message: 'list names must be unique', path: ['lists'] });
  });
export type Scope = z.infer<typeof ScopeSchema>;

export function readScope(file: string): Scope {
  const parsed = ScopeSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
  if (!parsed.success) {
    const i = parsed.error.issues[0];
    throw new Error(`${file}: ${i.path.join('.')}: ${i.message}`);
  }
  return parsed.data;
}

export interface CodeRow {
  code: string;
  term: string;
}

/** A code list file: `.csv` with a header (a `term` column, or CTV3's `CTV3PreferredTermDesc`), `.tsv` without (`code<TAB>term`). */
export function parseCodelist(text: string, file: string): CodeRow[] {
  if (/\.csv$/i.test(file)) {
    const records = parseCsv(text, { columns: true, skip_empty_lines: true, relax_column_count: true }) as Record<string, string>[];
    if (!records.length) return [];
    const cols = Object.keys(records[0]);
    const termCol = cols.find((c) => /^term$/i.test(c)) ?? cols.find((c) => /term/i.test(c) && !/source/i.test(c));
    const codeCol = cols.find((c) => /^code$/i.test(c)) ?? cols[0];
    if (!termCol) throw new Error(`${file}: no term column (columns: ${cols.join(', ')})`);
    return records.map((r) => ({ code: r[codeCol], term: r[termCol] ?? '' }));
  }
  return text
    .split(/\r?\n/)
    .filter((l) => l.trim())
    .map((l) => {
      const tab = l.indexOf('\t');
      return tab < 0 ? { code: '', term: l } : { code: l.slice(0, tab), term: l.slice(tab + 1) };
    });
}

const SEMANTIC_TAG =
  /\s*\((?:disorder|finding|procedure|regime\/therapy|record artifact|situation|observable entity|substance|organism|context-dependent category|morphologic abnormality|event|qualifier value|product|medicinal product|clinical drug|person|environment|physical object|specimen|assessment scale)\)\s*$/i;

/**
 * The words a clinician would write: the FSN semantic tag ("(disorder)") and the Read chapter
 * marker ("[X]", "[D]", "[V]") are coding artefacts, not record text; a final full stop goes (the
 * sentence adds one).
 */
export function cleanTerm(raw: string): string {
  return raw
    .replace(SEMANTIC_TAG, '')
    .replace(/^\s*\[(?:X|D|V|Q|M|SO|RFC)\]\s*/i, '')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/\.$/, '');
}

export interface PreparedTerm {
  raw: string;
  term: string;
  /** the exclusion rule that put it out of scope */
  excludedBy?: string;
  /** categories that count as covering it */
  accept: Category[];
  /** acceptance rules that widened `accept` */
  acceptedBy: string[];
}

/** Distinct terms (after cleaning, case-insensitive) with their scope under the list's rules. */
export function prepareTerms(spec: ListSpec, rows: CodeRow[], rules: ScopeRule[]): PreparedTerm[] {
  const byId = new Map(rules.map((r) => [r.id, r]));
  const seen = new Set<string>();
  const out: PreparedTerm[] = [];
  for (const row of rows) {
    const term = cleanTerm(row.term);
    if (!term || seen.has(term.toLowerCase())) continue;
    seen.add(term.toLowerCase());
    const t: PreparedTerm = { raw: row.term, term, accept: spec.category ? [spec.category] : [], acceptedBy: [] };
    for (const id of spec.rules) {
      const r = byId.get(id);
      if (!r) throw new Error(`list ${spec.name}: unknown rule ${id}`);
      if (!new RegExp(r.match, 'i').test(row.term)) continue;
      if (r.unless && new RegExp(r.unless, 'i').test(row.term)) continue;
      if (r.accept) {
        for (const c of r.accept) if (!t.accept.includes(c)) t.accept.push(c);
        t.acceptedBy.push(r.id);
      } else {
        t.excludedBy = r.id;
        break;
      }
    }
    out.push(t);
  }
  return out;
}

export type MissReason = 'no finding' | 'negated' | 'hypothetical' | 'other category';

export interface TermOutcome {
  term: string;
  covered: boolean;
  /** for a miss: why, from the findings on the term */
  reason?: MissReason;
  /** categories:ruleIds of findings on the term (for reading) */
  found: string[];
}

export interface ListReport {
  name: string;
  file: string;
  category?: Category;
  scored: boolean;
  expect?: 'visible';
  why: string;
  /** distinct terms after cleaning */
  terms: number;
  inScope: number;
  covered: number;
  excluded: number;
  excludedByRule: Record<string, number>;
  missReasons: Record<MissReason, number>;
  missed: TermOutcome[];
  /** for `expect: visible`: terms that raised an affirmed finding of any category but thirdParty */
  flagged: TermOutcome[];
}

export type ScanFn = (text: string) => ScanResult;

const affirmed = (f: Finding) => !f.modifiers.negated && !f.modifiers.hypothetical;

/** One term in its sentence: covered when an affirmed finding of an accepted category overlaps the term. */
export function scoreTerm(t: PreparedTerm, scanFn: ScanFn, sentence: Scope['sentence']): TermOutcome & { flagged: boolean } {
  const text = `${sentence.before}${t.term}${sentence.after}`;
  const start = sentence.before.length;
  const end = start + t.term.length;
  const res = scanFn(text);
  const on = res.findings.filter((f) => f.start < end && f.end > start);
  const found = [...new Set(on.map((f) => `${f.category}:${f.ruleId}`))];
  const covered = on.some((f) => affirmed(f) && t.accept.includes(f.category));
  const flagged = on.some((f) => affirmed(f) && f.category !== 'thirdParty');
  let reason: MissReason | undefined;
  if (!covered) {
    const mine = on.filter((f) => t.accept.includes(f.category));
    if (!on.length) reason = 'no finding';
    else if (!mine.length) reason = 'other category';
    else if (mine.some((f) => f.modifiers.negated)) reason = 'negated';
    else reason = 'hypothetical';
  }
  return { term: t.term, covered, ...(reason ? { reason } : {}), found, flagged };
}

export function scoreList(spec: ListSpec, rows: CodeRow[], scope: Scope, scanFn: ScanFn): ListReport {
  const terms = prepareTerms(spec, rows, scope.rules);
  const rep: ListReport = {
    name: spec.name, file: spec.file, category: spec.category, scored: spec.scored, expect: spec.expect, why: spec.why,
    terms: terms.length, inScope: 0, covered: 0, excluded: 0, excludedByRule: {},
    missReasons: { 'no finding': 0, negated: 0, hypothetical: 0, 'other category': 0 }, missed: [], flagged: [],
  };
  for (const t of terms) {
    if (t.excludedBy) {
      rep.excluded++;
      rep.excludedByRule[t.excludedBy] = (rep.excludedByRule[t.excludedBy] ?? 0) + 1;
      continue;
    }
    rep.inScope++;
    const o = scoreTerm(t, scanFn, scope.sentence);
    if (spec.expect === 'visible') {
      if (o.flagged) rep.flagged.push(o);
      continue;
    }
    if (o.covered) rep.covered++;
    else {
      rep.missed.push(o);
      rep.missReasons[o.reason!]++;
    }
  }
  return rep;
}

export function runCodelists(dir: string, scope: Scope, scanFn: ScanFn, only?: string): ListReport[] {
  const lists = only ? scope.lists.filter((l) => l.name === only) : scope.lists;
  if (only && !lists.length) throw new Error(`no list named ${JSON.stringify(only)} (lists: ${scope.lists.map((l) => l.name).join(', ')})`);
  return lists.map((l) => {
    const file = join(dir, l.file);
    return scoreList(l, parseCodelist(readFileSync(file, 'utf8'), file), scope, scanFn);
  });
}

export function formatCodelists(reps: ListReport[], scope: Scope, details = false): string {
  const out: string[] = [];
  const pct = (k: number, n: number) => (n ? `${((100 * k) / n).toFixed(1)}%` : 'n/a');
  const scored = reps.filter((r) => r.scored && r.expect !== 'visible');
  out.push('scored lists: covered = an affirmed finding of the category overlaps the term in "' + `${scope.sentence.before}<term>${scope.sentence.after}` + '"');
  out.push(
    table(
      ['list', 'category', 'covered/in scope', '%', 'excluded', 'misses: none/negated/hypo/other'],
      scored.map((r) => [
        r.name, r.category ?? '', `${r.covered}/${r.inScope}`, pct(r.covered, r.inScope), r.excluded,
        `${r.missReasons['no finding']}/${r.missReasons.negated}/${r.missReasons.hypothetical}/${r.missReasons['other category']}`,
      ]),
      2,
    ),
  );
  const tot = scored.reduce((a, r) => ({ k: a.k + r.covered, n: a.n + r.inScope }), { k: 0, n: 0 });
  out.push(`all scored terms: ${ratio(tot.k, tot.n)} (lists overlap: a term in two lists counts twice)`);
  const info = reps.filter((r) => !r.scored || r.expect === 'visible');
  if (info.length) {
    out.push('');
    out.push('not scored (for reading):');
    for (const r of info) {
      const fig =
        r.expect === 'visible'
          ? `raise an affirmed finding (POLICY keeps them visible): ${r.flagged.length}/${r.inScope}`
          : r.category
            ? `would be covered as ${r.category}: ${r.covered}/${r.inScope}`
            : `${r.inScope} terms`;
      out.push(`  ${r.name}: ${fig}. ${r.why}`);
    }
  }
  const rulesUsed = new Map<string, number>();
  for (const r of reps) for (const [id, n] of Object.entries(r.excludedByRule)) rulesUsed.set(id, (rulesUsed.get(id) ?? 0) + n);
  if (rulesUsed.size) {
    out.push('');
    out.push('exclusions (scripts/codelists-scope.json):');
    for (const [id, n] of rulesUsed) out.push(`  ${id}: ${n} terms. ${scope.rules.find((r) => r.id === id)!.reason}`);
  }
  if (details) {
    for (const r of reps) {
      const items = r.expect === 'visible' ? r.flagged : r.missed;
      if (!items.length) continue;
      out.push('');
      out.push(`${r.name}: ${r.expect === 'visible' ? 'flagged' : 'missed'} (${items.length})`);
      for (const m of items) out.push(`  ${m.term}${m.reason ? `  [${m.reason}${m.found.length ? `: ${m.found.join(' ')}` : ''}]` : m.found.length ? `  [${m.found.join(' ')}]` : ''}`);
    }
  }
  return out.join('\n');
}
