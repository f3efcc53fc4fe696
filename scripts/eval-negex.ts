/**
 * `npm run eval -- --negex FILE [--split a|b] [--details] [--json]`
 *
 * Scores `detectContext` on the NegEx/ConText test sentences (../shared/eval/external/README.md):
 * the condition is located in the sentence (case-insensitive, first occurrence) and its context
 * compared with the gold columns: negation against `Negated`, historical against `Historical`,
 * hypothetical against `Not particular` (temporality), experiencer against anything but
 * `Patient`. Rows whose condition is not in their sentence are counted apart and left out.
 * `--split a` keeps rows with an odd line number, `b` even ones. Output names rows by number only.
 */
import { readFileSync } from 'node:fs';
import type { ContextResult } from '../src/model/index.js';
import { fmt3, inSplit, prf, table, type Counts, type Prf, type Split } from './eval-external.js';

export interface NegexRow {
  /** the file's `line number` column (1-based, the same as the data row's position) */
  line: number;
  condition: string;
  sentence: string;
  negation: string;
  temporality: string;
  experiencer: string;
}

const EXPECTED_COLUMNS = 6;

/** Parses the tab-separated set (header row first). Throws on a malformed row, naming it. */
export function parseNegex(text: string): NegexRow[] {
  const lines = text.split(/\r?\n/);
  const header = (lines[0] ?? '').split('\t');
  if (header.length !== EXPECTED_COLUMNS || !/line/i.test(header[0]) || !/condition/i.test(header[1])) {
    throw new Error(`negex: unexpected header (want ${EXPECTED_COLUMNS} tab-separated columns: line number, Condition, sentence, negation, temporality, experiencer)`);
  }
  const rows: NegexRow[] = [];
  lines.slice(1).forEach((l, i) => {
    if (!l.trim()) return;
    const f = l.split('\t');
    if (f.length !== EXPECTED_COLUMNS) throw new Error(`negex: file line ${i + 2}: ${f.length} columns, want ${EXPECTED_COLUMNS}`);
    const line = Number(f[0]);
    if (!Number.isInteger(line) || line < 1) throw new Error(`negex: file line ${i + 2}: line number ${JSON.stringify(f[0])} is not a positive integer`);
    rows.push({ line, condition: f[1].trim(), sentence: f[2], negation: f[3].trim(), temporality: f[4].trim(), experiencer: f[5].trim() });
  });
  return rows;
}

export function readNegex(file: string): NegexRow[] {
  return parseNegex(readFileSync(file, 'utf8'));
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The condition's first case-insensitive occurrence in the sentence (offsets are the sentence's own). */
export function locate(sentence: string, condition: string): { start: number; end: number } | undefined {
  if (!condition) return undefined;
  // a regex with the `i` flag (no `u`) folds case per UTF-16 unit, so offsets stay the sentence's
  const m = new RegExp(escapeRegExp(condition), 'i').exec(sentence);
  return m ? { start: m.index, end: m.index + m[0].length } : undefined;
}

export const MODIFIERS = ['negation', 'historical', 'hypothetical', 'experiencer'] as const;
export type NegexModifier = (typeof MODIFIERS)[number];

const GOLD: Record<NegexModifier, (r: NegexRow) => boolean> = {
  negation: (r) => r.negation === 'Negated',
  historical: (r) => r.temporality === 'Historical',
  hypothetical: (r) => r.temporality === 'Not particular',
  experiencer: (r) => r.experiencer !== 'Patient',
};
const PREDICTED: Record<NegexModifier, (c: ContextResult) => boolean> = {
  negation: (c) => c.negated,
  historical: (c) => c.historical,
  hypothetical: (c) => c.hypothetical,
  experiencer: (c) => c.experiencer !== 'patient',
};
const KNOWN = {
  negation: new Set(['Negated', 'Affirmed', 'Possible']),
  temporality: new Set(['Recent', 'Historical', 'Not particular']),
  experiencer: new Set(['Patient', 'Family member', 'Other']),
};

