/**
 * Shared pieces of the external-set scorers (`npm run eval -- --negex FILE`, `--physionet DIR`,
 * `--codelists [DIR]`): counts, precision/recall/F1, the odd/even split, and table layout.
 * Measurement only: nothing here may change what the scanner decides.
 */

export type Split = 'a' | 'b';

/** `a` keeps odd 1-based positions, `b` even ones; no split keeps all. */
export function inSplit(position: number, split?: Split): boolean {
  if (!split) return true;
  return split === 'a' ? position % 2 === 1 : position % 2 === 0;
}

export interface Counts {
  tp: number;
  fp: number;
  fn: number;
  tn: number;
}

export interface Prf {
  /** null when undefined (no predicted or no gold positives) */
  precision: number | null;
  recall: number | null;
  f1: number | null;
}

export function prf(c: Counts): Prf {
  const precision = c.tp + c.fp ? c.tp / (c.tp + c.fp) : null;
  const recall = c.tp + c.fn ? c.tp / (c.tp + c.fn) : null;
  const f1 = precision !== null && recall !== null ? (precision + recall ? (2 * precision * recall) / (precision + recall) : 0) : null;
  return { precision, recall, f1 };
}

export const fmt3 = (x: number | null) => (x === null ? 'n/a' : x.toFixed(3));
export const ratio = (k: number, n: number) => `${n ? (k / n).toFixed(3) : 'n/a'} (${k}/${n})`;

/** A plain fixed-width table: the first `left` columns left-aligned, the rest right-aligned. */
export function table(header: string[], rows: (string | number)[][], left = 1): string {
  const cells = [header, ...rows.map((r) => r.map(String))];
  const widths = header.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  return cells
    .map((r) => r.map((c, i) => (i < left ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  '))
    .join('\n');
}

/** Command-line options shared by the external modes. */
export interface ExternalArgs {
  split?: Split;
  details: boolean;
  json: boolean;
}

export class UsageError extends Error {}

export function parseSplit(args: string[]): Split | undefined {
  const i = args.indexOf('--split');
  if (i < 0) return undefined;
  const v = args[i + 1];
  if (v !== 'a' && v !== 'b') throw new UsageError(`--split takes a or b (a: odd rows or notes, b: even), got ${v === undefined ? 'nothing' : JSON.stringify(v)}`);
  return v;
}

/** The value after `flag`, or undefined when the flag is absent; a flag followed by another flag has no value. */
export function flagValue(args: string[], flag: string): string | undefined {
  const i = args.indexOf(flag);
  if (i < 0) return undefined;
  const v = args[i + 1];
  return v === undefined || v.startsWith('--') ? '' : v;
}

export function externalArgs(args: string[]): ExternalArgs {
  return { split: parseSplit(args), details: args.includes('--details'), json: args.includes('--json') };
}

export const splitLabel = (split?: Split, unit = 'rows') =>
  split === 'a' ? `split a (odd ${unit})` : split === 'b' ? `split b (even ${unit})` : `all ${unit}`;
