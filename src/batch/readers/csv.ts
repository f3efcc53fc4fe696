import { parse, type Options } from 'csv-parse/sync';
import type { Patient } from '../../model/index.js';
import { errorDoc, listNames, quoteName } from './errors.js';
import { RecordIds } from './ids.js';
import { decodeDocument } from './text.js';
import type { ReadDocument, Reader, ReaderOptions } from './types.js';

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
  parse(text, options);
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

export const readCsv: Reader = async (_path, bytes, opts) => {
  const d = decodeDocument(bytes);
  if ('error' in d) return [errorDoc(d.error)];
  const enc = d.encoding ? { encoding: d.encoding } : {};
  let events: Event[];
  try {
    events = parseEvents(d.text);
  } catch (err) {
    const code = (err as { code?: string }).code ?? 'CSV_ERROR';
    return [errorDoc(`malformed CSV (${code})`, enc)];
  }
  const first = events[0];
  if (!first || first.kind !== 'row') return [errorDoc(first ? `malformed CSV header at line ${first.line} (${first.code})` : 'empty CSV: no header row', enc)];
  const header = first.cells.map((h) => h.replace(/^\uFEFF/, ''));
  const where = locate(header, opts);
  if ('error' in where) return [errorDoc(where.error, enc)];
  const { idx } = where;
  const docs: ReadDocument[] = [];
  const ids = new RecordIds();
  for (let k = 1; k < events.length; k++) {
    const ev = events[k];
    const row = String(k + 1);
    if (ev.kind === 'bad') {
      docs.push(errorDoc(`malformed CSV row at line ${ev.line} (${ev.code})`, { record: ids.take(row), ...enc }));
      continue;
    }
    const cell = (flag: string) => {
      const i = idx[flag];
      return i === undefined ? undefined : ev.cells[i];
    };
    const record = ids.take(cell('--id-column')?.trim() || row);
    const text = cell('--text-column');
    if (text === undefined) {
      docs.push(errorDoc(`row ${row} has no ${quoteName(opts.textColumn!)} cell (too few columns)`, { record, ...enc }));
      continue;
    }
    const doc: ReadDocument = { record, text, ...enc };
    const patient: Patient = {};
    const name = cell('--patient-name-column')?.trim();
    const nhs = cell('--nhs-number-column')?.trim();
    if (name) patient.name = name;
    if (nhs) patient.nhsNumber = nhs;
    if (patient.name || patient.nhsNumber) doc.patient = patient;
    docs.push(doc);
  }
  return docs;
};
