/**
 * Whether a UTF-16 code unit is white space as a regex's `\s` reads it, without making a
 * one-character string and running a regex on it (the layout and sentence passes ask this at
 * many tokens).
 */
export function isWhiteSpace(c: number): boolean {
  if (c < 128) return c === 32 || (c >= 9 && c <= 13);
  return c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff;
}
