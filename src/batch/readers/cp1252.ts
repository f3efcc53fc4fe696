/**
 * Windows-1252 bytes 0x80-0x9F (curly quotes, dashes, euro, ellipsis). Node 20's TextDecoder
 * decodes 'windows-1252' as ISO-8859-1 and turns these into C1 control characters, which are
 * wrong and look like binary content. These are the WHATWG mappings; the five bytes that
 * Windows-1252 leaves undefined keep their C1 code point, as WHATWG says.
 */
const HIGH = [
  0x20ac, 0x81, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021, 0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, 0x8d, 0x017d, 0x8f,
  0x90, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0x9d, 0x017e, 0x0178,
];

/** Repairs text that a Latin-1 decoder produced from Windows-1252 bytes. */
export function fixCp1252(latin1: string): string {
  return latin1.replace(/[\u0080-\u009f]/g, (c) => String.fromCharCode(HIGH[c.charCodeAt(0) - 0x80]));
}

/** A decoder for Windows-1252 that is right on every Node version. */
export const cp1252Decoder = {
  decode(bytes: Uint8Array): string {
    return fixCp1252(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1'));
  },
};
