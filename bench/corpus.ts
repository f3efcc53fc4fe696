import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';
import fg from 'fast-glob';

/** Documents from ../shared/data/corpus: ACI-Bench notes and dialogues, synthetic NHS notes. */
export function loadCorpus(): string[] {
  const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../shared/data/corpus');
  const docs: string[] = [];
  for (const f of fg.sync(fg.convertPathToPattern(root) + '/**/*.csv').sort()) {
    const rows = parse(readFileSync(f), { columns: true, relax_quotes: true, skip_empty_lines: true }) as Record<string, string>[];
    for (const r of rows) for (const k of ['note', 'dialogue', 'section_text']) if (r[k] && r[k].length > 40) docs.push(r[k]);
  }
  for (const f of fg.sync(fg.convertPathToPattern(root) + '/**/*.json').sort()) {
    const data = JSON.parse(readFileSync(f, 'utf8')) as Record<string, { Admission_Note?: string }>;
    for (const v of Object.values(data)) if (v.Admission_Note) docs.push(v.Admission_Note);
  }
  return docs;
}

export const bytesOf = (docs: string[]) => docs.reduce((n, d) => n + Buffer.byteLength(d, 'utf8'), 0);
