import type { Section } from './sections.js';

export type DocumentKind = 'entry' | 'letter';

/**
 * Whether a text is a letter (a clinic letter, discharge summary or report, written by someone
 * else and filed) or an entry written in the record. Decided here, once, for every entry point:
 * by the letter's layout, never by a word anywhere in it ("oh dear" is no salutation). A letter
 * greets its reader on a line of its own near the top, or has a letterhead followed by a
 * patient block or a sign-off.
 */
export function documentKind(sections: readonly Section[]): DocumentKind {
  let header = false;
  let regarding = false;
  let signed = false;
  for (const s of sections) {
    if (s.kind === 'salutation') return 'letter';
    if (s.kind === 'header') header = true;
    else if (s.kind === 'regarding') regarding = true;
    else if (s.kind === 'signature') signed = true;
  }
  return header && (regarding || signed) ? 'letter' : 'entry';
}
