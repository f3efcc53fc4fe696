import { cp1252Decoder } from './readers/cp1252.js';

/**
 * Bytes to text: UTF-8 (with or without BOM), UTF-16 with BOM; bytes that are not valid UTF-8
 * are read as Windows-1252, common in older NHS letters, and the caller is told.
 */
export interface Decoded {
  text: string;
  encoding: 'utf-8' | 'utf-16le' | 'utf-16be' | 'windows-1252';
}

export function decodeText(buf: Uint8Array): Decoded {
  if (buf.length >= 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf)
    return { text: new TextDecoder('utf-8').decode(buf.subarray(3)), encoding: 'utf-8' };
  if (buf.length >= 2 && buf[0] === 0xff && buf[1] === 0xfe) return { text: new TextDecoder('utf-16le').decode(buf.subarray(2)), encoding: 'utf-16le' };
  if (buf.length >= 2 && buf[0] === 0xfe && buf[1] === 0xff) return { text: new TextDecoder('utf-16be').decode(buf.subarray(2)), encoding: 'utf-16be' };
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(buf), encoding: 'utf-8' };
  } catch {
    // Node 20's TextDecoder treats windows-1252 as Latin-1 (curly quotes become C1 controls).
    return { text: cp1252Decoder.decode(buf), encoding: 'windows-1252' };
  }
}

/** Binary content (NUL bytes, or mostly control characters) is not a document. */
export function looksBinary(text: string): boolean {
  if (text.includes('\u0000')) return true;
  if (text.length === 0) return false;
  let control = 0;
  const n = Math.min(text.length, 65536);
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if ((c < 32 && c !== 9 && c !== 10 && c !== 13 && c !== 12) || (c >= 0x7f && c < 0xa0)) control++;
  }
  return control / n > 0.1;
}
