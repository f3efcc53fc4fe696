import { readFileSync, statSync } from 'node:fs';
import { extname } from 'node:path';
import { readCsv } from './csv.js';
import { readDocx } from './docx.js';
import { errorDoc, errorKind } from './errors.js';
import { readHtml } from './html.js';
import { readJsonl } from './jsonl.js';
import { describeOptionIssues, ReaderOptionsSchema } from './options.js';
import { readPdf } from './pdf.js';
import { readRtf } from './rtf.js';
import { readPlainText } from './text.js';
import type { ReadDocument, Reader, ReaderOptions } from './types.js';

export type { ReadDocument, Reader, ReaderOptions } from './types.js';
export { ReaderOptionsSchema } from './options.js';
export { htmlToText } from './html.js';
export { rtfToText } from './rtf.js';

const READERS: Record<string, Reader> = {
  '.txt': readPlainText,
  '.md': readPlainText,
  '.text': readPlainText,
  '.html': readHtml,
  '.htm': readHtml,
  '.rtf': readRtf,
  '.docx': readDocx,
  '.pdf': readPdf,
  '.csv': readCsv,
  '.jsonl': readJsonl,
};

/** Extensions we can read, lower case with the dot. */
export const SUPPORTED_EXTENSIONS: readonly string[] = Object.freeze(Object.keys(READERS));

export function readerFor(path: string): Reader | undefined {
  return READERS[extname(path).toLowerCase()];
}

/**
 * Read one file into its documents: the one way every entry point reads a file. Never throws
 * and never rejects: whatever goes wrong (a missing or unreadable file, a file over
 * `maxBytes`, a corrupt docx) becomes one document with `error`, which names the cause without
 * quoting the file's text. The bytes are read synchronously: a pool worker has nothing else to
 * do meanwhile, and for small files two trips through libuv's thread pool (shared by every
 * worker) cost more than the read.
 */
export async function readFile(path: string, opts: ReaderOptions): Promise<ReadDocument[]> {
  const parsed = ReaderOptionsSchema.safeParse(opts);
  if (!parsed.success) return [errorDoc(`invalid reader options: ${describeOptionIssues(parsed.error)}`)];
  const options = parsed.data;
  const reader = readerFor(path);
  if (!reader) {
    const ext = extname(path).toLowerCase();
    return [errorDoc(ext ? `unsupported file type ${ext}` : 'no file extension')];
  }
  let bytes: Uint8Array;
  try {
    const st = statSync(path);
    if (!st.isFile()) return [errorDoc('not a regular file')];
    // Checked before reading so that a huge file never enters memory.
    if (st.size > options.maxBytes) return [errorDoc(`file is ${st.size} bytes, over --max-bytes ${options.maxBytes}`)];
    bytes = readFileSync(path);
    // The file may have grown between stat and read.
    if (bytes.byteLength > options.maxBytes) return [errorDoc(`file is ${bytes.byteLength} bytes, over --max-bytes ${options.maxBytes}`)];
  } catch (err) {
    return [errorDoc(`cannot read file (${errorKind(err)})`)];
  }
  try {
    return await reader(path, bytes, options);
  } catch (err) {
    // Readers catch their own failures; this is the last guard, and it stays text-free.
    return [errorDoc(`could not read ${extname(path).toLowerCase().slice(1)} file (${errorKind(err)})`)];
  }
}
