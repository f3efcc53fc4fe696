import { createRequire } from 'node:module';
import type * as CsvParse from 'csv-parse/sync';
import type { Options } from 'csv-parse/sync';
import type { Patient } from '../../model/index.js';
import { errorDoc, listNames, quoteName } from './errors.js';
import { RecordIds } from './ids.js';
import { decodeDocument } from './text.js';
import type { ReadDocument, Reader, ReaderOptions } from './types.js';

// Loaded on first use, not at import: importing the package (or starting a worker) should not pay for
// libraries that scanning a text never needs (cold start, issue 17).
const requireHere = createRequire(import.meta.url);
let csvParseModule: typeof CsvParse | undefined;
const csvParse = (): typeof CsvParse => (csvParseModule ??= requireHere('csv-parse/sync') as typeof CsvParse);

/**
 * `.csv` record files: one document per row, text from `--text-column`. A record's id is the
 * `--id-column` cell, or else its row number as a spreadsheet shows it (the header is row 1),
 * so that a clinician can find it. A malformed row becomes an error document for that row and
 * the others go on.
 */

type Event = { kind: 'row'; cells: string[] } | { kind: 'bad'; line: number; code: string; records: number };

/** The most frequent of `,`, `;` and tab on the header line: exports from European Excel use `;`. */
function sniffDelimiter(text: string): string {
  const end = text.search(/\r?\n/);
  const header = end < 0 ? text : text.slice(0, end);
  let best = ',';
  let bestCount = 0;
  for (const d of [',', ';', '\t']) {
    const count = header.split(d).length - 1;
    if (count > bestCount) [best, bestCount] = [d, count];
  }
  return best;
}

/** csv-parse 5 supports `on_skip` but its type declarations omit it. */
type ParseOptions = Options & { on_skip?: (err: Error & { code?: string; lines?: number; records?: number }) => void };

function parseEvents(text: string): Event[] {
  const events: Event[] = [];
  const options: ParseOptions = {
    delimiter: sniffDelimiter(text),
    bom: true,
    relax_column_count: true,
    skip_empty_lines: true,
    skip_records_with_error: true,
    // Called in file order, so rows and bad rows interleave correctly and row numbers hold.
    on_record: (cells: string[]) => {
      events.push({ kind: 'row', cells });
      return null;
    },
    on_skip: (e) => {
      const records = e.records ?? -1;
      const last = events[events.length - 1];
      // csv-parse can report one bad row more than once; keep the first report.
      if (last?.kind === 'bad' && last.records === records) return;
      events.push({ kind: 'bad', line: e.lines ?? 0, code: e.code ?? 'CSV_ERROR', records });
    },
  };
  csvParse().parse(text, options);
  return events;
}

/** The index of each named column; a missing one is an error naming it and the columns there are. */
function locate(header: string[], opts: ReaderOptions): { idx: Record<string, number | undefined> } | { error: string } {
  const available = `columns: ${listNames(header, 'column')}`;
  if (!opts.textColumn) return { error: `--text-column is required for CSV files; ${available}` };
  const wanted: [string, string | undefined][] = [
    ['--text-column', opts.textColumn],
    ['--id-column', opts.idColumn],
    ['--patient-name-column', opts.patientNameColumn],
    ['--nhs-number-column', opts.nhsNumberColumn],
  ];
  const idx: Record<string, number | undefined> = {};
  for (const [flag, col] of wanted) {
    if (col === undefined) continue;
    // Exact name first, then ignoring case and surrounding spaces (spreadsheet headers drift).
    let i = header.indexOf(col);
    if (i < 0) i = header.findIndex((h) => h.trim().toLowerCase() === col.trim().toLowerCase());
    if (i < 0) return { error: `${flag} ${quoteName(col)} not found in the CSV header; ${available}` };
    idx[flag] = i;
  }
  return { idx };
}

/** One row of a record file, as the reader and the rewriter both see it. */
export type CsvRow =
  | { kind: 'row'; record: string; row: string; cells: string[]; textIndex: number; patient?: Patient }
  | { kind: 'short'; record: string; row: string; cells: string[] }
  | { kind: 'bad'; record: string; line: number; code: string };

export interface CsvRecords {
  delimiter: string;
  header: string[];
  rows: CsvRow[];
}

