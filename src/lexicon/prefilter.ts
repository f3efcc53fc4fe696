/**
 * A regex pass over the whole text costs as much as the trie pass for all terms together, so
 * each lexicon pattern is run only on documents that contain a word it must start with.
 * The first words are read from the pattern's source: a leading literal word or a leading
 * group of literal alternatives (`\b(?:partner|husband|ex)\s+...`). When the start is not
 * plain enough to read, the pattern always runs.
 */
export function leadingPrefixes(source: string): string[] | undefined {
  return prefixesOf(source, false);
}

function prefixesOf(source: string, anchored: boolean): string[] | undefined {
  const out: string[] = [];
  for (const alt of splitTop(source)) {
    const p = altPrefixes(alt, anchored);
    if (!p) return undefined;
    out.push(...p);
  }
  return out.length ? out : undefined;
}

function altPrefixes(alt: string, anchoredIn: boolean): string[] | undefined {
  let s = alt;
  let anchored = anchoredIn;
  for (;;) {
    if (s.startsWith('\\b')) {
      s = s.slice(2);
      anchored = true;
    } else if (/^\(\?<[!=]/.test(s)) {
      const end = closingParen(s, 0);
      if (end < 0) return undefined;
      s = s.slice(end + 1);
    } else break;
  }
  if (s.startsWith('(')) {
    const end = closingParen(s, 0);
    if (end < 0) return undefined;
    // A group that is optional or repeated zero times does not have to be there.
    if (/^[?*]|^\{0/.test(s.slice(end + 1))) return undefined;
    if (!s.startsWith('(?:') && s[1] === '?') return undefined;
    return prefixesOf(s.slice(s.startsWith('(?:') ? 3 : 1, end), anchored);
  }
  // Only a word that starts at a word boundary can be looked up as a word prefix.
  if (!anchored) return undefined;
  const m = /^[A-Za-z0-9']+/.exec(s);
  if (!m) return undefined;
  let word = m[0];
  const next = s[word.length];
  // A quantifier right after the literal makes its last character optional.
  if (next === '?' || next === '*' || next === '{') word = word.slice(0, -1);
  if (word.length < 1) return undefined;
  return [word.toLowerCase()];
}

function closingParen(s: string, open: number): number {
  let depth = 0;
  for (let i = open; i < s.length; i++) {
    const c = s[i];
    if (c === '\\') {
      i++;
      continue;
    }
    if (c === '[') {
      // skip a character class
      for (i++; i < s.length && s[i] !== ']'; i++) if (s[i] === '\\') i++;
      continue;
    }
    if (c === '(') depth++;
    else if (c === ')') {
      depth--;
      if (depth === 0) return i;
    }
  }
  return -1;
}

function splitTop(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '\\') {
      i++;
      continue;
    }
    if (c === '[') {
      for (i++; i < s.length && s[i] !== ']'; i++) if (s[i] === '\\') i++;
      continue;
    }
    if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === '|' && depth === 0) {
      out.push(s.slice(start, i));
      start = i + 1;
    }
  }
  out.push(s.slice(start));
  return out;
}

interface PrefixNode {
  next: Map<string, PrefixNode>;
  /** patterns whose prefix ends here */
  patterns: number[];
}

/**
 * All patterns' word prefixes in one character trie, so one pass over a document's words
 * finds every place each pattern may start.
 */
export class PrefixTrie {
  private readonly root: PrefixNode = { next: new Map(), patterns: [] };
  add(prefix: string, pattern: number): void {
    let node = this.root;
    for (const ch of prefix) {
      let n = node.next.get(ch);
      if (!n) {
        n = { next: new Map(), patterns: [] };
        node.next.set(ch, n);
      }
      node = n;
    }
    if (!node.patterns.includes(pattern)) node.patterns.push(pattern);
  }
  /** For each pattern index, the start offsets of words it may match at (ascending). */
  candidates(words: { lower: string; start: number }[], patternCount: number): number[][] {
    const out: number[][] = Array.from({ length: patternCount }, () => []);
    for (const w of words) {
      let node: PrefixNode | undefined = this.root;
      const s = w.lower;
      for (let i = 0; i < s.length && node; i++) {
        node = node.next.get(s[i]);
        if (node && node.patterns.length) for (const p of node.patterns) out[p].push(w.start);
      }
    }
    return out;
  }
}
