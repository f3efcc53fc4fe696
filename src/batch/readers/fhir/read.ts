import type { OcrInfo, Part } from '../../../model/index.js';
import { readDocumentAs } from '../by-type.js';
import { errorDoc, quoteName } from '../errors.js';
import { RecordIds } from '../ids.js';
import { decodeDocument } from '../text.js';
import type { HeavyReader, ReadDocument, Reader, ReaderOptions } from '../types.js';
import { fhirPath, jsonPointer, lineOf, syntaxErrorLine, type JsonPath } from './path.js';
import { PatientIndex } from './patient.js';
import { indexPatients, planRoot, type DocPlan, type Piece } from './plan.js';

/**
 * FHIR R4 input: a `.json` file holding one resource or a Bundle, or an NDJSON bulk-export file
 * (one resource a line). Each DocumentReference, Composition and free-standing Binary is one
 * document; its attachments are read by the same readers as files of their type (PDF, Word and
 * images in the reader child process). A malformed resource, or an attachment that cannot be
 * read, is an error naming the line and the FHIR path, never skipped.
 */

/** Attachment content types, to the file type whose reader reads them. */
const EXT_OF_TYPE: Record<string, string> = {
  'text/plain': '.txt',
  'text/markdown': '.md',
  'text/html': '.html',
  'application/xhtml+xml': '.html',
  'text/rtf': '.rtf',
  'application/rtf': '.rtf',
  'application/pdf': '.pdf',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': '.docx',
  'application/msword': '.doc',
  'image/png': '.png',
  'image/jpeg': '.jpg',
  'image/jpg': '.jpg',
  'image/tiff': '.tiff',
};

interface Where {
  /** the NDJSON line, or the line in a .json file */
  line?: number;
  /** the .json file's text, to find the line of a path when a problem needs it */
  text?: string;
}

function describe(where: Where, rootType: string, path: JsonPath, message: string): string {
  const line = where.line ?? (where.text !== undefined ? lineOf(where.text, path) : undefined);
  return `${line !== undefined ? `line ${line}: ` : ''}${fhirPath(rootType, path)} ${message}`;
}

async function readPiece(piece: Piece, opts: ReaderOptions, heavy: HeavyReader): Promise<ReadDocument[]> {
  if (piece.text !== undefined && piece.contentType === undefined) return [{ text: piece.text }];
  const type = (piece.contentType ?? '').split(';')[0].trim().toLowerCase();
  if (!type) return [errorDoc('has no contentType, so it cannot be read')];
  const ext = EXT_OF_TYPE[type];
  if (!ext) return [errorDoc(`has content type ${quoteName(type)}, which is not read`)];
  const bytes = piece.text !== undefined ? Buffer.from(piece.text, 'utf8') : Buffer.from(piece.data ?? '', 'base64');
  if (bytes.byteLength === 0) return [errorDoc('is empty')];
  return readDocumentAs(ext, piece.name, bytes, opts, heavy);
}

/** Several pieces (description, attachments, sections) as one document, each piece a part (a PDF's pages as sub-parts). */
function combine(pieces: { piece: Piece; docs: ReadDocument[] }[], describePiece: (p: Piece, message: string) => string): ReadDocument {
  let text = '';
  const parts: Part[] = [];
  const problems: string[] = [];
  const flags = new Set<NonNullable<ReadDocument['flags']>[number]>();
  let ocrPages = 0;
  let ocrWeighted = 0;
  for (const { piece, docs } of pieces) {
    for (const d of docs) {
      if (d.error) {
        problems.push(describePiece(piece, d.error.startsWith('has ') || d.error.startsWith('is ') ? d.error : `could not be read: ${d.error}`));
        continue;
      }
      if (d.incomplete) problems.push(describePiece(piece, `was read only in part: ${d.incomplete}`));
      for (const f of d.flags ?? []) flags.add(f);
      if (d.ocr) {
        ocrPages += d.ocr.pages;
        ocrWeighted += d.ocr.meanConfidence * Math.max(1, d.ocr.pages);
      }
      if (!d.text.trim()) continue;
      if (text) text += '\n\n';
      const start = text.length;
      text += d.text;
      if (d.parts?.length) for (const p of d.parts) parts.push({ name: `${piece.name} ${p.name}`, start: start + p.start, end: start + p.end });
      else parts.push({ name: piece.name, start, end: text.length });
    }
  }
  const doc: ReadDocument = { text, parts };
  if (!text) return errorDoc(problems.length ? problems.join('; ') : 'no text to read');
  if (problems.length) doc.incomplete = problems.join('; ');
  if (flags.size) doc.flags = [...flags];
  if (ocrPages) {
    const ocr: OcrInfo = { pages: ocrPages, meanConfidence: Math.round(ocrWeighted / ocrPages) };
    doc.ocr = ocr;
  }
  return doc;
}

