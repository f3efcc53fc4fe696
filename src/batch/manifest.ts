/**
 * The patient manifest (`--patients FILE.csv`): which patient each file belongs to, so that the
 * patient's own name and identifiers are not reported as a third party.
 *
 *   path,name,nhsNumber,dateOfBirth,sex
 *   letters/2019/a.txt,Derek Haines,9136094692,1955-11-19,male

 * (`sex` is optional: a title of the other sex, "Mrs Haines" in Mr Haines's record, then points
 * to someone else.)
 *
 * `path` is relative to the manifest's own folder (or absolute). Columns other than these four
 * are an error naming them (a misspelt column would silently lose the patient's identity).
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { createRequire } from 'node:module';
import type * as CsvParse from 'csv-parse/sync';
import type { Patient } from '../model/index.js';

// Loaded on first use, not at import: importing the package (or starting a worker) should not pay for
// libraries that scanning a text never needs (cold start, issue 17).
const requireHere = createRequire(import.meta.url);
let csvParseModule: typeof CsvParse | undefined;
const csvParse = (): typeof CsvParse => (csvParseModule ??= requireHere('csv-parse/sync') as typeof CsvParse);

export class ManifestError extends Error {}

const COLUMNS = ['path', 'name', 'nhsNumber', 'dateOfBirth', 'sex'] as const;

export function loadManifest(file: string): Map<string, Patient> {
  let rows: Record<string, string>[];
  try {
    rows = csvParse().parse(readFileSync(file), { columns: true, bom: true, skip_empty_lines: true, trim: true }) as Record<string, string>[];
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new ManifestError(`patient manifest ${file}: ${code && /^E[A-Z]+$/.test(code) ? `cannot read it (${code})` : 'not a valid CSV file'}`);
  }
  const map = new Map<string, Patient>();
  if (rows.length === 0) return map;
  const unknown = Object.keys(rows[0]).filter((c) => !(COLUMNS as readonly string[]).includes(c));
  if (unknown.length) throw new ManifestError(`patient manifest ${file}: unknown column ${unknown.map((c) => `"${c}"`).join(', ')} (expected ${COLUMNS.join(', ')})`);
  if (!('path' in rows[0])) throw new ManifestError(`patient manifest ${file}: no "path" column`);
  const base = dirname(resolve(file));
  rows.forEach((r, i) => {
    if (!r.path) throw new ManifestError(`patient manifest ${file}: row ${i + 2} has an empty "path"`);
    const p: Patient = {};
    if (r.name) p.name = r.name;
    if (r.nhsNumber) p.nhsNumber = r.nhsNumber;
    if (r.dateOfBirth) p.dateOfBirth = r.dateOfBirth;
    if (r.sex) p.sex = r.sex;
    map.set(resolve(base, r.path), p);
  });
  return map;
}
