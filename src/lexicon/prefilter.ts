/**
 * A regex pass over the whole text costs as much as the trie pass for all terms together, so
 * each lexicon pattern is tried only at the starts of tokens where the text begins with one
 * of the pattern's possible opening strings. The openings are read from the pattern's
 * source (literals, small character classes, `\d`, optional groups, alternatives); when the
 * start is not plain enough to read, the pattern runs over the whole text as usual.
 * Patterns are therefore tried where a token starts, lookbehinds included (docs/lexicons.md).
 * To the prefilter every digit is '0' (openings and text alike): "\d{1,3} ?yo" opens with
 * "0yo", "00 yo" and so on, a handful of openings that read on past the number, where the ten
 * thousand with each digit would be cut back to "0" .. "9" and let every number through.
 * An opening is kept only where the words the pattern must also contain (required.ts) are in
 * reach of it: most openings are common ("the ", a digit) and well under 1% of them match.
 */
import type { Token } from '../text/tokenise.js';
import { EdgeTable } from './edges.js';
import { LiteralScanner, MIN_LITERAL, type LiteralTables, type Required } from './required.js';

const MAX_PREFIXES = 256;
const MAX_LEN = 8;

// Openings by pattern source: the build works them out once and stores them with the
// lexicon bundle (seedPrefixes), so a new scanner only builds its trie.
const prefixCache = new Map<string, string[] | undefined>();

/** Every pattern's openings worked out so far (for the build to store). */
export function knownPrefixes(): Record<string, string[] | null> {
  const out: Record<string, string[] | null> = {};
  for (const [k, v] of prefixCache) out[k] = v ?? null;
  return out;
}

export function seedPrefixes(known: Record<string, string[] | null>): void {
  for (const [k, v] of Object.entries(known)) if (v === null || Array.isArray(v)) prefixCache.set(k, v ?? undefined);
}

export function leadingPrefixes(source: string): string[] | undefined {
  if (prefixCache.has(source)) return prefixCache.get(source);
  const p = readPrefixes(source);
  if (prefixCache.size < 10_000) prefixCache.set(source, p);
  return p;
}

/** The openings read from the source, uncached. */
export function readPrefixes(source: string): string[] | undefined {
  const p = altsPrefixes(source);
  if (!p || p.length === 0 || p.length > MAX_PREFIXES || p.some((x) => x.text.length === 0)) return undefined;
  return [...new Set(p.map((x) => x.text))];
}

/**
 * One possible opening of a match, and whether it is the whole of what the pattern has
 * matched so far (open: what follows may be appended) or only its start (closed: the
 * reading stopped there, at an unreadable part, a repeat, or MAX_LEN). Each opening keeps
 * its own state, so "(?:boyfriend|he)\s+" reads as "boyfrien" and "he ", not "he".
 */
interface Opening {
  text: string;
  open: boolean;
}

const closeAll = (xs: Opening[]): Opening[] => xs.map((x) => (x.open ? { text: x.text, open: false } : x));

function altsPrefixes(src: string): Opening[] | undefined {
  const out: Opening[] = [];
  for (const alt of splitTop(src)) {
    const p = seqPrefixes(alt, [{ text: '', open: true }]);
    if (!p) return undefined;
    for (const x of p) out.push(x);
  }
  return fit(out);
}

/** Open openings followed by each of `next`; closed ones as they are (however many). */
function cross(a: Opening[], next: Opening[]): Opening[] {
  const out: Opening[] = [];
  for (const x of a) {
    if (!x.open) out.push(x);
    else for (const y of next) out.push({ text: x.text + y.text, open: y.open && x.text.length + y.text.length < MAX_LEN });
  }
  return out;
}

/** Shortest opening's length: a short opening is what makes a prefilter let text through. */
const minLen = (xs: Opening[]) => xs.reduce((m, x) => Math.min(m, x.text.length), Infinity);

/**
 * Of several correct sets of openings, the most selective that is usable: at most
 * MAX_PREFIXES, none empty; the longest shortest opening wins, then the fewest.
 */
