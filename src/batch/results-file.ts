import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { DocumentResultSchema, documentKey, type DocumentResult } from '../model/index.js';
import { InputFileError, parseJsonlLine } from '../report/index.js';

/**
 * A results file (`scan --format jsonl`, or a resumed run's journal) read back, line by line,
 * each line checked against the jsonl row's schema. Keyed by (path, record): where a file was
 * scanned again in a resumed run, its later lines win, as they do on resume.
 */
export async function readResultsFile(file: string, shown = file): Promise<Map<string, DocumentResult>> {
  const rows = new Map<string, DocumentResult>();
  let n = 0;
  try {
    const rl = createInterface({ input: createReadStream(file, { encoding: 'utf8' }), crlfDelay: Infinity });
    for await (const line of rl) {
      n++;
      const d = parseJsonlLine(DocumentResultSchema, n === 1 ? line.replace(/^\uFEFF/, '') : line, n, shown);
      if (d) rows.set(documentKey(d.path, d.record), d);
    }
  } catch (err) {
    if (err instanceof InputFileError) throw err;
    throw new InputFileError(`cannot read the results file ${shown} (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  return rows;
}
