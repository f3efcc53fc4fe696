import { notesText, ooxmlText } from './ooxml.js';
import { ZipArchive, ZipError, type ZipLimits } from './zip.js';

export const DOCX_ERROR = 'corrupt or unreadable docx';
/** A letter scanned and pasted into Word as a picture, with OCR off: no text to scan is not "nothing found". */
export const DOCX_NO_TEXT_ERROR = 'docx has no text (images only?)';

/** Images big enough to be a pasted page rather than a logo or a signature are read by OCR. */
export const MIN_OCR_IMAGE_BYTES = 20_000;

export interface DocxContent {
  /** the text parts in reading order: body, headers, footers, footnotes, endnotes, comments */
  parts: { name: string; text: string }[];
  /** images in word/media large enough to be a pasted page, for OCR */
  images: { name: string; bytes: Buffer }[];
  hidden: boolean;
}

const byNumber = (a: string, b: string) => Number(/(\d+)\.xml$/.exec(a)?.[1] ?? 0) - Number(/(\d+)\.xml$/.exec(b)?.[1] ?? 0);

/**
 * Every part of a Word document that a reader (or a patient opening the file) can see or
 * recover: the body with text boxes and tracked insertions and deletions, each header and
 * footer, footnotes, endnotes and comments; and the pasted images, for OCR. The archive is read
 * with hard limits (zip.ts), so a zip bomb or a path trick is an error, never a crash.
 */
export function readDocxContent(bytes: Uint8Array, limits?: ZipLimits): DocxContent {
  const zip = new ZipArchive(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), limits);
  const xml = (name: string) => zip.read(name)?.toString('utf8');
  const body = xml('word/document.xml');
  if (body === undefined) throw new ZipError('not a Word document (no word/document.xml)');
  const parts: DocxContent['parts'] = [];
  let hidden = false;
  const hiddenParts: DocxContent['parts'] = [];
  const add = (name: string, t: { text: string; hiddenText: string; hidden: boolean }) => {
    hidden ||= t.hidden;
    parts.push({ name, text: t.text });
    if (t.hiddenText) hiddenParts.push({ name: `${name} (hidden text)`, text: t.hiddenText });
  };
  add('body', ooxmlText(body));
  const names = zip.names();
  for (const kind of ['header', 'footer'] as const) {
    const files = names.filter((n) => new RegExp(`^word/${kind}\\d*\\.xml$`).test(n)).sort(byNumber);
    files.forEach((f, i) => add(files.length > 1 ? `${kind} ${i + 1}` : kind, ooxmlText(xml(f)!)));
  }
  const foot = xml('word/footnotes.xml');
  if (foot) add('footnotes', notesText(foot, 'footnote'));
  const end = xml('word/endnotes.xml');
  if (end) add('endnotes', notesText(end, 'endnote'));
  const comments = xml('word/comments.xml');
  if (comments) add('comments', ooxmlText(comments));
  const images = names
    .filter((n) => /^word\/media\/[^/]+\.(?:png|jpe?g|tiff?)$/i.test(n))
    .sort()
    .map((name) => ({ name: name.slice('word/media/'.length), bytes: zip.read(name)! }))
    .filter((i) => i.bytes.length >= MIN_OCR_IMAGE_BYTES);
  // Hidden text after everything shown: a reader of the document meets it last, if at all.
  return { parts: [...parts, ...hiddenParts], images, hidden };
}