function best(...cands: (Opening[] | undefined)[]): Opening[] {
  let pick: Opening[] | undefined;
  for (const c of cands) {
    if (!c || c.length === 0 || c.length > MAX_PREFIXES || c.some((x) => x.text === '')) continue;
    if (!pick || minLen(c) > minLen(pick) || (minLen(c) === minLen(pick) && c.length < pick.length)) pick = c;
  }
  return pick ?? cands.find((c): c is Opening[] => !!c && c.length <= MAX_PREFIXES) ?? [];
}

/**
 * At most MAX_PREFIXES openings: when there are more, the longest are cut by a character at
 * a time until few enough are left ("partner " and "partner\n" become "partner"; "step-dad"
 * and "stepdad" in time "step"), so short, telling openings ("bf ") keep their length. Shorter
 * openings are still correct, only less selective. Undefined when even one character is
 * too many.
 */
function fit(xs: Opening[]): Opening[] | undefined {
  if (xs.length <= MAX_PREFIXES) return xs;
  let cur = dedupe(xs);
  while (cur.length > MAX_PREFIXES) {
    let longest = 0;
    for (const x of cur) longest = Math.max(longest, x.text.length);
    if (longest <= 1) return undefined;
    cur = dedupe(cur.map((x) => (x.text.length === longest ? { text: x.text.slice(0, longest - 1), open: false } : x)));
  }
  return cur;
}

function dedupe(xs: Opening[]): Opening[] {
  const seen = new Map<string, Opening>();
  for (const x of xs) {
    const key = (x.open ? '+' : '-') + x.text;
    if (!seen.has(key)) seen.set(key, x);
  }
  return [...seen.values()];
}

interface Quantifier {
  optional: boolean;
  repeats: boolean;
  len: number;
  /** for a counted repeat "{n,m}" with m small, its bounds (read out in full for one character) */
  min?: number;
  max?: number;
}

function quantifier(s: string, i: number): Quantifier {
  const c = s[i];
  if (c === '?') return { optional: true, repeats: false, len: 1 + (s[i + 1] === '?' ? 1 : 0) };
  if (c === '*') return { optional: true, repeats: true, len: 1 + (s[i + 1] === '?' ? 1 : 0) };
  if (c === '+') return { optional: false, repeats: true, len: 1 + (s[i + 1] === '?' ? 1 : 0) };
  if (c === '{') {
    const m = /^\{(\d+)(,(\d*))?\}\??/.exec(s.slice(i));
    if (m) {
      const min = Number(m[1]);
      const max = m[2] === undefined ? min : m[3] === '' ? Infinity : Number(m[3]);
      const q: Quantifier = { optional: min === 0, repeats: m[2] !== undefined || min > 1, len: m[0].length };
      if (min >= 1 && max <= 3) Object.assign(q, { min, max });
      return q;
    }
  }
  return { optional: false, repeats: false, len: 0 };
}

/** "\d{1,2}": every count from min to max of one character, each known in full. */
function counted(P: Opening[], chars: string[], min: number, max: number): Opening[] {
  const one = chars.map((text) => ({ text, open: true }));
  const out: Opening[] = [];
  let cur = P;
  for (let k = 1; k <= max; k++) {
    cur = cross(cur, one);
    if (cur.length > MAX_PREFIXES) return []; // too many: the caller reads it the short way
    if (k >= min) out.push(...cur);
  }
  return out;
}

/** A character as the prefilter reads it: lower case, and every digit '0' (see foldCode). */
const foldChar = (c: string): string => (c >= '0' && c <= '9' ? '0' : c.toLowerCase());

/** Characters a simple class can match, folded (foldChar); undefined when not simple. */
function classChars(body: string): string[] | undefined {
  if (body.startsWith('^')) return undefined;
  const chars = new Set<string>();
  for (let i = 0; i < body.length; i++) {
    let c = body[i];
    if (c === '\\') {
      const n = body[++i];
      if (n === 'd') {
        chars.add('0');
        continue;
      }
      if (/[wsWSDbB]/.test(n)) return undefined;
      c = n;
    }
    if (body[i + 1] === '-' && i + 2 < body.length) {
      const from = c.charCodeAt(0);
      const to = body.charCodeAt(i + 2);
      if (to - from > 26) return undefined;
      for (let k = from; k <= to; k++) chars.add(foldChar(String.fromCharCode(k)));
      i += 2;
      continue;
    }
    chars.add(foldChar(c));
  }
  return chars.size > 0 && chars.size <= 20 ? [...chars] : undefined;
}

