/**
 * The text of a WordprocessingML part (document, header, footer, footnotes, endnotes,
 * comments), as a reader sees it with tracked changes shown: paragraphs on their own lines,
 * tabs, line breaks, text boxes, tracked insertions and deletions (a patient can recover a
 * deletion from the file, so it is text to scan). Field codes are not text. Text hidden from
 * view (`w:vanish`) is kept apart (`hiddenText`): a hidden run inside a word must not break the
 * word a reader sees, and it is scanned, and reported, because it is in the file all the same.
 *
 * One pass over the tags with a regex, linear in the size of the XML whatever its nesting.
 */

export interface OoxmlText {
  text: string;
  /** the runs hidden from view, in order, apart from one another */
  hiddenText: string;
  hidden: boolean;
  deletions: boolean;
}

const ENTITY: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

export function decodeEntities(s: string): string {
  if (!s.includes('&')) return s;
  return s.replace(/&(#x[0-9a-fA-F]{1,6}|#\d{1,7}|[a-z]{2,4});/g, (m, e: string) => {
    if (e[0] === '#') {
      const cp = e[1] === 'x' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
      return cp > 0 && cp <= 0x10ffff && !(cp >= 0xd800 && cp <= 0xdfff) ? String.fromCodePoint(cp) : '';
    }
    return ENTITY[e] ?? m;
  });
}

const TAG = /<(\/?)([A-Za-z_][\w.:-]*)([^>]*?)(\/?)>|<!\[CDATA\[[\s\S]*?\]\]>|<\?[\s\S]*?\?>|<!--[\s\S]*?-->|<![^>]*>/g;

/** Text of one part. */
export function ooxmlText(xml: string): OoxmlText {
  const out: string[] = [];
  const hiddenOut: string[] = [];
  let lastHidden = false;
  let hidden = false;
  let deletions = false;
  // Where we are: inside a text element (w:t, w:delText), inside field codes, inside
  // mc:Fallback (a second copy of a text box), and whether the current run is hidden.
  let textDepth = 0;
  let skipDepth = 0;
  let inRunProps = false;
  let runHidden = false;
  let last = 0;
  const emit = (s: string) => {
    if (s) out.push(s);
  };
  TAG.lastIndex = 0;
  for (let m = TAG.exec(xml); m; m = TAG.exec(xml)) {
    if (textDepth > 0 && skipDepth === 0 && m.index > last) {
      const t = decodeEntities(xml.slice(last, m.index));
      if (runHidden) {
        if (!lastHidden && hiddenOut.length) hiddenOut.push(' ');
        hiddenOut.push(t);
        hidden = true;
      } else emit(t);
      lastHidden = runHidden;
    }
    last = TAG.lastIndex;
    const name = m[2];
    if (!name) continue; // comment, processing instruction, CDATA
    const closing = m[1] === '/';
    const selfClosing = m[4] === '/';
    const local = name.includes(':') ? name.slice(name.indexOf(':') + 1) : name;
    if (name === 'mc:Fallback' || name === 'w:instrText') {
      if (!selfClosing) skipDepth += closing ? -1 : 1;
      if (skipDepth < 0) skipDepth = 0;
      continue;
    }
    if (skipDepth > 0) continue;
    switch (local) {
      case 't':
      case 'delText':
        if (name !== 'w:t' && name !== 'w:delText') break;
        if (!selfClosing) textDepth += closing ? -1 : 1;
        if (textDepth < 0) textDepth = 0;
        if (!closing && local === 'delText') deletions = true;
        break;
      case 'r':
        if (name === 'w:r' && !closing) {
          runHidden = false;
        }
        break;
      case 'rPr':
        if (name === 'w:rPr') inRunProps = !closing && !selfClosing;
        break;
      case 'vanish':
      case 'specVanish':
        if (inRunProps && !closing && !/\bw:val="(?:0|false|off)"/.test(m[3])) runHidden = true;
        break;
      case 'tab':
        if (name === 'w:tab' && !closing && !inRunProps) emit('\t');
        break;
      case 'br':
      case 'cr':
        if ((name === 'w:br' || name === 'w:cr') && !closing) emit('\n');
        break;
      case 'noBreakHyphen':
        if (name === 'w:noBreakHyphen') emit('-');
        break;
      case 'p':
        // A paragraph is never a wrapped line: a blank line after it, as a reader sees it.
        if (name === 'w:p' && closing) emit('\n\n');
        break;
      case 'tc':
        if (name === 'w:tc' && closing) emit('\t');
        break;
      default:
        break;
    }
  }
  const text = out
    .join('')
    .replace(/[ \t]+\n/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
  const hiddenText = hiddenOut.join('').replace(/\s+/g, ' ').trim();
  return { text, hiddenText, hidden, deletions };
}

/**
 * The footnotes or endnotes of a notes part, without the separator notes Word adds, each note
 * on its own paragraph.
 */
export function notesText(xml: string, element: 'footnote' | 'endnote'): OoxmlText {
  const kept = xml.replace(new RegExp(`<w:${element}\\b[^>]*\\bw:type="(?:separator|continuationSeparator|continuationNotice)"[^>]*>[\\s\\S]*?</w:${element}>`, 'g'), '');
  return ooxmlText(kept);
}
