import type { Patient } from '../../model/index.js';
import { errorDoc, listNames, quoteName } from './errors.js';
import { RecordIds } from './ids.js';
import { looksLikeFhirLines, readNdjsonText } from './fhir/read.js';
import { decodeDocument } from './text.js';
import type { ReadDocument, Reader, ReaderOptions } from './types.js';

/**
 * `.jsonl` record files: one JSON object a line, text from `--text-field`. A record's id is the
 * `--id-field` value, or else its line number. A bad line is an error document for that line;
 * the others go on. `--patient-name-column` and `--nhs-number-column` name fields here too.
 * Field names may be dotted paths (`letter.body`) for nested objects.
 */

function get(obj: unknown, field: string): unknown {
  if (obj === null || typeof obj !== 'object') return undefined;
  const o = obj as Record<string, unknown>;
  if (field in o) return o[field];
  let cur: unknown = obj;
  for (const part of field.split('.')) {
    if (cur === null || typeof cur !== 'object' || !(part in (cur as object))) return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}

/** A scalar as a string, or undefined: ids and patient details may be numbers in JSON. */
function scalar(v: unknown): string | undefined {
  if (typeof v === 'string') return v.trim() || undefined;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  return undefined;
}

/** Top-level keys, to help the user pick a field. */
const keysOf = (o: unknown) => (o && typeof o === 'object' && !Array.isArray(o) ? listNames(Object.keys(o), 'field') : '(not an object)');

/** One line of a JSONL record file, as the reader and the rewriter both see it. */
export type JsonlLine =
  | { kind: 'record'; record: string; line: number; obj: Record<string, unknown>; text: string; patient?: Patient }
  | { kind: 'bad'; record: string; line: number; error: string };

/**
 * A JSONL file's records, with their ids, in file order: the one reading that scan (readJsonl)
 * and redact (rewriteJsonl) share. An error for the whole file (no --text-field) is returned alone.
 */
export function jsonlRecords(text: string, opts: ReaderOptions): JsonlLine[] | { error: string } {
  const lines = text.split(/\r?\n/);
  const out: JsonlLine[] = [];
  const ids = new RecordIds();
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (line === '') continue;
    const lineNo = String(i + 1);
    let obj: unknown;
    try {
      obj = JSON.parse(line);
    } catch {
      out.push({ kind: 'bad', record: ids.take(lineNo), line: i + 1, error: `line ${lineNo}: invalid JSON` });
      continue;
    }
    if (!opts.textField) {
      // Named once for the whole file: every record would fail the same way.
      return { error: `--text-field is required for JSONL files; fields of the first record: ${keysOf(obj)}` };
    }
    if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) {
      out.push({ kind: 'bad', record: ids.take(lineNo), line: i + 1, error: `line ${lineNo}: not a JSON object` });
      continue;
    }
    const record = ids.take((opts.idField ? scalar(get(obj, opts.idField)) : undefined) ?? lineNo);
    const value = get(obj, opts.textField);
    if (typeof value !== 'string') {
      const what = value === undefined ? 'missing' : `not a string (${value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value})`;
      out.push({ kind: 'bad', record, line: i + 1, error: `line ${lineNo}: field ${quoteName(opts.textField)} is ${what}; fields: ${keysOf(obj)}` });
      continue;
    }
    const patient: Patient = {};
    const name = opts.patientNameColumn ? scalar(get(obj, opts.patientNameColumn)) : undefined;
    const nhs = opts.nhsNumberColumn ? scalar(get(obj, opts.nhsNumberColumn)) : undefined;
    if (name) patient.name = name;
    if (nhs) patient.nhsNumber = nhs;
    out.push({ kind: 'record', record, line: i + 1, obj: obj as Record<string, unknown>, text: value, ...(name || nhs ? { patient } : {}) });
  }
  if (out.length === 0 && !opts.textField) return { error: '--text-field is required for JSONL files' };
  return out;
}

export const readJsonl: Reader = async (_path, bytes, opts, heavy) => {
  const d = decodeDocument(bytes);
  if ('error' in d) return [errorDoc(d.error)];
  // Objects with a resourceType are FHIR resources (NDJSON), whatever --text-field says (DESIGN.md).
  if (looksLikeFhirLines(d.text)) return readNdjsonText(d.text, opts, heavy, d.encoding);
  const enc = d.encoding ? { encoding: d.encoding } : {};
  const parsed = jsonlRecords(d.text, opts);
  if ('error' in parsed) return [errorDoc(parsed.error, enc)];
  return parsed.map((l): ReadDocument =>
    l.kind === 'bad' ? errorDoc(l.error, { record: l.record, ...enc }) : { record: l.record, text: l.text, ...enc, ...(l.patient ? { patient: l.patient } : {}) },
  );
};

/** Set a field the way `get` found it: a key of that name, else a dotted path of existing objects. */
function set(obj: Record<string, unknown>, field: string, value: string): void {
  if (field in obj) {
    obj[field] = value;
    return;
  }
  const parts = field.split('.');
  let cur = obj;
  for (const part of parts.slice(0, -1)) cur = cur[part] as Record<string, unknown>;
  cur[parts[parts.length - 1]] = value;
}

/**
 * The same JSONL with each record's text field replaced (`replace(record)`: the new text, or
 * undefined to leave the line out). Lines that could not be read are left out too. Every other
 * field is kept; each line is written again as compact JSON.
 */
export function rewriteJsonl(text: string, opts: ReaderOptions, replace: (record: string) => string | undefined): { text: string; omitted: string[] } | { error: string } {
  const parsed = jsonlRecords(text, opts);
  if ('error' in parsed) return parsed;
  let out = '';
  const omitted: string[] = [];
  for (const l of parsed) {
    const t = l.kind === 'record' ? replace(l.record) : undefined;
    if (l.kind !== 'record' || t === undefined) {
      omitted.push(l.record);
      continue;
    }
    set(l.obj, opts.textField!, t);
    out += JSON.stringify(l.obj) + '\n';
  }
  return { text: out, omitted };
}
