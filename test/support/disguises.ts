// Disguises a hostile writer (or a wrapped, scanned or pasted letter) puts on text. Each keeps
// what a reader sees: the scanner must read through it.
const onWords = (f: (w: string) => string) => (t: string) => t.replace(/\p{L}+/gu, f);
const inMiddle = (x: string) => onWords((w) => (w.length > 2 ? w.slice(0, Math.ceil(w.length / 2)) + x + w.slice(Math.ceil(w.length / 2)) : w));
const between = (x: string) => onWords((w) => [...w].join(x));
const SMALL_CAPS: Record<string, string> = { a: 'ᴀ', b: 'ʙ', c: 'ᴄ', d: 'ᴅ', e: 'ᴇ', f: 'ꜰ', g: 'ɢ', h: 'ʜ', i: 'ɪ', j: 'ᴊ', k: 'ᴋ', l: 'ʟ', m: 'ᴍ', n: 'ɴ', o: 'ᴏ', p: 'ᴘ', r: 'ʀ', s: 'ꜱ', t: 'ᴛ', u: 'ᴜ', v: 'ᴠ', w: 'ᴡ', y: 'ʏ', z: 'ᴢ' };
const CYRILLIC: Record<string, string> = { a: 'а', e: 'е', o: 'о', p: 'р', c: 'с', x: 'х', A: 'А', E: 'Е', O: 'О', P: 'Р', C: 'С', M: 'М', H: 'Н', T: 'Т', K: 'К', B: 'В' };
export const DISGUISES: [string, (t: string) => string][] = [
  ['combining grapheme joiner in words', inMiddle('\u034F')],
  ['variation selector in words', inMiddle('\uFE0F')],
  ['variation selector after every letter', between('\uFE00')],
  ['tag character in words', inMiddle('\u{E0041}')],
  ['tag space after every letter', between('\u{E0020}')],
  ['zero-width space after every letter', between('\u200B')],
  ['zero-width joiner after every letter', between('\u200D')],
  ['soft hyphen in words', inMiddle('\u00AD')],
  ['word joiner in words', inMiddle('\u2060')],
  ['Hangul filler in words', inMiddle('\u3164')],
  ['small capitals', (t) => t.replace(/[a-z]/g, (c) => SMALL_CAPS[c] ?? c)],
  ['small capitals throughout', (t) => t.toLowerCase().replace(/[a-z]/g, (c) => SMALL_CAPS[c] ?? c)],
  ['accented vowels', (t) => t.replace(/[aeiouAEIOU]/g, (c) => c + '\u0301').normalize('NFC')],
  ['combining diaeresis on vowels', (t) => t.replace(/[aeiouAEIOU]/g, (c) => c + '\u0308')],
  ['Cyrillic look-alikes', (t) => t.replace(/[aeopcxAEOPCMHTKB]/g, (c) => CYRILLIC[c])],
  ['fullwidth', (t) => t.replace(/[!-~]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0))],
  ['mathematical bold', (t) => [...t].map((c) => (/[A-Z]/.test(c) ? String.fromCodePoint(0x1d400 + c.charCodeAt(0) - 65) : /[a-z]/.test(c) ? String.fromCodePoint(0x1d41a + c.charCodeAt(0) - 97) : c)).join('')],
  ['letters spaced, words three spaces apart', (t) => t.split(' ').map((w) => [...w].join(' ')).join('   ')],
  ['letters dotted', (t) => t.split(' ').map((w) => [...w.replace(/\.$/, '')].join('.') + (w.endsWith('.') ? '.' : '')).join(' ')],
  ['asterisk in words', inMiddle('*')],
  ['underscore in words', inMiddle('_')],
  ['apostrophe in words', inMiddle("'")],
  ['asterisk after every letter', between('*')],
  ['words broken across lines with a hyphen', onWords((w) => (w.length > 3 ? w.slice(0, 2) + '-\n' + w.slice(2) : w))],
];
