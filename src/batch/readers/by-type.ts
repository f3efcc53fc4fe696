import { errorDoc } from './errors.js';
import { HEAVY_EXTENSIONS } from './kinds.js';
import { readHtml } from './html.js';
import { readRtf } from './rtf.js';
import { readPlainText } from './text.js';
import type { HeavyReader, ReadDocument, Reader, ReaderOptions } from './types.js';

/** Word 97-2003: a binary format we do not read; it is an error to review, never skipped as harmless. */
export const readDoc: Reader = async () => [errorDoc('Word 97-2003 .doc files are not read: save it as .docx (or PDF) and scan that')];

/** The readers of single documents, by extension: files, and FHIR attachments by their content type. */
export const DOCUMENT_READERS: Record<string, Reader> = {
  '.txt': readPlainText,
  '.md': readPlainText,
  '.text': readPlainText,
  '.html': readHtml,
  '.htm': readHtml,
  '.rtf': readRtf,
  '.doc': readDoc,
};

/** Read one document's bytes as the file type `ext` says: heavy types in the reader child process. */
export async function readDocumentAs(ext: string, path: string, bytes: Uint8Array, opts: ReaderOptions, heavy: HeavyReader): Promise<ReadDocument[]> {
  if (HEAVY_EXTENSIONS.includes(ext)) return heavy.read(ext, bytes, { ocr: opts.ocr !== false });
  const reader = DOCUMENT_READERS[ext];
  if (!reader) return [errorDoc(`unsupported file type ${ext}`)];
  return reader(path, bytes, opts, heavy);
}
