import type { OcrInfo, Part, Patient } from '../../model/index.js';

/**
 * What a reader gives the batch runner: one or more documents from one file. A record file
 * (csv, jsonl) gives one document per record. Readers never throw for a bad file: they return
 * a document with `error` (which must not contain record text), and the runner records it
 * with verdict `review`.
 */
export interface ReadDocument {
  /** record id within a record file (csv/jsonl); absent for single-document files */
  record?: string;
  /** extracted text (for docx/pdf/html/rtf: the extracted plain text; offsets refer to it) */
  text: string;
  /** set when the bytes were not UTF-8 (e.g. 'windows-1252', 'utf-16le') */
  encoding?: string;
  /** whose record, when the file says (record-file columns) */
  patient?: Patient;
  /** why this document could not be read (no record text in it) */
  error?: string;
  /** why part of it could not be read: what was read is scanned, and the result is never `visible` */
  incomplete?: string;
  /** the parts the text was put together from, with their offsets in `text` (docx parts, pdf pages) */
  parts?: Part[];
  /** some of the text came from OCR */
  ocr?: OcrInfo;
  /** what the reader saw that a clinician should know */
  flags?: ReadFlag[];
  /** read from a FHIR resource: where it is, so that the output can label that resource */
  fhir?: FhirSource;
}

/** A document's resource in a FHIR file: the line of its root value (NDJSON), its path in that value, and the Binaries read as its attachments. */
export interface FhirSource {
  line?: number;
  path: (string | number)[];
  also?: (string | number)[][];
}

/** Where heavy files (docx, pdf, images) are read: a reader child process (see reader-host.ts). */
export interface HeavyReader {
  read(ext: string, bytes: Uint8Array, opts: { ocr: boolean; onProgress?: () => void }): Promise<ReadDocument[]>;
}

/** `hidden-text`: text hidden from view in the file (HTML display:none, RTF \v, Word vanish) is in `text`. */
export type ReadFlag = 'hidden-text';

/** Where the text, record id and patient are in record files (csv columns, jsonl fields). */
export interface RecordFieldOptions {
  /** csv */
  textColumn?: string;
  idColumn?: string;
  patientNameColumn?: string;
  nhsNumberColumn?: string;
  /** jsonl */
  textField?: string;
  idField?: string;
}

export interface ReaderOptions extends RecordFieldOptions {
  maxBytes: number;
  /** OCR scanned pages and images (default true); without it they are errors */
  ocr?: boolean;
}

/** A reader for one file type. Async because docx/pdf libraries are. `heavy` reads the heavy formats a file holds (a FHIR attachment's PDF). */
export type Reader = (path: string, bytes: Uint8Array, opts: ReaderOptions, heavy: HeavyReader) => Promise<ReadDocument[]>;
