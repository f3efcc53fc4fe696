/**
 * The one place the batch runner meets the readers (src/batch/readers/**, part A's contract):
 * `readFile(path, opts)` never throws; it stats the file (regular files only, `maxBytes` checked
 * before reading), picks the reader by extension, and returns one document per record.
 * `readerFor(path)` is the reader alone, given bytes: the pool workers read the bytes
 * themselves, synchronously (see worker.ts).
 */
export { readFile as readDocuments, readerFor, ReaderOptionsSchema, SUPPORTED_EXTENSIONS } from './readers/index.js';
export { errorKind } from './readers/errors.js';
export type { ReadDocument, Reader, ReaderOptions } from './readers/types.js';
