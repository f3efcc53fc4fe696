/**
 * The one place the batch runner meets the readers (src/batch/readers/**, part A's contract):
 * `readFile(path, opts)` never throws; it stats the file (regular files only, `maxBytes` checked
 * before reading), picks the reader by extension, and returns one document per record.
 */
export { readFile as readDocuments, SUPPORTED_EXTENSIONS } from './readers/index.js';
export type { ReadDocument, ReaderOptions } from './readers/types.js';
