import { errorDoc, errorKind } from './errors.js';
import type { Reader } from './types.js';

export const PDF_NO_TEXT_ERROR = 'PDF has no text layer (scanned image?)';
export const PDF_ERROR = 'corrupt or unreadable PDF';
export const PDF_ENCRYPTED_ERROR = 'PDF is password-protected';

/**
 * `.pdf`: the text layer, via unpdf (pdf.js built for servers). A PDF whose pages carry no text
 * is a scanned image: it is an error, never an empty document that would pass as `visible`.
 * unpdf is imported on first use: pdf.js is large.
 */
export const readPdf: Reader = async (_path, bytes) => {
  const { getDocumentProxy, extractText } = await import('unpdf');
  let pdf: Awaited<ReturnType<typeof getDocumentProxy>> | undefined;
  try {
    // pdf.js takes ownership of (and may detach) the buffer it is given: pass a copy.
    // verbosity 0: pdf.js otherwise prints warnings to stdout, which must stay machine-readable.
    pdf = await getDocumentProxy(new Uint8Array(bytes), { verbosity: 0, isEvalSupported: false, stopAtErrors: false });
    const { text } = await extractText(pdf, { mergePages: false });
    const pages = text.map((p) => p.replace(/[ \t]+\n/g, '\n').trim());
    const joined = pages.filter((p) => p.length > 0).join('\n\n');
    if (joined.trim().length === 0) return [errorDoc(PDF_NO_TEXT_ERROR)];
    return [{ text: joined }];
  } catch (err) {
    return [errorDoc(errorKind(err) === 'PasswordException' ? PDF_ENCRYPTED_ERROR : PDF_ERROR)];
  } finally {
    await pdf?.destroy().catch(() => undefined);
  }
};
