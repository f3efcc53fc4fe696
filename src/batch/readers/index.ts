import { readFileSync, statSync } from 'node:fs';
import { extname } from 'node:path';
import { DOCUMENT_READERS } from './by-type.js';
import { readCsv } from './csv.js';
import { errorDoc, errorKind } from './errors.js';
import { readFhirJson, readFhirNdjson } from './fhir/read.js';
import { HEAVY_EXTENSIONS } from './kinds.js';
import { readJsonl } from './jsonl.js';
import { describeOptionIssues, ReaderOptionsSchema } from './options.js';
import type { HeavyReader, ReadDocument, Reader, ReaderOptions } from './types.js';

export type { HeavyReader, ReadDocument, Reader, ReaderOptions, FhirSource } from './types.js';
export { ReaderOptionsSchema } from './options.js';
export { htmlToText } from './html.js';
export { rtfToText } from './rtf.js';

const READERS: Record<string, Reader> = {
  ...DOCUMENT_READERS,
  '.csv': readCsv,
  // A .jsonl file whose objects have a resourceType is FHIR NDJSON (jsonl.ts decides); .json is always FHIR.
  '.jsonl': readJsonl,
  '.ndjson': readFhirNdjson,
  '.json': readFhirJson,
};

/** Extensions we can read, lower case with the dot. */
export const SUPPORTED_EXTENSIONS: readonly string[] = Object.freeze([...Object.keys(READERS), ...HEAVY_EXTENSIONS]);

export function readerFor(path: string): Reader | undefined {
  return READERS[extname(path).toLowerCase()];
}

let shared: HeavyReader | undefined;
/** The heavy reader of this thread: one reader child process, started on first use. */
export async function defaultHeavyReader(): Promise<HeavyReader> {
  if (!shared) {
    const { ReaderHost } = await import('../reader-host.js');
    shared = new ReaderHost();
  }
  return shared;
}

/** A file's bytes, loaded under the size limit, or why they could not be. */
export type Loaded = { bytes: Uint8Array; options: ReaderOptions } | { docs: ReadDocument[] };

/**
 * Load a file's bytes for reading: options checked, the type known, a regular file, within
 * `maxBytes` (checked before reading, so a huge file never enters memory). Synchronous: a pool
 * worker has nothing else to do meanwhile, and for small files two trips through libuv's thread
 * pool (shared by every worker) cost more than the read.
 */
export function loadFile(path: string, opts: ReaderOptions): Loaded {
  const parsed = ReaderOptionsSchema.safeParse(opts);
  if (!parsed.success) return { docs: [errorDoc(`invalid reader options: ${describeOptionIssues(parsed.error)}`)] };
  const options = parsed.data;
  const ext = extname(path).toLowerCase();
  if (!readerFor(path) && !HEAVY_EXTENSIONS.includes(ext)) return { docs: [errorDoc(ext ? `unsupported file type ${ext}` : 'no file extension')] };
  try {
    const st = statSync(path);
    if (!st.isFile()) return { docs: [errorDoc('not a regular file')] };
    if (st.size > options.maxBytes) return { docs: [errorDoc(`file is ${st.size} bytes, over --max-bytes ${options.maxBytes}`)] };
    const bytes = readFileSync(path);
    // The file may have grown between stat and read.
    if (bytes.byteLength > options.maxBytes) return { docs: [errorDoc(`file is ${bytes.byteLength} bytes, over --max-bytes ${options.maxBytes}`)] };
    return { bytes, options };
  } catch (err) {
    return { docs: [errorDoc(`cannot read file (${errorKind(err)})`)] };
  }
}

/**
 * --max-bytes bounds what a file expands to as well as the file: a small archive or PDF whose
 * text has more characters than the limit has bytes is an error, as a file that large would
 * have been. (A text file's characters never outnumber its bytes.)
 */
function withinMaxBytes(d: ReadDocument, maxBytes: number): ReadDocument {
  if (d.error || d.text.length <= maxBytes) return d;
  return errorDoc(`its text is ${d.text.length} characters, over --max-bytes ${maxBytes} (the file expands to more than the limit)`, d.record !== undefined ? { record: d.record } : {});
}

/**
 * Bytes the caller already holds (the queue: a file whose bytes the database keeps), checked as
 * `loadFile` checks a file: the options, the type, and `maxBytes`, with the same messages.
 */
export function loadGivenBytes(path: string, bytes: Uint8Array, opts: ReaderOptions): Loaded {
  const parsed = ReaderOptionsSchema.safeParse(opts);
  if (!parsed.success) return { docs: [errorDoc(`invalid reader options: ${describeOptionIssues(parsed.error)}`)] };
  const ext = extname(path).toLowerCase();
  if (!readerFor(path) && !HEAVY_EXTENSIONS.includes(ext)) return { docs: [errorDoc(ext ? `unsupported file type ${ext}` : 'no file extension')] };
  if (bytes.byteLength > parsed.data.maxBytes) return { docs: [errorDoc(`file is ${bytes.byteLength} bytes, over --max-bytes ${parsed.data.maxBytes}`)] };
  return { bytes, options: parsed.data };
}

/** A loaded file's documents, by the reader for its type (heavy types in a reader child process). Never rejects. */
export async function readBytes(path: string, bytes: Uint8Array, options: ReaderOptions, heavy?: HeavyReader): Promise<ReadDocument[]> {
  const ext = extname(path).toLowerCase();
  // Started only if the file needs it (a PDF, or a FHIR resource with a PDF attachment).
  const lazy: HeavyReader = { read: async (e, b, o) => (heavy ?? (await defaultHeavyReader())).read(e, b, o) };
  try {
    const docs = HEAVY_EXTENSIONS.includes(ext) ? await lazy.read(ext, bytes, { ocr: options.ocr !== false }) : await readerFor(path)!(path, bytes, options, lazy);
    return docs.map((d) => withinMaxBytes(d, options.maxBytes));
  } catch (err) {
    // Readers catch their own failures; this is the last guard, and it stays text-free.
    return [errorDoc(`could not read ${ext.slice(1)} file (${errorKind(err)})`)];
  }
}

/**
 * Read one file into its documents: the one way every entry point reads a file. Never throws
 * and never rejects: whatever goes wrong (a missing or unreadable file, a file over
 * `maxBytes`, a corrupt docx) becomes one document with `error`, which names the cause without
 * quoting the file's text.
 */
export async function readFile(path: string, opts: ReaderOptions, heavy?: HeavyReader): Promise<ReadDocument[]> {
  const loaded = loadFile(path, opts);
  if ('docs' in loaded) return loaded.docs;
  return readBytes(path, loaded.bytes, loaded.options, heavy);
}
