import { errorDoc } from './errors.js';
import type { Reader } from './types.js';

export const DOCX_ERROR = 'corrupt or unreadable docx';
/** A letter scanned and pasted into Word as a picture: no text to scan is not "nothing found". */
export const DOCX_NO_TEXT_ERROR = 'docx has no text (images only?)';

/**
 * `.docx`: mammoth's raw text (paragraphs separated by blank lines). mammoth is loaded on first
 * use so that start-up stays fast for runs without Word files. Its error messages can quote the
 * document, so they are never passed on.
 */
export const readDocx: Reader = async (_path, bytes) => {
  try {
    const mammoth = (await import('mammoth')).default;
    const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const { value } = await mammoth.extractRawText({ buffer });
    const text = value.replace(/\s+$/, '');
    return [text.trim() === '' ? errorDoc(DOCX_NO_TEXT_ERROR) : { text }];
  } catch {
    return [errorDoc(DOCX_ERROR)];
  }
};
