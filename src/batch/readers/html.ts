import { Parser } from 'htmlparser2';
import { errorDoc } from './errors.js';
import { decodeDocument } from './text.js';
import type { ReadDocument, Reader } from './types.js';

/** Never rendered: their text is code or styling, not part of the letter. */
const SKIP = new Set(['script', 'style', 'template', 'noscript']);
/** Paragraph-like blocks: a blank line between them, as a reader sees them. */
const PARAGRAPH = new Set(['p', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'table', 'ul', 'ol', 'dl', 'blockquote', 'pre', 'hr', 'address', 'figure', 'fieldset', 'form']);
/** Other blocks: a line of their own. */
const BLOCK = new Set([
  'div', 'li', 'tr', 'dt', 'dd', 'section', 'article', 'header', 'footer', 'main', 'nav', 'aside', 'title', 'caption',
  'figcaption', 'details', 'summary', 'legend', 'body', 'html', 'center', 'option', 'thead', 'tbody', 'tfoot',
]);
const CELL = new Set(['td', 'th']);
const PREFORMATTED = new Set(['pre', 'textarea', 'listing', 'xmp', 'plaintext']);

/**
 * Builds plain text as a reader would see the page: whitespace collapsed outside `<pre>`,
 * blocks on their own lines, table cells separated by tabs. Offsets of findings refer to this
 * text, so it is deterministic and free of decoration.
 */
class TextSink {
  private parts: string[] = [];
  private pending = 0; // newlines owed before the next text
  private trailingNewlines = 0; // newlines at the end of what is written
  private lastChar = '';
  private spaceOwed = false;

  private write(s: string): void {
    if (s.length === 0) return;
    this.parts.push(s);
    this.lastChar = s[s.length - 1];
    const m = /\n*$/.exec(s);
    const n = m ? m[0].length : 0;
    this.trailingNewlines = n === s.length ? this.trailingNewlines + n : n;
  }

  private flushBreaks(): void {
    if (this.parts.length === 0) {
      this.pending = 0; // nothing above: no leading blank lines
      return;
    }
    const need = this.pending - this.trailingNewlines;
    if (need > 0) this.write('\n'.repeat(need));
    this.pending = 0;
  }

  block(newlines: number): void {
    this.pending = Math.max(this.pending, newlines);
    this.spaceOwed = false;
  }

  lineBreak(): void {
    if (this.parts.length === 0) return;
    this.flushBreaks();
    this.write('\n');
    this.spaceOwed = false;
  }

  cellSeparator(): void {
    if (this.parts.length === 0 || this.pending > 0 || this.lastChar === '\n') return;
    this.write('\t');
    this.spaceOwed = false;
  }

  text(raw: string, pre: boolean): void {
    if (pre) {
      if (raw.length === 0) return;
      this.flushBreaks();
      this.write(raw);
      this.spaceOwed = false;
      return;
    }
    const collapsed = raw.replace(/\s+/g, ' ');
    if (collapsed === '') return;
    if (collapsed === ' ') {
      this.spaceOwed = true;
      return;
    }
    const leading = collapsed.startsWith(' ');
    const trailing = collapsed.endsWith(' ');
    const word = collapsed.trim();
    const breaking = this.pending > 0 && this.parts.length > 0;
    this.flushBreaks();
    if (!breaking && (this.spaceOwed || leading) && this.parts.length > 0 && !/\s/.test(this.lastChar)) this.write(' ');
    this.write(word);
    this.spaceOwed = trailing;
  }

  toString(): string {
    // Trailing spaces on lines are layout, not content.
    return this.parts.join('').replace(/[ \t]+\n/g, '\n').trimEnd();
  }
}

/** Visible text of an HTML document; scripts and styles are dropped and entities decoded. */
export function htmlToText(html: string): string {
  const sink = new TextSink();
  let skipDepth = 0;
  let preDepth = 0;
  const parser = new Parser(
    {
      onopentag(name) {
        if (SKIP.has(name)) {
          skipDepth++;
          return;
        }
        if (skipDepth > 0) return;
        if (name === 'br') sink.lineBreak();
        else if (CELL.has(name)) sink.cellSeparator();
        else if (PARAGRAPH.has(name)) sink.block(2);
        else if (BLOCK.has(name)) sink.block(1);
        if (PREFORMATTED.has(name)) preDepth++;
      },
      onclosetag(name) {
        if (SKIP.has(name)) {
          skipDepth = Math.max(0, skipDepth - 1);
          return;
        }
        if (skipDepth > 0) return;
        if (PREFORMATTED.has(name)) preDepth = Math.max(0, preDepth - 1);
        if (PARAGRAPH.has(name)) sink.block(2);
        else if (BLOCK.has(name)) sink.block(1);
      },
      ontext(text) {
        if (skipDepth === 0) sink.text(text, preDepth > 0);
      },
    },
    { decodeEntities: true, lowerCaseTags: true, recognizeSelfClosing: true },
  );
  parser.write(html);
  parser.end();
  return sink.toString();
}

/** `.html`, `.htm`: the visible text. Hidden elements are kept: scanning too much fails safe. */
export const readHtml: Reader = async (_path, bytes) => {
  const d = decodeDocument(bytes);
  if ('error' in d) return [errorDoc(d.error)];
  const doc: ReadDocument = { text: htmlToText(d.text) };
  if (d.encoding) doc.encoding = d.encoding;
  return [doc];
};
