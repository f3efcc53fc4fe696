import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { resolveLexicons } from '../../batch/job.js';
import { decodeDocument } from '../../batch/readers/text.js';
import { DEFAULT_MAX_BYTES } from '../../batch/results.js';
import { createFileScanner } from '../../batch/worker.js';
import { verdictAtLeast, type DocumentResult, type Verdict } from '../../model/index.js';
import { jsonlLine, stylishDetail, withoutText } from '../../report/index.js';
import { EXIT, type CliIo } from '../io.js';
import { loadConfigFor } from './scan.js';

export interface CheckFlags {
  format: 'stylish' | 'json' | 'jsonl';
  failOn?: Verdict;
  includeText?: boolean;
  lexicons?: string[];
  patientName?: string;
  config?: string;
  /** false with --no-ocr */
  ocr?: boolean;
}

const isFile = (p: string) => {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
};

/**
 * `check [TEXT | FILE]`: one document, with every finding. An argument that names an existing
 * file is read as that document, by the same readers and scanner as `scan`; otherwise the
 * argument is the text; without one, standard input is (decoded as files are: BOMs, UTF-16,
 * Windows-1252, and binary refused).
 */
export async function checkCommand(arg: string | undefined, flags: CheckFlags, io: CliIo): Promise<number> {
  const { config } = loadConfigFor(flags, io.cwd);
  const files = resolveLexicons(io.cwd, [...(config.lexicons ?? []), ...(flags.lexicons ?? [])]);
  const fs = createFileScanner({
    lexicons: files,
    thresholds: config.thresholds,
    includeText: !!flags.includeText,
    maxBytes: config.maxBytes ?? DEFAULT_MAX_BYTES,
    reader: { textColumn: config.textColumn, idColumn: config.idColumn, patientNameColumn: config.patientNameColumn, nhsNumberColumn: config.nhsNumberColumn, textField: config.textField, idField: config.idField, ocr: flags.ocr === false ? false : (config.ocr ?? true) },
  });
  const patient = flags.patientName ? { name: flags.patientName } : undefined;
  let docs: DocumentResult[];
  if (arg !== undefined && isFile(resolve(io.cwd, arg))) {
    const r = await fs.scanFile({ i: 0, abs: resolve(io.cwd, arg), path: arg, ...(patient ? { patient } : {}) });
    docs = r.docs.map((d) => d.doc!);
  } else if (arg !== undefined) {
    docs = [fs.scanText('<argument>', { text: arg }, patient)];
  } else {
    const d = decodeDocument(io.readStdin());
    docs = [fs.scanText('<stdin>', 'error' in d ? { text: '', error: d.error } : { text: d.text, ...(d.encoding ? { encoding: d.encoding } : {}) }, patient)];
  }
  await fs.close();
  const clean = docs.map((d) => (flags.includeText ? d : withoutText(d)));
  if (flags.format === 'json') io.stdout.write(JSON.stringify(clean, null, 2) + '\n');
  else for (const d of clean) io.stdout.write(flags.format === 'jsonl' ? jsonlLine(d) : stylishDetail(d));
  const failOn = flags.failOn ?? config.failOn ?? 'withhold';
  if (docs.some((d) => d.error)) return EXIT.error;
  return docs.some((d) => verdictAtLeast(d.verdict, failOn)) ? EXIT.failOn : EXIT.ok;
}
