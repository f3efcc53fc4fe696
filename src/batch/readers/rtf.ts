import { TextDecoder } from 'node:util';
import { cp1252Decoder } from './cp1252.js';
import { errorDoc } from './errors.js';
import { joinParts } from './parts.js';
import { BINARY_ERROR } from './text.js';
import type { Reader } from './types.js';

/**
 * A small RTF-to-text reader. RTF letters from clinical systems use a narrow subset: text,
 * paragraph marks, hex and unicode escapes, and tables of fonts/colours/styles that are not
 * text. We keep the text and drop the rest; layout (fonts, sizes, tables) is not needed to scan.
 */

/** Destinations whose content is never shown as text. */
const SKIP_DESTINATIONS = new Set([
  'fonttbl', 'colortbl', 'stylesheet', 'info', 'pict', 'objdata', 'listtable', 'listoverridetable', 'rsidtbl',
  'generator', 'xmlnsdecl', 'themedata', 'colorschememapping', 'datastore', 'latentstyles', 'pgdsctbl', 'revtbl',
  'filetbl', 'fldinst', 'bkmkstart', 'bkmkend', 'nonshppict', 'shppict', 'ftnsep', 'ftnsepc', 'aftnsep', 'aftnsepc',
  'xe', 'tc', 'private', 'userprops', 'docvar', 'template', 'mmathPr', 'wgrffmtfilter', 'listpicture', 'protusertbl',
]);

/** Control words that stand for characters. */
const CHARACTERS: Record<string, string> = {
  par: '\n', line: '\n', sect: '\n', page: '\n', row: '\n', cell: '\t', tab: '\t',
  emdash: '\u2014', endash: '\u2013', emspace: '\u2003', enspace: '\u2002', qmspace: '\u2005',
  bullet: '\u2022', lquote: '\u2018', rquote: '\u2019', ldblquote: '\u201c', rdblquote: '\u201d',
  zwj: '\u200d', zwnj: '\u200c', ltrmark: '', rtlmark: '',
};

/** Control symbols (backslash + one non-letter). */
const SYMBOLS: Record<string, string> = { '\\': '\\', '{': '{', '}': '}', '~': '\u00a0', '-': '', _: '\u2011', ':': '', '|': '' };

/** Windows code page numbers (\ansicpgN) to WHATWG encoding labels that TextDecoder knows. */
function decoderFor(codepage: number): { decode(bytes: Uint8Array): string } {
  if (codepage === 1252) return cp1252Decoder;
  const label =
    codepage === 65001 ? 'utf-8'
    : codepage === 932 ? 'shift_jis'
    : codepage === 936 ? 'gbk'
    : codepage === 949 ? 'euc-kr'
    : codepage === 950 ? 'big5'
    : codepage === 866 ? 'ibm866'
    : codepage === 10000 ? 'macintosh'
    : codepage === 20866 ? 'koi8-r'
    : `windows-${codepage}`;
  try {
    return new TextDecoder(label);
  } catch {
    // An unknown code page: Windows-1252 is what UK letters use in practice.
    return cp1252Decoder;
  }
}

interface GroupState {
  skip: boolean;
  /** \v: text hidden from view (kept apart, scanned all the same) */
  hidden: boolean;
  /** \ucN: how many fallback characters follow each \uN */
  uc: number;
}

export class RtfError extends Error {}

/** Text of an RTF document as a reader sees it. Throws RtfError (text-free message) when it is not RTF. */
export function rtfToText(src: string): string {
  return rtfContent(src).text;
}

/**
 * The text of an RTF document as a reader sees it, and apart from it the text hidden from view
 * (`\v`): hidden text inside a word must not break the word, and it is scanned as its own part.
 */
