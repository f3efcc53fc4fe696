import type { Patient } from '../../model/index.js';
import { errorDoc, listNames, quoteName } from './errors.js';
import { RecordIds } from './ids.js';
import { looksLikeFhirLines, readNdjsonText } from './fhir/read.js';
import { decodeDocument } from './text.js';
import type { ReadDocument, Reader } from './types.js';

/**
 * `.jsonl` record files: one JSON object a line, text from `--text-field`. A record's id is the
 * `--id-field` value, or else its line number. A bad line is an error document for that line;
 * the others go on. `--patient-name-column` and `--nhs-number-column` name fields here too.
 * Field names may be dotted paths (`letter.body`) for nested objects. A file whose first object
 * has a `resourceType` is FHIR NDJSON instead (fhir/read.ts).
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

export const readJsonl: Reader = async (_path, bytes, opts, heavy) => {
  const d = decodeDocument(bytes);
  if ('error' in d) return [errorDoc(d.error)];
  // Objects with a resourceType are FHIR resources (NDJSON), whatever --text-field says (DESIGN.md).
  if (looksLikeFhirLines(d.text)) return readNdjsonText(d.text, opts, heavy, d.encoding);
  const enc = d.encoding ? { encoding: d.encoding } : {};
  const lines = d.text.split(/\r?\n/);
  const docs: ReadDocument[] = [];
  const ids = new RecordIds();
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (line === '') continue;
    const lineNo = String(i + 1);
    let obj: unknown;
    try {
      obj = JSON.parse(line);
    } catch {
      docs.push(errorDoc(`line ${lineNo}: invalid JSON`, { record: ids.take(lineNo), ...enc }));
      continue;
    }
    if (!opts.textField) {
      // Named once for the whole file: every record would fail the same way.
      return [errorDoc(`--text-field is required for JSONL files; fields of the first record: ${keysOf(obj)}`, enc)];
    }
    if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) {
      docs.push(errorDoc(`line ${lineNo}: not a JSON object`, { record: ids.take(lineNo), ...enc }));
      continue;
    }
    const record = ids.take((opts.idField ? scalar(get(obj, opts.idField)) : undefined) ?? lineNo);
    const text = get(obj, opts.textField);
    if (typeof text !== 'string') {
      const what = text === undefined ? 'missing' : `not a string (${text === null ? 'null' : Array.isArray(text) ? 'array' : typeof text})`;
      docs.push(errorDoc(`line ${lineNo}: field ${quoteName(opts.textField)} is ${what}; fields: ${keysOf(obj)}`, { record, ...enc }));
      continue;
    }
    const doc: ReadDocument = { record, text, ...enc };
    const patient: Patient = {};
    const name = opts.patientNameColumn ? scalar(get(obj, opts.patientNameColumn)) : undefined;
    const nhs = opts.nhsNumberColumn ? scalar(get(obj, opts.nhsNumberColumn)) : undefined;
    if (name) patient.name = name;
    if (nhs) patient.nhsNumber = nhs;
    if (name || nhs) doc.patient = patient;
    docs.push(doc);
  }
  if (docs.length === 0 && !opts.textField) return [errorDoc('--text-field is required for JSONL files', enc)];
  return docs;
};
