import type { DocumentResult } from '../model/index.js';
import { CATEGORIES } from './labels.js';

/**
 * `--format csv`: one row per document, for spreadsheets. Cells are quoted per RFC 4180, and
 * any text cell that a spreadsheet would run as a formula is defused with a leading quote.
 */

const TOP_REASONS = 3;

export const CSV_COLUMNS: readonly string[] = [
  'path',
  'record',
  'verdict',
  'score',
  ...CATEGORIES.flatMap((c) => [`${c}_score`, `${c}_count`]),
  'findings',
  'reasons',
  'error',
  'encoding',
  'decision',
];

/**
 * Cells that begin with = + - @ (or tab/CR, which some spreadsheets skip before them) would be
 * evaluated as formulas ("CSV injection"); a leading apostrophe makes them plain text.
 */
export function defuse(cell: string): string {
  return /^[=+\-@\t\r]/.test(cell) ? `'${cell}` : cell;
}

/** RFC 4180 quoting: quote when the cell holds a comma, quote, line break or edge spaces. */
export function quoteCell(cell: string): string {
  return /[",\r\n]|^\s|\s$/.test(cell) ? `"${cell.replace(/"/g, '""')}"` : cell;
}

const textCell = (s: string | undefined) => quoteCell(defuse(s ?? ''));
// Numbers are ours and never negative, so they need neither quoting nor defusing.
const num = (n: number) => String(Math.round(n * 1e4) / 1e4);

export function csvHeader(): string {
  return `${CSV_COLUMNS.join(',')}\r\n`;
}

export function csvRow(d: DocumentResult): string {
  const cells = [
    textCell(d.path),
    textCell(d.record),
    textCell(d.verdict),
    num(d.score),
    ...CATEGORIES.flatMap((c) => [num(d.categories[c].score), String(d.categories[c].count)]),
    String(d.findings.length),
    textCell(d.reasons.slice(0, TOP_REASONS).join(' | ')),
    textCell(d.error),
    textCell(d.encoding),
    textCell(d.decision),
  ];
  return `${cells.join(',')}\r\n`;
}

/** The whole file. For a long run, write `csvHeader()` then `csvRow(d)` per document instead. */
export function formatCsv(docs: DocumentResult[]): string {
  let out = csvHeader();
  for (const d of docs) out += csvRow(d);
  return out;
}