/**
 * A CSV file's records, with their ids, in file order: the one reading of a record file that
 * scan (readCsv) and redact (rewriteCsv) share, so a record's id and text are the same in both.
 */
export function csvRecords(text: string, opts: ReaderOptions): CsvRecords | { error: string } {
  let events: Event[];
  try {
    events = parseEvents(text);
  } catch (err) {
    const code = (err as { code?: string }).code ?? 'CSV_ERROR';
    return { error: `malformed CSV (${code})` };
  }
  const first = events[0];
  if (!first || first.kind !== 'row') return { error: first ? `malformed CSV header at line ${first.line} (${first.code})` : 'empty CSV: no header row' };
  const header = first.cells.map((h) => h.replace(/^\uFEFF/, ''));
  const where = locate(header, opts);
  if ('error' in where) return { error: where.error };
  const { idx } = where;
  const rows: CsvRow[] = [];
  const ids = new RecordIds();
  for (let k = 1; k < events.length; k++) {
    const ev = events[k];
    const row = String(k + 1);
    if (ev.kind === 'bad') {
      rows.push({ kind: 'bad', record: ids.take(row), line: ev.line, code: ev.code });
      continue;
    }
    const cell = (flag: string) => {
      const i = idx[flag];
      return i === undefined ? undefined : ev.cells[i];
    };
    const record = ids.take(cell('--id-column')?.trim() || row);
    if (cell('--text-column') === undefined) {
      rows.push({ kind: 'short', record, row, cells: ev.cells });
      continue;
    }
    const patient: Patient = {};
    const name = cell('--patient-name-column')?.trim();
    const nhs = cell('--nhs-number-column')?.trim();
    if (name) patient.name = name;
    if (nhs) patient.nhsNumber = nhs;
    rows.push({ kind: 'row', record, row, cells: ev.cells, textIndex: idx['--text-column']!, ...(patient.name || patient.nhsNumber ? { patient } : {}) });
  }
  return { delimiter: sniffDelimiter(text), header, rows };
}

export const readCsv: Reader = async (_path, bytes, opts) => {
  const d = decodeDocument(bytes);
  if ('error' in d) return [errorDoc(d.error)];
  const enc = d.encoding ? { encoding: d.encoding } : {};
  const parsed = csvRecords(d.text, opts);
  if ('error' in parsed) return [errorDoc(parsed.error, enc)];
  return parsed.rows.map((r): ReadDocument => {
    if (r.kind === 'bad') return errorDoc(`malformed CSV row at line ${r.line} (${r.code})`, { record: r.record, ...enc });
    if (r.kind === 'short') return errorDoc(`row ${r.row} has no ${quoteName(opts.textColumn!)} cell (too few columns)`, { record: r.record, ...enc });
    return { record: r.record, text: r.cells[r.textIndex], ...enc, ...(r.patient ? { patient: r.patient } : {}) };
  });
};

/** A cell as RFC 4180 writes it: quoted when it holds the delimiter, a quote, a line break or edge spaces. */
function csvCell(cell: string, delimiter: string): string {
  return cell.includes(delimiter) || /["\r\n]|^\s|\s$/.test(cell) ? `"${cell.replace(/"/g, '""')}"` : cell;
}

/**
 * The same CSV with each record's text cell replaced (`replace(record)`: the new text, or
 * undefined to leave the row out). Rows that could not be read are left out too: what cannot be
 * read cannot be redacted. The other cells, the header and the delimiter are kept.
 */
export function rewriteCsv(text: string, opts: ReaderOptions, replace: (record: string) => string | undefined): { text: string; omitted: string[] } | { error: string } {
  const parsed = csvRecords(text, opts);
  if ('error' in parsed) return parsed;
  const { delimiter } = parsed;
  const line = (cells: string[]) => cells.map((c) => csvCell(c, delimiter)).join(delimiter) + '\r\n';
  let out = line(parsed.header);
  const omitted: string[] = [];
  for (const r of parsed.rows) {
    const t = r.kind === 'row' ? replace(r.record) : undefined;
    if (r.kind !== 'row' || t === undefined) {
      omitted.push(r.record);
      continue;
    }
    const cells = [...r.cells];
    cells[r.textIndex] = t;
    out += line(cells);
  }
  return { text: out, omitted };
}