export function rtfContent(src: string): { text: string; hidden: string } {
  if (!/^\s*\{\\rtf/.test(src)) throw new RtfError('not an RTF document (no {\\rtf header)');
  const shown: string[] = [];
  const hiddenOut: string[] = [];
  let out = shown;
  let bytes: number[] = []; // \'hh bytes waiting to be decoded together (multi-byte code pages)
  let decoder = decoderFor(1252);
  let state: GroupState = { skip: false, hidden: false, uc: 1 };
  const stack: GroupState[] = [];
  let ucSkip = 0; // fallback characters still to drop after a \uN

  const flushBytes = () => {
    if (bytes.length === 0) return;
    if (!state.skip) out.push(decoder.decode(new Uint8Array(bytes)));
    bytes = [];
  };
  const emit = (s: string) => {
    if (state.skip) return;
    flushBytes();
    out.push(s);
  };

  let i = 0;
  const n = src.length;
  while (i < n) {
    const c = src[i];
    if (c === '{') {
      flushBytes();
      stack.push(state);
      state = { ...state };
      ucSkip = 0;
      i++;
    } else if (c === '}') {
      flushBytes();
      state = stack.pop() ?? { skip: false, hidden: false, uc: 1 };
      out = state.hidden ? hiddenOut : shown;
      ucSkip = 0;
      i++;
    } else if (c === '\\') {
      const next = src[i + 1];
      if (next === undefined) break;
      if (/[a-zA-Z]/.test(next)) {
        const m = /^([a-zA-Z]{1,32})(-?\d{1,10})? ?/.exec(src.slice(i + 1, i + 46))!;
        i += 1 + m[0].length;
        const word = m[1];
        const param = m[2] === undefined ? undefined : Number(m[2]);
        if (ucSkip > 0) {
          ucSkip--;
          continue;
        }
        if (word === 'bin') {
          // Raw binary data of the given length follows: never text.
          flushBytes();
          i += Math.max(0, param ?? 0);
        } else if (SKIP_DESTINATIONS.has(word)) {
          flushBytes();
          state.skip = true;
        } else if (word === 'ansicpg' && param !== undefined) {
          decoder = decoderFor(param);
        } else if (word === 'mac') {
          decoder = decoderFor(10000);
        } else if (word === 'v') {
          flushBytes();
          const hide = param !== 0;
          if (hide && !state.hidden) hiddenOut.push(' '); // one hidden run is not joined to the last
          state.hidden = hide;
          out = hide ? hiddenOut : shown;
        } else if (word === 'uc' && param !== undefined) {
          state.uc = Math.max(0, param);
        } else if (word === 'u' && param !== undefined) {
          // Signed 16-bit: negative values are code units above 0x7FFF. Surrogate pairs arrive
          // as two \u words and join up in the output string.
          emit(String.fromCharCode(param < 0 ? param + 65536 : param));
          ucSkip = state.uc;
        } else if (word in CHARACTERS) {
          emit(CHARACTERS[word]);
        }
        continue;
      }
      if (next === "'") {
        const hex = src.slice(i + 2, i + 4);
        i += 4;
        if (ucSkip > 0) {
          ucSkip--;
          continue;
        }
        if (/^[0-9a-fA-F]{2}$/.test(hex) && !state.skip) bytes.push(parseInt(hex, 16));
        continue;
      }
      i += 2;
      if (ucSkip > 0) {
        ucSkip--;
        continue;
      }
      if (next === '*') {
        // An ignorable destination: a reader that does not know it must skip the group.
        flushBytes();
        state.skip = true;
      } else if (next === '\n' || next === '\r') {
        emit('\n'); // a backslash before a raw line break is \par
      } else if (next in SYMBOLS) {
        emit(SYMBOLS[next]);
      }
      continue;
    } else if (c === '\r' || c === '\n') {
      i++; // raw line breaks are layout of the RTF source, not text
    } else {
      i++;
      if (ucSkip > 0) {
        ucSkip--;
        continue;
      }
      const code = c.charCodeAt(0);
      // Raw 8-bit characters are bytes in the document's code page, like \'hh.
      if (code >= 0x80) {
        if (!state.skip) bytes.push(code & 0xff);
      } else emit(c);
    }
  }
  flushBytes();
  const tidy = (parts: string[]) =>
    parts
      .join('')
      .replace(/[ \t]+\n/g, '\n')
      .replace(/^\s+/, '')
      .trimEnd();
  return { text: tidy(shown), hidden: tidy(hiddenOut) };
}

/** `.rtf`: bytes are read one to one (latin1) because RTF is a byte stream in its own code page. */
export const readRtf: Reader = async (_path, bytes) => {
  if (bytes.includes(0)) return [errorDoc(BINARY_ERROR)];
  const src = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
  try {
    const { text, hidden } = rtfContent(src);
    // As with PDF and docx: a letter that is only a picture must not pass as an empty document.
    if (text.trim() === '' && hidden.trim() === '') return [errorDoc('RTF has no text (images only?)')];
    return [hidden ? { ...joinParts([{ name: 'body', text }, { name: 'hidden text', text: hidden }]), flags: ['hidden-text'] } : { text }];
  } catch (err) {
    if (err instanceof RtfError) return [errorDoc(err.message)];
    return [errorDoc('corrupt or unreadable RTF')];
  }
};
