import { cp1252Decoder } from './readers/cp1252.js';

/**
 * Bytes to text: UTF-8 (with or without BOM), UTF-16 (with a BOM, or without one when the
 * bytes plainly are: every other byte zero), and bytes that are not valid UTF-8 read as
 * Windows-1252, common in older NHS letters. The caller is told which.
 *
 * A byte-order mark is a claim, not a proof: a file that starts with FF FE and goes on in plain
 * 8-bit text (a UTF-16 line pasted above an ordinary letter) would decode to nonsense as
 * UTF-16 and slip through the scan unread. So UTF-16 text is read only as far as it looks like
 * UTF-16, and the rest is decoded as 8-bit text.
 */
export interface Decoded {
  text: string;
  encoding: 'utf-8' | 'utf-16le' | 'utf-16be' | 'windows-1252' | 'utf-16le+utf-8' | 'utf-16be+utf-8' | 'utf-16le+windows-1252' | 'utf-16be+windows-1252';
}

function eightBit(buf: Uint8Array): { text: string; encoding: 'utf-8' | 'windows-1252' } {
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(buf), encoding: 'utf-8' };
  } catch {
    // Node 20's TextDecoder treats windows-1252 as Latin-1 (curly quotes become C1 controls).
    return { text: cp1252Decoder.decode(buf), encoding: 'windows-1252' };
  }
}

/**
 * Is this UTF-16 code unit plausible in a clinical letter? Latin, Greek and Cyrillic letters,
 * punctuation and symbols, and whitespace are; CJK ideographs and the like, which is what 8-bit
 * text read as UTF-16 turns into, are not. (A letter in Chinese would be misread as mixed: it is
 * then decoded both ways and scanned as read, never dropped.)
 */
const plausible = (u: number) => u < 0x0530 || (u >= 0x1e00 && u < 0x2c00) || u === 0xfeff;

/**
 * Where UTF-16 stops looking like UTF-16, in bytes: the first implausible unit that begins a
 * stretch of 16 units most of which are implausible (a sliding window, so a stray symbol in
 * real UTF-16 text does not end it).
 */
function utf16Extent(buf: Uint8Array, start: number, le: boolean): number {
  const units = Math.floor((buf.length - start) / 2);
  const WINDOW = 16;
  const bad = new Uint8Array(units);
  for (let k = 0; k < units; k++) {
    const p = start + 2 * k;
    bad[k] = plausible(le ? buf[p] | (buf[p + 1] << 8) : (buf[p] << 8) | buf[p + 1]) ? 0 : 1;
  }
  let inWindow = 0;
  for (let k = 0; k < Math.min(WINDOW, units); k++) inWindow += bad[k];
  for (let k = 0; k < units; k++) {
    const n = Math.min(WINDOW, units - k);
    if (bad[k] && inWindow * 2 > n) return start + 2 * k;
    inWindow -= bad[k];
    if (k + WINDOW < units) inWindow += bad[k + WINDOW];
  }
  return start + 2 * units;
}

function utf16(buf: Uint8Array, start: number, le: boolean): Decoded {
  const end = utf16Extent(buf, start, le);
  const first = new TextDecoder(le ? 'utf-16le' : 'utf-16be').decode(buf.subarray(start, end));
  if (end >= buf.length - 1) return { text: first, encoding: le ? 'utf-16le' : 'utf-16be' };
  const rest = eightBit(buf.subarray(end));
  return { text: first + rest.text, encoding: `${le ? 'utf-16le' : 'utf-16be'}+${rest.encoding}` };
}

/** UTF-16 without a BOM: in Latin text every other byte is zero. */
function bomlessUtf16(buf: Uint8Array): 'le' | 'be' | undefined {
  const n = Math.min(buf.length - (buf.length % 2), 4096);
  if (n < 16) return undefined;
  let evenZero = 0;
  let oddZero = 0;
  for (let i = 0; i < n; i += 2) {
    if (buf[i] === 0) evenZero++;
    if (buf[i + 1] === 0) oddZero++;
  }
  const pairs = n / 2;
  if (oddZero > pairs * 0.6 && evenZero < pairs * 0.05) return 'le';
  if (evenZero > pairs * 0.6 && oddZero < pairs * 0.05) return 'be';
  return undefined;
}

export function decodeText(buf: Uint8Array): Decoded {
  if (buf.length >= 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) return eightBit(buf.subarray(3));
  if (buf.length >= 2 && buf[0] === 0xff && buf[1] === 0xfe) return utf16(buf, 2, true);
  if (buf.length >= 2 && buf[0] === 0xfe && buf[1] === 0xff) return utf16(buf, 2, false);
  const bomless = bomlessUtf16(buf);
  if (bomless) return utf16(buf, 0, bomless === 'le');
  return eightBit(buf);
}

/** Signatures of binary formats that are never a text document, whatever the file is called. */
const MAGIC: [string, number[]][] = [
  ['a ZIP archive', [0x50, 0x4b, 0x03, 0x04]],
  ['a PDF', [0x25, 0x50, 0x44, 0x46, 0x2d]],
  ['a PNG image', [0x89, 0x50, 0x4e, 0x47]],
  ['a JPEG image', [0xff, 0xd8, 0xff]],
  ['a GIF image', [0x47, 0x49, 0x46, 0x38]],
  ['an OLE (old Office) file', [0xd0, 0xcf, 0x11, 0xe0]],
  ['an executable', [0x7f, 0x45, 0x4c, 0x46]],
  ['an executable', [0x4d, 0x5a, 0x90, 0x00]],
];

/** What binary format a file's first bytes announce, if any. */
export function binarySignature(bytes: Uint8Array): string | undefined {
  for (const [name, sig] of MAGIC) if (sig.every((b, i) => bytes[i] === b)) return name;
  return undefined;
}

/**
 * Binary content is not a document: text that is mostly control characters or full of NUL
 * bytes. A few stray control characters or NULs from a bad conversion do not make a letter
 * binary: it is read (they become spaces) and scanned.
 */
export function looksBinary(text: string): boolean {
  if (text.length === 0) return false;
  let control = 0;
  let nul = 0;
  const n = Math.min(text.length, 65536);
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 0) nul++;
    if ((c < 32 && c !== 9 && c !== 10 && c !== 13 && c !== 12) || (c >= 0x7f && c < 0xa0)) control++;
  }
  return (nul >= 2 && nul > n * 0.01) || (control >= 4 && control > n * 0.1);
}