/**
 * `all` when few enough; else the most selective of: `fallback` (the optional part not read
 * past), the openings before the optional part (closed), or either cut shorter by fit. Each
 * is correct, only less selective.
 */
function bounded(all: Opening[], fallback: () => Opening[], before: Opening[]): Opening[] {
  if (all.length <= MAX_PREFIXES) return all;
  const f = fallback();
  return best(f, closeAll(before), fit(all), fit(f));
}

/**
 * The openings of `s` read after each of `start`. Undefined only when the pattern cannot be
 * read at all (\B, unbalanced groups); a part it cannot read closes the openings so far,
 * which stay correct, only shorter.
 */
function seqPrefixes(s: string, start: Opening[]): Opening[] | undefined {
  let P = start;
  let i = 0;
  while (i < s.length) {
    if (!P.some((x) => x.open)) return P;
    const c = s[i];
    if (c === '^') {
      i++;
      continue;
    }
    if (c === '\\' && s[i + 1] === 'B') return undefined;
    if (c === '\\' && s[i + 1] === 'b') {
      i += 2;
      continue;
    }
    if (c === '(') {
      const end = closingParen(s, i);
      if (end < 0) return undefined;
      const head = s.slice(i, i + 4);
      // Lookarounds consume nothing: a lookbehind is a guard on what comes before the match,
      // and the match itself still starts where a token starts (docs/lexicons.md).
      if (/^\(\?<?[=!]/.test(head)) {
        i = end + 1;
        continue;
      }
      const innerStart = s.startsWith('(?:', i) ? i + 3 : /^\(\?<[A-Za-z]/.test(head) ? s.indexOf('>', i) + 1 : i + 1;
      const inner = altsPrefixes(s.slice(innerStart, end));
      if (!inner) return closeAll(P);
      const q = quantifier(s, end + 1);
      const step = readPart(P, inner, q, s.slice(end + 1 + q.len));
      if ('done' in step) return step.done;
      P = step.next;
      i = end + 1 + q.len;
      continue;
    }
    let chars: string[] | undefined;
    let next = i + 1;
    if (c === '[') {
      let j = i + 1;
      if (s[j] === '^') j++;
      if (s[j] === ']') j++;
      for (; j < s.length && s[j] !== ']'; j++) if (s[j] === '\\') j++;
      chars = classChars(s.slice(i + 1, j));
      next = j + 1;
    } else if (c === '\\') {
      const n = s[i + 1];
      if (n === 'd') chars = ['0'];
      // Normalised text has only ' ' and '\n' for white space.
      else if (n === 's') chars = [' ', '\n'];
      else if (/[A-Za-z0-9]/.test(n)) chars = undefined; // \w \x.. \u.. etc.
      else chars = [n];
      next = i + 2;
    } else if (c === '.' || c === '|' || c === ')' || c === '$') {
      chars = undefined;
    } else {
      chars = [foldChar(c)];
    }
    if (!chars) return closeAll(P);
    const q = quantifier(s, next);
    if (q.min !== undefined && q.max !== undefined) {
      const all = counted(P, chars, q.min, q.max);
      if (all.length > 0 && all.length <= MAX_PREFIXES) {
        P = all;
        i = next + q.len;
        continue;
      }
    }
    const step = readPart(P, chars.map((text) => ({ text, open: true })), q, s.slice(next + q.len));
    if ('done' in step) return step.done;
    P = step.next;
    i = next + q.len;
  }
  return P;
}

/**
 * One part of a sequence (a group, or a character or class) with its quantifier, read after
 * the openings P: `next` to read on with, or `done` when the reading ends here.
 */
function readPart(P: Opening[], part: Opening[], q: Quantifier, rest: string): { next: Opening[] } | { done: Opening[] | undefined } {
  // Present once, whole (read on after it), or present and repeating (stop after it).
  const once = cross(P, q.repeats ? closeAll(part) : part);
  // Too many: an optional part may be absent, so only the openings before it are safe.
  if (once.length > MAX_PREFIXES) return { done: q.optional ? closeAll(P) : best(closeAll(P), fit(once)) };
  if (!q.optional) return q.repeats ? { done: once } : { next: once };
  // Optional: the openings with it and the openings without it.
  const withIt = q.repeats ? once : seqPrefixes(rest, once);
  const without = seqPrefixes(rest, P);
  if (!withIt || !without) return { done: undefined };
  return { done: bounded([...withIt, ...without], () => [...closeAll(once), ...without], P) };
}

/**
 * Walks a regex source from `from`, calling `visit` with each character that is neither
 * escaped nor inside a character class (the only ones that shape groups and alternatives).
 * `visit` returns true to stop; the walk returns where it stopped, or -1.
 */
function walkStructure(s: string, from: number, visit: (c: string, i: number) => boolean): number {
  for (let i = from; i < s.length; i++) {
    const c = s[i];
    if (c === '\\') {
      i++;
      continue;
    }
    if (c === '[') {
      for (i++; i < s.length && s[i] !== ']'; i++) if (s[i] === '\\') i++;
      continue;
    }
    if (visit(c, i)) return i;
  }
  return -1;
}

function closingParen(s: string, open: number): number {
  let depth = 0;
  return walkStructure(s, open, (c) => {
    if (c === '(') depth++;
    else if (c === ')') return --depth === 0;
    return false;
  });
}

function splitTop(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let start = 0;
  walkStructure(s, 0, (c, i) => {
    if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === '|' && depth === 0) {
      out.push(s.slice(start, i));
      start = i + 1;
    }
    return false;
  });
  out.push(s.slice(start));
  return out;
}

/** What a token's own text tells the prefilter (see PrefixTrie.walk). */
export interface TokenWalk {
  /** patterns whose opening ends inside the token */
  hits: readonly number[];
  /** the trie node (id) at the token's end, to carry on into the text after it, or -1 */
  node: number;
  /**
   * ids of the required-literal clauses the token's text satisfies (most tokens: none); a plain
   * array, read at every token, where a typed array's loads cost more
   */
  clauses: readonly number[];
}

const NO_IDS: readonly number[] = [];

/** Bound on the shared lists of ids (PrefixTrie.shared): words' lists are few, but unbounded text could make more. */
const MAX_LISTS = 4096;

/** Where no literal of a clause is, as a token start: beyond any reach. */
const NOWHERE = 0x3fffffff;

/** A node of the trie while it is built; matching walks its flat form (PrefixTrie). */
interface BuildNode {
  /** by folded UTF-16 code unit (foldCode) */
  next: Map<number, BuildNode>;
  /** patterns whose opening ends here */
  patterns: number[];
}

/** A code unit as the trie knows it: lower case, and every ASCII digit '0' (\d matches no other). */
function foldCode(code: number): number {
  if (code >= 65 && code <= 90) return code + 32;
  if (code >= 48 && code <= 57) return 48;
  if (code < 128) return code;
  const l = String.fromCharCode(code).toLowerCase();
  return l.length === 1 ? l.charCodeAt(0) : code;
}

/** What the prefilter knows of one pattern: where it may open, and what it must contain. */
export interface PatternFilter {
  prefixes: string[];
  required: Required;
}

/** A pattern's required-literal clauses (ids), each with its reach (see Required): fixed + runs x the longest space. */
interface Need {
  clauses: number[];
  fixed: number[];
  runs: number[];
}

const ROOT = 0;

/** A PrefixTrie's tables (the build stores them with the compiled lexicon, stored.ts): edges as [node, folded code unit, child] triples, nodes numbered breadth first. */
export interface PrefixTrieTables {
  edges: Int32Array;
  /** by node: the patterns whose opening ends there */
  patternsAt: (number[] | null)[];
  /** by pattern: its required-literal clauses in reach */
  needs: (Need | null)[];
  literals: LiteralTables;
  clauses: number;
}

/**
 * All patterns' openings in one character trie, so one pass over a document's token starts
 * finds every place each pattern may match; and all their required literals (required.ts), so
 * that a place is kept only where each of the pattern's clauses has a literal in reach.
 * The trie is kept flat: node ids, its edges (node, folded code unit) in one EdgeTable.
 */
export class PrefixTrie {
  private readonly edges: EdgeTable;
  /** by node id: the patterns whose opening ends there, or undefined for none */
  private readonly patternsAt: (number[] | undefined)[];
  /** by node id: 1 when the node has children */
  private readonly goesOn: Uint8Array;
  /** by node id: 1 when it has a child by a character other than a letter a-z */
  private readonly goesPastWord: Uint8Array;
  private readonly needs: (Need | undefined)[];
  /**
   * by node id: every pattern whose opening ends at the node or below it, when they are few
   * (at most MAX_BELOW) and each has clauses to ask; undefined otherwise (see walkWorthIt)
   */
  private readonly below: (number[] | undefined)[];
  private readonly literals: LiteralScanner;
  /** how many required-literal clauses there are */
  readonly clauses: number;
  private readonly newline: TokenWalk;

  /** `patterns[i]` for pattern i, or undefined for one run over the whole text instead. */
  static build(patterns: readonly (PatternFilter | undefined)[]): PrefixTrie {
    const clauses: string[][] = [];
    // Patterns built from one vocabulary share clauses: each is looked for once.
    const ids = new Map<string, number>();
    const idOf = (c: string[]) => {
      const key = c.join('|');
      let id = ids.get(key);
      if (id === undefined) {
        id = clauses.length;
        clauses.push(c);
        ids.set(key, id);
      }
      return id;
    };
    const root: BuildNode = { next: new Map(), patterns: [] };
    const needs: (Need | null)[] = [];
    patterns.forEach((p, i) => {
      needs.push(null);
      if (!p) return;
      for (const x of p.prefixes) add(root, x, i);
      const kept = clausesToAsk(p.required);
      const { clauses, reach } = p.required;
      if (kept.length) needs[i] = { clauses: kept.map((k) => idOf(clauses[k])), fixed: kept.map((k) => reach[k].fixed), runs: kept.map((k) => reach[k].runs) };
    });
    // Numbered breadth first, the root 0.
    const nodes: BuildNode[] = [root];
    const edges: number[] = [];
    for (let id = 0; id < nodes.length; id++)
      for (const [code, child] of nodes[id].next) {
        edges.push(id, code, nodes.length);
        nodes.push(child);
      }
    const patternsAt = nodes.map((n) => (n.patterns.length ? n.patterns : null));
    return new PrefixTrie({ edges: Int32Array.from(edges), patternsAt, needs, literals: LiteralScanner.fromClauses(clauses).tables(), clauses: clauses.length });
  }

  /** The trie's tables, as build works them out or the build stored them (null for none). */
  private readonly stored: PrefixTrieTables;

  constructor(stored: PrefixTrieTables) {
    this.stored = stored;
    const { edges } = stored;
    this.edges = new EdgeTable(edges);
    this.patternsAt = stored.patternsAt.map((at) => at ?? undefined);
    const nodes = stored.patternsAt.length;
    this.goesOn = new Uint8Array(nodes);
    this.goesPastWord = new Uint8Array(nodes);
    for (let e = 0; e < edges.length; e += 3) {
      this.goesOn[edges[e]] = 1;
      const code = edges[e + 1];
      if (code < 97 || code > 122) this.goesPastWord[edges[e]] = 1;
    }
    this.needs = stored.needs.map((n) => n ?? undefined);
    this.below = patternsBelow(edges, this.patternsAt, this.needs);
    this.literals = new LiteralScanner(stored.literals);
    this.clauses = stored.clauses;
    this.newline = { hits: NO_IDS, node: -1, clauses: NO_IDS };
  }

  /** The tables, for the build to store (the constructor takes them back). */
  tables(): PrefixTrieTables {
    return this.stored;
  }

  /**
   * The walk through one token's own characters: patterns whose opening ends inside it, the
   * node reached at its end (to carry on into the following text) or none, and the required
   * literals inside it. It depends only on the token's text: the matcher keeps it on the
   * token's shared form. A word never stops before a letter (tokenise.ts: nor before a
   * character that lower-cases to one, such as U+212A, a letter too), so after a word only a
   * node with a child by some other character can go on; most cannot.
   */
  walk(token: Token): TokenWalk {
    if (token.kind === 'newline') return this.newline;
    const word = token.text;
    let hits: number[] = [];
    let node = ROOT;
    for (let i = 0; i < word.length && node >= 0; i++) {
      node = this.edges.child(node, foldCode(word.charCodeAt(i)));
      const at = node >= 0 ? this.patternsAt[node] : undefined;
      if (at) for (const p of at) hits.push(p);
    }
    const goesOn = token.kind === 'word' ? this.goesPastWord : this.goesOn;
    const found = this.literals.find(word);
    return { hits: this.shared(hits), node: node >= 0 && goesOn[node] ? node : -1, clauses: found ? this.shared(Array.from(found)) : NO_IDS };
  }

  /** Lists of ids (see `lists`), one array for each distinct list. */
  private readonly lists = new Map<string, readonly number[]>();

  /**
   * One shared array for each distinct list of pattern or clause ids (a bounded number of
   * them). The prefilter reads every token's lists, in a pass over all the document's tokens:
   * a few hundred shared arrays stay in cache, where an array of each word's own did not
   * (most words' lists are empty or one of a few common ones).
   */
  private shared(ids: number[]): readonly number[] {
    if (ids.length === 0) return NO_IDS;
    const key = ids.join(',');
    const known = this.lists.get(key);
    if (known) return known;
    if (this.lists.size < MAX_LISTS) this.lists.set(key, ids);
    return ids;
  }

  /**
   * Every (token start, pattern) pair where the text opens with one of the pattern's
   * prefixes and the pattern's required literals are in reach, flat as [start, pattern, start,
   * pattern, ...] in text order: one growing array per document rather than one per pattern.
   * A pair may repeat when two prefixes of one pattern open at the same place. `walkAt(i)`
   * gives token i's walk (see walk), asked once per token, from the last to the first (the
   * matcher works out and keeps each token's step there, in this one pass over the tokens).
   * `nearest` is the caller's array of `clauses` numbers, for this call's use (see inReach).
   *
   * The tokens are read from the last to the first, so that when a token's openings are
   * asked about, `nearest` already holds, for every clause, the start of the nearest token
   * from it on with one of the clause's literals (each question is a few loads, and each
   * token's clauses are written once), and `space` the longest run of white space after the
   * token's start, which is all of the text a match from there can take its runs from.
   */
  candidates(text: string, toks: Token[], walkAt: (i: number) => TokenWalk, nearest: Int32Array): number[] {
    nearest.fill(NOWHERE);
    const { edges, patternsAt, goesOn } = this;
    // Tokens cover every character but white space (tokenise.ts), so the gaps between tokens
    // other than line breaks are the white-space runs.
    let space = 0;
    let nextStart = text.length;
    // Pairs as [pattern, start, ...] from the last token to the first: reversed at the end.
    const out: number[] = [];
    for (let i = toks.length - 1; i >= 0; i--) {
      const t = toks[i];
      const start = t.start;
      if (t.kind !== 'newline') {
        if (nextStart - t.end > space) space = nextStart - t.end;
        nextStart = start;
      }
      const w = walkAt(i);
      const cs = w.clauses;
      for (let k = 0; k < cs.length; k++) nearest[cs[k]] = start;
      for (const p of w.hits) if (this.inReach(p, start, nearest, space)) out.push(p, start);
      let node = w.node;
      if (node < 0 || !this.walkWorthIt(node, start, nearest, space)) continue;
      for (let j = t.end; j < text.length; j++) {
        node = edges.child(node, foldCode(text.charCodeAt(j)));
        if (node < 0) break;
        const at = patternsAt[node];
        if (at) for (const p of at) if (this.inReach(p, start, nearest, space)) out.push(p, start);
        if (goesOn[node] === 0) break;
      }
    }
    // Pairs at one start are of different patterns (or repeats), so their order among
    // themselves does not matter; the starts come out in text order.
    return out.reverse();
  }

  /**
   * Can the walk on from `node` (into the text after a token) find a pattern that is in
   * reach from `start`? Most walks start at a common opening ("the ", ":") whose patterns all
   * need a word that is nowhere near; asking their few patterns first saves the walk, and
   * the walk would keep none of them (inReach does not depend on where an opening ends).
   */
  private walkWorthIt(node: number, start: number, nearest: Int32Array, space: number): boolean {
    const below = this.below[node];
    if (!below) return true;
    for (let k = 0; k < below.length; k++) if (this.inReach(below[k], start, nearest, space)) return true;
    return false;
  }

  /**
   * Can pattern p match from `start` on, as far as its required literals tell: does each of
   * its clauses have a literal within its reach from there? A literal lies inside one token
   * (required.ts) and ends at least MIN_LITERAL after the token's start; `nearest` holds
   * each clause's nearest such token start from here on, and `space` bounds each white-space
   * run a match from here can have. (A clause without a bound on its reach is not asked: its
   * literals could be anywhere after.)
   */
  private inReach(p: number, start: number, nearest: Int32Array, space: number): boolean {
    const need = this.needs[p];
    if (!need) return true;
    const { clauses, fixed, runs } = need;
    for (let k = 0; k < clauses.length; k++) if (nearest[clauses[k]] + MIN_LITERAL > start + fixed[k] + runs[k] * space) return false;
    return true;
  }
}

/**
 * The clauses of a pattern worth asking about (indexes into required.clauses). A clause that
 * can be anywhere in the match tells the prefilter nothing. A clause with a literal of
 * MIN_LITERAL letters ("at|in|to") is inside a great many words: it filters little, and every
 * token with it costs the sweep (candidates) a write, so it is asked only when the pattern has
 * no clause of longer literals.
 */
function clausesToAsk(required: Required): number[] {
  const bounded = required.clauses.flatMap((c, k) => (required.reach[k].fixed === Infinity ? [] : [k]));
  const long = bounded.filter((k) => required.clauses[k].every((x) => x.length > MIN_LITERAL));
  return long.length ? long : bounded;
}

/** Patterns a node's subtree is asked about at most (walkWorthIt): beyond it the walk is cheaper. */
const MAX_BELOW = 8;

/**
 * By node: the patterns whose openings end at the node or below it, when at most MAX_BELOW
 * and every one has clauses to ask (a pattern without is always in reach); else undefined.
 */
function patternsBelow(edges: Int32Array, patternsAt: readonly (number[] | undefined)[], needs: readonly (Need | undefined)[]): (number[] | undefined)[] {
  const nodes = patternsAt.length;
  const below: (number[] | undefined)[] = new Array(nodes);
  // Unbounded: a subtree too large, or with a pattern that is always in reach.
  const unbounded = new Uint8Array(nodes);
  for (let v = 0; v < nodes; v++) {
    const at = patternsAt[v] ?? [];
    below[v] = [...at];
    if (at.some((p) => !needs[p])) unbounded[v] = 1;
  }
  // Nodes are numbered breadth first, so a child's id is above its parent's: folding the
  // edges from the last, each child is complete before it is folded into its parent.
  for (let e = edges.length - 3; e >= 0; e -= 3) {
    const parent = edges[e];
    const child = edges[e + 2];
    if (unbounded[parent]) continue;
    if (unbounded[child]) {
      unbounded[parent] = 1;
      continue;
    }
    const mine = below[parent]!;
    for (const p of below[child]!) if (!mine.includes(p)) mine.push(p);
    if (mine.length > MAX_BELOW) unbounded[parent] = 1;
  }
  for (let v = 0; v < nodes; v++) if (unbounded[v]) below[v] = undefined;
  return below;
}

function add(root: BuildNode, prefix: string, pattern: number): void {
  let node = root;
  for (let i = 0; i < prefix.length; i++) {
    const code = foldCode(prefix.charCodeAt(i));
    let n = node.next.get(code);
    if (!n) {
      n = { next: new Map(), patterns: [] };
      node.next.set(code, n);
    }
    node = n;
  }
  if (!node.patterns.includes(pattern)) node.patterns.push(pattern);
}
