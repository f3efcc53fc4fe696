/**
 * The one place the batch runner meets the readers (part A owns src/batch/readers/**).
 *
 * Until src/batch/readers/index.ts exists this is a local fallback for plain text (.txt, .md,
 * .text) using decode.ts; when it lands, re-export its `readFile` and `SUPPORTED_EXTENSIONS`
 * here and nothing else in the runner changes.
 */
import { readFile as fsReadFile } from 'node:fs/promises';
import { decodeText, looksBinary } from './decode.js';
import type { ReadDocument, ReaderOptions } from './readers/types.js';

export type { ReadDocument, ReaderOptions } from './readers/types.js';

export const SUPPORTED_EXTENSIONS: readonly string[] = ['.txt', '.md', '.text'];

export async function readDocuments(path: string, opts: ReaderOptions): Promise<ReadDocument[]> {
  let buf: Buffer;
  try {
    buf = await fsReadFile(path);
  } catch (err) {
    return [{ text: '', error: `cannot read file (${(err as NodeJS.ErrnoException).code ?? 'error'})` }];
  }
  if (buf.length > opts.maxBytes) return [{ text: '', error: `file is ${buf.length} bytes, over --max-bytes ${opts.maxBytes}` }];
  const { text, encoding } = decodeText(buf);
  if (looksBinary(text)) return [{ text: '', error: 'binary content (NUL bytes or control characters), not a text document' }];
  return [{ text, ...(encoding !== 'utf-8' ? { encoding } : {}) }];
}
