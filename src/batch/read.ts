/**
 * The one place the batch runner meets the readers (src/batch/readers/**): `readDocuments(path,
 * opts)` never throws; it stats the file (regular files only, `maxBytes` checked before
 * reading), picks the reader by extension, and returns one document per record. Pool workers
 * and tests call this same function.
 */
export { readFile as readDocuments, loadFile, loadGivenBytes, readBytes, readerFor, ReaderOptionsSchema, SUPPORTED_EXTENSIONS } from './readers/index.js';
export type { ReadDocument, Reader, ReaderOptions } from './readers/types.js';
