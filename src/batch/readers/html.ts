import { createRequire } from 'node:module';
import type * as Entities from 'entities';
import { errorDoc } from './errors.js';
import { decodeDocument } from './text.js';
import { joinParts } from './parts.js';
import type { ReadDocument, Reader } from './types.js';

// Loaded on first use, not at import: importing the package (or starting a worker) should not pay for
// libraries that scanning a text never needs (cold start, issue 17).
const requireHere = createRequire(import.meta.url);
let entitiesModule: typeof Entities | undefined;
const entities = (): typeof Entities => (entitiesModule ??= requireHere('entities') as typeof Entities);

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

  /** Text that follows is not joined to what came before (a hidden run ended). */
  separate(): void {
    this.spaceOwed = true;
  }

  toString(): string {
    // Trailing spaces on lines are layout, not content.
    return this.parts.join('').replace(/[ \t]+\n/g, '\n').trimEnd();
  }
}

/** Elements with no content and no end tag. */
const VOID = new Set(['area', 'base', 'br', 'col', 'embed', 'hr', 'img', 'input', 'link', 'meta', 'param', 'source', 'track', 'wbr']);
/**
 * Elements whose content runs to their end tag without tags inside: scripts and styles (code, not
 * text), text areas and titles (shown as text), templates (never shown: hidden text).
 */
const RAW = new Set(['script', 'style', 'textarea', 'title', 'xmp', 'plaintext', 'template', 'iframe', 'noembed', 'noframes']);
/** How deep the element stack may grow: past it, elements nest without being tracked. */
const MAX_DEPTH = 4096;
/** How far down the stack an end tag looks for its element (an unmatched end tag is ignored). */
const CLOSE_SEARCH = 256;

