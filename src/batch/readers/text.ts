import { binarySignature, decodeText, looksBinary } from '../decode.js';
import { fixCp1252 } from './cp1252.js';
import { errorDoc } from './errors.js';
import type { ReadDocument, Reader } from './types.js';

export const BINARY_ERROR = 'binary content (NUL bytes or control characters), not a text document';

/**
 * Bytes to text for every text-based format (plain, html, rtf, csv, jsonl): one place that
 * decides the encoding and refuses binary content.
 */
export function decodeDocument(bytes: Uint8Array): { text: string; encoding?: string } | { error: string } {
  const kind = binarySignature(bytes);
  if (kind) return { error: `${BINARY_ERROR}: the file is ${kind}` };
  const decoded = decodeText(bytes);
  const { encoding } = decoded;
  // Repair before the binary check: wrongly decoded curly quotes would count as control characters.
  const text = encoding === 'windows-1252' ? fixCp1252(decoded.text) : decoded.text;
  if (looksBinary(text)) return { error: BINARY_ERROR };
  // UTF-8 is the expected case; anything else is reported so the result can say so.
  return encoding === 'utf-8' ? { text } : { text, encoding };
}

/** `.txt`, `.md`, `.text`: the file is the document. */
export const readPlainText: Reader = async (_path, bytes) => {
  const d = decodeDocument(bytes);
  if ('error' in d) return [errorDoc(d.error)];
  const doc: ReadDocument = { text: d.text };
  if (d.encoding) doc.encoding = d.encoding;
  return [doc];
};