export interface ModifierScore extends Counts, Prf {
  gold: number;
  predicted: number;
  fpRows: number[];
  fnRows: number[];
}

export interface NegexReport {
  split?: Split;
  /** rows in the split */
  rows: number;
  /** rows scored (condition found) */
  scored: number;
  notFound: number[];
  /** rows with a gold label outside the documented values (still scored: they are not positives) */
  unknownLabels: number[];
  /** scored rows detectContext called uncertain (not scored against any column; for reading the errors) */
  uncertain: number;
  modifiers: Record<NegexModifier, ModifierScore>;
}

export type DetectFn = (text: string, span: { start: number; end: number }) => ContextResult;

export function scoreNegex(rows: NegexRow[], detect: DetectFn, split?: Split): NegexReport {
  const modifiers = Object.fromEntries(
    MODIFIERS.map((m) => [m, { tp: 0, fp: 0, fn: 0, tn: 0, gold: 0, predicted: 0, fpRows: [], fnRows: [], precision: null, recall: null, f1: null }]),
  ) as unknown as Record<NegexModifier, ModifierScore>;
  const rep: NegexReport = { split, rows: 0, scored: 0, notFound: [], unknownLabels: [], uncertain: 0, modifiers };
  for (const r of rows) {
    if (!inSplit(r.line, split)) continue;
    rep.rows++;
    const span = locate(r.sentence, r.condition);
    if (!span) {
      rep.notFound.push(r.line);
      continue;
    }
    rep.scored++;
    if (!KNOWN.negation.has(r.negation) || !KNOWN.temporality.has(r.temporality) || !KNOWN.experiencer.has(r.experiencer)) rep.unknownLabels.push(r.line);
    const ctx = detect(r.sentence, span);
    if (ctx.uncertain) rep.uncertain++;
    for (const m of MODIFIERS) {
      const g = GOLD[m](r);
      const p = PREDICTED[m](ctx);
      const s = modifiers[m];
      if (g) s.gold++;
      if (p) s.predicted++;
      if (g && p) s.tp++;
      else if (p) {
        s.fp++;
        s.fpRows.push(r.line);
      } else if (g) {
        s.fn++;
        s.fnRows.push(r.line);
      } else s.tn++;
    }
  }
  for (const m of MODIFIERS) Object.assign(modifiers[m], prf(modifiers[m]));
  return rep;
}

export function formatNegex(rep: NegexReport, details = false): string {
  const out: string[] = [];
  out.push(`rows ${rep.rows}; scored ${rep.scored}; condition not found in its sentence ${rep.notFound.length} (left out)`);
  if (rep.unknownLabels.length) out.push(`rows with an undocumented gold label: ${rep.unknownLabels.length} (${rep.unknownLabels.join(', ')})`);
  out.push('');
  out.push(
    table(
      ['modifier', 'gold', 'pred', 'TP', 'FP', 'FN', 'P', 'R', 'F1'],
      MODIFIERS.map((m) => {
        const s = rep.modifiers[m];
        return [m, s.gold, s.predicted, s.tp, s.fp, s.fn, fmt3(s.precision), fmt3(s.recall), fmt3(s.f1)];
      }),
    ),
  );
  out.push('');
  out.push(`(context called uncertain on ${rep.uncertain} scored rows; uncertainty has no gold column here)`);
  if (details) {
    out.push('');
    out.push(`condition not found (rows): ${rep.notFound.join(', ') || 'none'}`);
    for (const m of MODIFIERS) {
      const s = rep.modifiers[m];
      out.push(`${m} FN (rows): ${s.fnRows.join(', ') || 'none'}`);
      out.push(`${m} FP (rows): ${s.fpRows.join(', ') || 'none'}`);
    }
  }
  return out.join('\n');
}