async function readPlan(plan: DocPlan, where: Where, opts: ReaderOptions, heavy: HeavyReader): Promise<ReadDocument> {
  const fhir = { ...(where.line !== undefined ? { line: where.line } : {}), path: [...plan.path], ...(plan.also.length ? { also: plan.also.map((p) => [...p]) } : {}) };
  const extra = { fhir, ...(plan.patient && Object.keys(plan.patient).length ? { patient: plan.patient } : {}) };
  if (plan.problem) return errorDoc(describe(where, plan.rootType, plan.problem.path, plan.problem.message), extra);
  const read: { piece: Piece; docs: ReadDocument[] }[] = [];
  for (const piece of plan.pieces) {
    if (piece.problem) read.push({ piece, docs: [errorDoc(piece.problem)] });
    else read.push({ piece, docs: await readPiece(piece, opts, heavy) });
  }
  const doc = combine(read, (p, message) => describe(where, plan.rootType, p.path, message));
  return { ...doc, ...extra };
}

/** Documents of one root value, with record ids unique in the file. */
async function readRoot(value: unknown, where: Where, ids: RecordIds, patients: PatientIndex, opts: ReaderOptions, heavy: HeavyReader, linePrefix?: string): Promise<ReadDocument[]> {
  const out: ReadDocument[] = [];
  for (const plan of planRoot(value, patients)) {
    const doc = await readPlan(plan, where, opts, heavy);
    const record = plan.record ?? linePrefix;
    if (record !== undefined) doc.record = ids.take(record);
    out.push(doc);
  }
  return out;
}

/** A `.json` file: one resource, or a Bundle. */
export const readFhirJson: Reader = async (_path, bytes, opts, heavy) => {
  const d = decodeDocument(bytes);
  if ('error' in d) return [errorDoc(d.error)];
  let value: unknown;
  try {
    value = JSON.parse(d.text);
  } catch (err) {
    const line = syntaxErrorLine(d.text, err);
    return [errorDoc(`invalid JSON${line !== undefined ? ` (line ${line})` : ''}`)];
  }
  const docs = await readRoot(value, { text: d.text }, new RecordIds(), new PatientIndex(), opts, heavy);
  if (docs.length === 0) return [errorDoc(`${fhirPath(String((value as { resourceType?: unknown }).resourceType), [])} holds no document to read (DocumentReference, Composition or Binary)`, { fhir: { path: [] } })];
  return docs;
};

/** Lines of an NDJSON file, with their numbers, blank lines left out. */
function lines(text: string): { n: number; line: string }[] {
  return text
    .split(/\r?\n/)
    .map((line, i) => ({ n: i + 1, line: line.trim() }))
    .filter((l) => l.line !== '');
}

/** An NDJSON file, one resource a line: Patients on any line are known to every other line (a bulk export's own file holds them). */
export async function readNdjsonText(text: string, opts: ReaderOptions, heavy: HeavyReader, encoding?: string): Promise<ReadDocument[]> {
  const enc = encoding ? { encoding } : {};
  const parsed = lines(text).map(({ n, line }) => {
    try {
      return { n, value: JSON.parse(line) as unknown };
    } catch {
      return { n, error: true as const };
    }
  });
  const patients = new PatientIndex();
  for (const p of parsed) if (!('error' in p)) indexPatients(p.value, patients);
  const ids = new RecordIds();
  const docs: ReadDocument[] = [];
  for (const p of parsed) {
    if ('error' in p) {
      docs.push(errorDoc(`line ${p.n}: invalid JSON`, { record: ids.take(`line ${p.n}`), fhir: { line: p.n, path: [] }, ...enc }));
      continue;
    }
    for (const d of await readRoot(p.value, { line: p.n }, ids, patients, opts, heavy, `line ${p.n}`)) docs.push({ ...d, ...enc });
  }
  return docs;
}

export const readFhirNdjson: Reader = async (_path, bytes, opts, heavy) => {
  const d = decodeDocument(bytes);
  if ('error' in d) return [errorDoc(d.error)];
  return readNdjsonText(d.text, opts, heavy, d.encoding);
};

/** Does a JSONL file's first object have a resourceType (then the file is FHIR NDJSON)? */
export function looksLikeFhirLines(text: string): boolean {
  for (const { line } of lines(text)) {
    try {
      const v = JSON.parse(line) as { resourceType?: unknown };
      return v !== null && typeof v === 'object' && typeof v.resourceType === 'string';
    } catch {
      continue;
    }
  }
  return false;
}

/** The first problem in a FHIR request body, for the service's 400 (JSON Pointer, and words that quote no value); undefined when there is none. */
export function fhirRequestProblem(value: unknown): { pointer: string; message: string } | undefined {
  const plans = planRoot(value);
  for (const p of plans) {
    if (p.problem) return { pointer: jsonPointer(p.problem.path), message: `${fhirPath(p.rootType, p.problem.path)} ${p.problem.message}` };
    for (const piece of p.pieces) {
      if (piece.problem) return { pointer: jsonPointer(piece.path), message: `${fhirPath(p.rootType, piece.path)} ${piece.problem}` };
      const type = (piece.contentType ?? '').split(';')[0].trim().toLowerCase();
      if (piece.text === undefined && !EXT_OF_TYPE[type]) return { pointer: jsonPointer(piece.path), message: `${fhirPath(p.rootType, piece.path)} has ${type ? 'a content type that is not read' : 'no contentType'}` };
    }
  }
  if (plans.length === 0) return { pointer: '/resourceType', message: 'holds no document to read: send a DocumentReference, Composition, Binary, or a Bundle of them' };
  return undefined;
}
