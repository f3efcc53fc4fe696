import type { TextVocabulary } from './vocabulary.js';

/**
 * Sections of an entry or letter. Section scope matters for context (everything under
 * "Family history:" is about family) and for people (names in a letterhead, a signature block
 * or a cc: line are professionals).
 */

export type SectionKind =
  | 'header' // letterhead and address block before the salutation
  | 'regarding' // "Re: name, DOB, NHS No" lines
  | 'salutation'
  | 'family'
  | 'social'
  | 'plan'
  | 'history'
  | 'allergy' // "Allergies:": what the patient already has
  | 'signature'
  | 'cc'
  | 'heading' // any other "Heading:" section
  | 'body';

export interface Section {
  kind: SectionKind;
  /** normalised offsets */
  start: number;
  end: number;
  /** the heading text (normalised), when there is one */
  heading?: string;
}

/** Sections whose scope changes what a finding is (historical, a relative's): a heading answered on its own line covers that line. */
const FIELD_SCOPED = new Set<SectionKind>(['history', 'family', 'allergy']);
/** A line that continues a list: indented, or opening with a bullet or a number. */
const CONTINUES_LIST = /^(?:[ \t]+\S|[ \t]*(?:[-*•+·–]|\d{1,2}[.)])\s)/;

// A "Heading:" at the start of a line: its words, before the colon.
const HEADING_LINE = /^[ \t*\-•]*([A-Za-z][A-Za-z/ &'()-]{0,40}?)\s*:/;

/** The last line (from 0) a salutation may stand on and open the letter. */
const MAX_SALUTATION_LINE = 25;

interface Line {
  start: number;
  end: number;
  text: string;
}

function lines(text: string): Line[] {
  const out: Line[] = [];
  let s = 0;
  for (;;) {
    const i = text.indexOf('\n', s);
    const end = i < 0 ? text.length : i;
    out.push({ start: s, end, text: text.slice(s, end) });
    if (i < 0) return out;
    s = i + 1;
  }
}

/**
 * Where a part of a document read on its own starts, as the whole document had it there: the
 * section open at that point and whether the letter was signed before it. A letterhead and a
 * salutation are only looked for at a document's start.
 */
export interface SectionState {
  kind: SectionKind;
  heading?: string;
  signed: boolean;
}

/** The section state at a normalised offset of a document with these sections. */
export function sectionStateAt(sections: readonly Section[], offset: number): SectionState | undefined {
  let open: Section | undefined;
  let signed = false;
  for (const s of sections) {
    if (s.start > offset) break;
    open = s;
    if (s.kind === 'signature' && s.start < offset) signed = true;
  }
  if (!open) return undefined;
  return open.heading !== undefined ? { kind: open.kind, heading: open.heading, signed } : { kind: open.kind, signed };
}

export function findSections(text: string, vocab: TextVocabulary, from?: SectionState): Section[] {
  const { salutation: SALUTATION, signOff: SIGN_OFF, regarding: REGARDING } = vocab;
  const ls = lines(text);
  const out: Section[] = [];
  // A letter header is only recognised when a salutation comes early enough to be one, so only
  // the first lines are read for it.
  const salutationLine = from ? -1 : ls.slice(0, MAX_SALUTATION_LINE + 1).findIndex((l) => SALUTATION.test(l.text));
  let headerEnd = salutationLine;
  if (headerEnd < 0 && !from) {
    // No salutation (discharge summaries, ED letters): a first block of short lines that are
    // not sentences, followed by a blank line, is a letterhead.
    const blank = ls.findIndex((l) => l.text.trim() === '');
    const block = blank > 0 ? ls.slice(0, blank) : [];
    const letterhead =
      block.length > 0 &&
      block.length <= 6 &&
      blank < ls.length - 1 &&
      block.every((l) => l.text.length <= 90 && !/[.!?]\s*$/.test(l.text.trim()) && !REGARDING.test(l.text));
    if (letterhead) headerEnd = blank;
  }
  let current: Section | null = from ? { kind: from.kind, start: 0, end: text.length, heading: from.heading } : null;
  let signed = from?.signed ?? false;
  // the open section is a heading answered on its own line ("PMH: asthma")
  let fieldOnly = false;
  const open = (kind: SectionKind, start: number, heading?: string) => {
    if (current) {
      current.end = Math.max(current.start, start);
      if (current.end > current.start) out.push(current);
    }
    current = { kind, start, end: text.length, heading };
  };

  ls.forEach((line, k) => {
    if (k < headerEnd) {
      if (REGARDING.test(line.text)) open('regarding', line.start, 're');
      else if (!current || (current as Section).kind !== 'header' || k === 0) {
        if (!current || (current as Section).kind !== 'header') open('header', line.start);
      }
      return;
    }
    if (k === headerEnd) {
      if (k === salutationLine) open('salutation', line.start);
      else open('body', line.start);
      return;
    }
    if (REGARDING.test(line.text)) {
      open('regarding', line.start, 're');
      return;
    }
    if (SIGN_OFF.test(line.text)) {
      open('signature', line.start);
      signed = true;
      return;
    }
    // The "Re:"/"Patient:" block runs to the next blank line, whatever its lines are headed.
    if ((current as Section | null)?.kind === 'regarding' && line.text.trim() !== '') return;
    // No colon, no heading: looking for one is far cheaper than the regex failing on every line.
    const hm = line.text.includes(':') ? HEADING_LINE.exec(line.text) : null;
    if (hm) {
      const h = hm[1].trim();
      const kind = vocab.headings.get(h.toLowerCase().replace(/\s+/g, ' '));
      if (kind) {
        open(kind, line.start, h);
        fieldOnly = FIELD_SCOPED.has(kind) && line.text.slice(hm[0].length).trim() !== '';
        return;
      }
      if (!signed && h.split(/\s+/).length <= 4) {
        open('heading', line.start, h);
        return;
      }
    }
    if (line.text.trim() === '') {
      // A blank line ends a headed section; the signature block runs to the end.
      const cur = current as Section | null;
      if (cur && cur.kind !== 'signature' && cur.kind !== 'body' && cur.kind !== 'header') open('body', line.start);
      return;
    }
    // "PMH: asthma" answers its heading on its own line: the next line is the history's only when
    // it continues the list (indented, a bullet, a number); "Disclosed partner hit her" is not.
    if (fieldOnly) {
      fieldOnly = false;
      if (!CONTINUES_LIST.test(line.text)) {
        open('body', line.start);
        return;
      }
      fieldOnly = true;
    }
    // The "Re:" block runs on to the next blank line (name, DOB, NHS no., address lines).
    if (!current) open('body', line.start);
    else if ((current as Section).kind === 'salutation') open('body', line.start);
  });
  if (current) {
    (current as Section).end = text.length;
    if ((current as Section).end > (current as Section).start) out.push(current);
  }
  return out;
}

/** The section containing a normalised offset, or undefined. */
export function sectionAt(sections: Section[], offset: number): Section | undefined {
  let lo = 0;
  let hi = sections.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const s = sections[mid];
    if (offset < s.start) hi = mid - 1;
    else if (offset >= s.end) lo = mid + 1;
    else return s;
  }
  return undefined;
}