// Styles and attributes that hide an element's text from view.
const HIDING_STYLE = /(?:^|;)\s*(?:display\s*:\s*none|visibility\s*:\s*(?:hidden|collapse)|font-size\s*:\s*0(?:\.0*)?(?:[a-z%]*)?\s*(?:!important\s*)?(?:;|$)|opacity\s*:\s*0(?:\.0*)?\s*(?:!important\s*)?(?:;|$))/i;
const ATTRIBUTE = /([^\s"'>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+)))?/g;

function hides(attrs: string): boolean {
  if (!attrs) return false;
  ATTRIBUTE.lastIndex = 0;
  for (let m = ATTRIBUTE.exec(attrs); m; m = ATTRIBUTE.exec(attrs)) {
    const name = m[1].toLowerCase();
    if (name === 'hidden') return true;
    if (name === 'style' && HIDING_STYLE.test(entities().decodeHTML(m[2] ?? m[3] ?? m[4] ?? ''))) return true;
  }
  return false;
}

interface Open {
  name: string;
  hidden: boolean;
}

/**
 * The text of an HTML document as a reader sees it, and apart from it the text hidden from view
 * (`display:none`, `visibility:hidden`, `font-size:0`, `opacity:0`, the `hidden` attribute).
 * A hidden span inside a word ("MA<span hidden>x</span>RAC") must not break the word the reader
 * sees, and what it hides is in the file all the same: it is scanned as a part of its own.
 * Scripts, styles and comments are not text. One pass, in time linear in the input: the element
 * stack is bounded and an end tag looks only a bounded way down it (nesting a million tags deep
 * made the general-purpose parser quadratic).
 */
export function htmlContent(html: string): { text: string; hidden: string } {
  const shown = new TextSink();
  const hiddenSink = new TextSink();
  const stack: Open[] = [];
  let hiddenDepth = 0; // open hidden elements
  let preDepth = 0;
  let untracked = 0; // elements opened past MAX_DEPTH
  const sinkNow = () => (hiddenDepth > 0 ? hiddenSink : shown);
  const layout = (name: string, closing: boolean) => {
    const sink = sinkNow();
    if (name === 'br') {
      if (!closing) sink.lineBreak();
    } else if (CELL.has(name)) {
      if (!closing) sink.cellSeparator();
    } else if (PARAGRAPH.has(name)) sink.block(2);
    else if (BLOCK.has(name)) sink.block(1);
  };
  const text = (raw: string) => {
    if (raw) sinkNow().text(entities().decodeHTML(raw), preDepth > 0);
  };
  const open = (name: string, attrs: string) => {
    const hidden = hides(attrs);
    layout(name, false);
    if (VOID.has(name)) return;
    if (stack.length >= MAX_DEPTH) {
      untracked++;
      return;
    }
    stack.push({ name, hidden });
    if (hidden) {
      if (hiddenDepth === 0) hiddenSink.separate();
      hiddenDepth++;
    }
    if (PREFORMATTED.has(name)) preDepth++;
  };
  const close = (name: string) => {
    if (untracked > 0) {
      untracked--;
      return;
    }
    const floor = Math.max(0, stack.length - CLOSE_SEARCH);
    let k = stack.length - 1;
    while (k >= floor && stack[k].name !== name) k--;
    if (k < floor) return; // nothing open by that name nearby: ignored, as browsers do
    while (stack.length > k) {
      const e = stack.pop()!;
      if (PREFORMATTED.has(e.name)) preDepth = Math.max(0, preDepth - 1);
      if (e.hidden) hiddenDepth--;
    }
    layout(name, true);
  };

  const n = html.length;
  let i = 0;
  while (i < n) {
    const lt = html.indexOf('<', i);
    if (lt < 0) {
      text(html.slice(i));
      break;
    }
    if (lt > i) text(html.slice(i, lt));
    const c = html.charCodeAt(lt + 1);
    const isLetter = (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
    if (html.startsWith('<!--', lt)) {
      const end = html.indexOf('-->', lt + 4);
      i = end < 0 ? n : end + 3;
      continue;
    }
    if (c === 33 /* ! */ || c === 63 /* ? */) {
      const end = html.indexOf('>', lt + 2);
      i = end < 0 ? n : end + 1;
      continue;
    }
    const closing = c === 47; /* / */
    const c2 = closing ? html.charCodeAt(lt + 2) : c;
    if (!isLetter && !(closing && ((c2 >= 65 && c2 <= 90) || (c2 >= 97 && c2 <= 122)))) {
      text('<'); // a lone "<" is text
      i = lt + 1;
      continue;
    }
    // The tag runs to the first ">" outside a quoted attribute value.
    const nameStart = closing ? lt + 2 : lt + 1;
    let j = nameStart;
    while (j < n && !/[\s/>]/.test(html[j])) j++;
    const name = html.slice(nameStart, j).toLowerCase();
    let quote = 0;
    let k = j;
    for (; k < n; k++) {
      const ch = html.charCodeAt(k);
      if (quote) {
        if (ch === quote) quote = 0;
      } else if (ch === 34 || ch === 39) quote = ch;
      else if (ch === 62) break;
    }
    const attrs = html.slice(j, k);
    i = k < n ? k + 1 : n;
    if (closing) {
      close(name);
      continue;
    }
    if (RAW.has(name)) {
      // Raw text to the matching end tag. textarea and title are shown; the others are not text.
      const endRe = new RegExp(`</${name}[\\s>/]`, 'gi');
      endRe.lastIndex = i;
      const m = name === 'plaintext' ? null : endRe.exec(html);
      const body = html.slice(i, m ? m.index : n);
      if (name === 'textarea' || name === 'title' || name === 'xmp' || name === 'plaintext') {
        open(name, attrs);
        preDepth++;
        text(body);
        preDepth--;
        close(name);
      } else if (name === 'template') {
        const inner = htmlContent(body);
        hiddenSink.separate();
        hiddenSink.text([inner.text, inner.hidden].filter(Boolean).join(' '), false);
      }
      if (!m) break;
      i = html.indexOf('>', m.index) + 1 || n;
      continue;
    }
    open(name, attrs);
    if (attrs.endsWith('/') && !VOID.has(name)) close(name); // <span/>: nothing inside
  }
  return { text: shown.toString(), hidden: hiddenSink.toString() };
}

/** Visible text of an HTML document; scripts and styles are dropped and entities decoded. */
export function htmlToText(html: string): string {
  return htmlContent(html).text;
}

/**
 * `.html`, `.htm`: the visible text; text hidden from view is a part of its own ("hidden text"),
 * scanned all the same, and the document is never `visible` for holding it.
 */
export const readHtml: Reader = async (_path, bytes) => {
  const d = decodeDocument(bytes);
  if ('error' in d) return [errorDoc(d.error)];
  const { text, hidden } = htmlContent(d.text);
  const doc: ReadDocument = hidden ? { ...joinParts([{ name: 'body', text }, { name: 'hidden text', text: hidden }]), flags: ['hidden-text'] } : { text };
  if (d.encoding) doc.encoding = d.encoding;
  return [doc];
};
