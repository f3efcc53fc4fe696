import type { Analysed } from '../text/index.js';
import { claimMemoSlot, tokensCovering, type Token } from '../text/tokenise.js';
import type { TokenWalk } from './prefilter.js';
import { keyOf, type CompiledLexicon, type Constraint, type FrameGroup, type Phrase, type TermRef, type TrieNode } from './compile.js';

export interface Hit {
  entry: number;
  /** token range [startTok, endTok) */
  startTok: number;
  endTok: number;
  /** normalised offsets */
  start: number;
  end: number;
  via: 'term' | 'abbreviation' | 'pattern';
}

// Bound on the per-lexicon first-step cache (distinct token texts), for flat memory.
const MAX_KEYS = 60_000;

/** A token's first step through the term trie, and its walk through the pattern prefilter. */
interface FirstStep extends TokenWalk {
  exact: string;
  stemmed: string;
  abbr?: TermRef[];
  nodes?: TrieNode[];
}
const firstStepCache = new WeakMap<CompiledLexicon, Map<string, FirstStep>>();
/** Each token form remembers its first step (and prefilter walk) for the last lexicon that asked. */
const SLOT = claimMemoSlot();

/**
 * Per lexicon, per token text (case kept, for abbreviations): the token's trie keys and what
 * the first step of matching finds. Clinical text repeats a small vocabulary, so this is one
 * Map look-up per token (bounded, shared across documents).
 */
function firstSteps(lex: CompiledLexicon) {
  let cache = firstStepCache.get(lex);
  if (!cache) {
    cache = new Map();
    firstStepCache.set(lex, cache);
  }
  const c = cache;
  return (t: Token): FirstStep => {
    // Fast path: the token's shared form already holds this lexicon's first step.
    const memo = t.form.memo;
    if (memo[SLOT] === lex) return memo[SLOT + 1] as FirstStep;
    const key = t.kind === 'newline' ? '\n' : t.text;
    let f = c.get(key);
    if (f) {
      memo[SLOT] = lex;
      memo[SLOT + 1] = f;
      return f;
    }
    const [exact, stemmed] = keysOf(t);
    const abbr = lex.abbreviations.get(t.text);
    const n1 = lex.root.next.get(exact);
    const n2 = stemmed !== exact ? lex.root.next.get(stemmed) : undefined;
    const nodes = n1 && n2 ? [n1, n2] : n1 ? [n1] : n2 ? [n2] : undefined;
    const { hits, node, literals } = lex.prefixTrie.walk(t);
    f = { exact, stemmed, abbr, nodes, hits, node, literals };
    if (!t.form.transient) {
      if (c.size >= MAX_KEYS) c.clear();
      c.set(key, f);
    }
    memo[SLOT] = lex;
    memo[SLOT + 1] = f;
    return f;
  };
}

function keysOf(t: Token): [string, string] {
  return [keyOf(t, false), keyOf(t, true)];
}

/** Stemmed key of each token, with near-phrase matching in mind ("~" + stem; punctuation as is). */
/** Per token, its stemmed key when the matcher has already worked it out. */
type KnownKeys = readonly { stemmed: string }[] | undefined;

function stemKeyAt(doc: Analysed, keys: KnownKeys, j: number): string {
  if (keys) return keys[j].stemmed;
  return keysOf(doc.tokens[j])[1];
}

function phraseAt(doc: Analysed, keys: KnownKeys, i: number, p: Phrase): boolean {
  let j = i;
  for (let k = 0; k < p.keys.length; k++) {
    while (j < doc.tokens.length && doc.tokens[j].skip) j++;
    if (j >= doc.tokens.length) return false;
    const key = p.keys[k];
    if (key !== stemKeyAt(doc, keys, j) && key !== '~' + doc.tokens[j].lower) return false;
    j++;
  }
  return true;
}

function anyNear(doc: Analysed, keys: KnownKeys, from: number, to: number, index: Map<string, Phrase[]>): boolean {
  for (let i = from; i < to; i++) {
    if (doc.tokens[i].skip) continue;
    const t = doc.tokens[i];
    const k1 = stemKeyAt(doc, keys, i);
    const c1 = index.get(k1);
    if (c1) for (const p of c1) if (phraseAt(doc, keys, i, p)) return true;
    if (t.kind === 'word' && '~' + t.lower !== k1) {
      const c2 = index.get('~' + t.lower);
      if (c2) for (const p of c2) if (phraseAt(doc, keys, i, p)) return true;
    }
  }
  return false;
}

/** Does a hit at [a, b) satisfy its near / notNear constraint, within its sentence? */
export function constraintHolds(doc: Analysed, a: number, b: number, c: Constraint | undefined, keys?: KnownKeys): boolean {
  if (!c) return true;
  const sIdx = doc.tokenSentence[a];
  const sent = doc.sentences[sIdx];
  let lo = sent ? sent.firstToken : 0;
  // A fragment of a few words ("?neglect.") leans on the sentences before it, all of them
  // within reach: its near-words are what those sentences were about.
  const fragment = !!sent && sIdx > 0 && sent.endToken - sent.firstToken <= 5;
  if (fragment) lo = doc.sentences[Math.max(0, sIdx - 2)].firstToken;
  const hi = sent ? sent.endToken : doc.tokens.length;
  let from = a;
  for (let n = 0; from > lo && (fragment || n < c.window); ) {
    from--;
    if (!doc.tokens[from].skip) n++;
  }
  let to = b;
  for (let n = 0; n < c.window && to < hi; to++) if (!doc.tokens[to].skip) n++;
  // Near-words must be outside the hit itself.
  const around = (ix: Map<string, Phrase[]>) => anyNear(doc, keys, from, a, ix) || anyNear(doc, keys, b, to, ix);
  if (c.nearIndex && !around(c.nearIndex)) return false;
  if (c.notNearIndex && around(c.notNearIndex)) return false;
  return true;
}

/** Tokens that end a clause for a frame group with `clause`: its words must not lie beyond one. */
function endsClause(doc: Analysed, i: number): boolean {
  const t = doc.tokens[i];
  if (t.kind === 'newline') return true;
  if (t.kind !== 'punct') return false;
  if (t.text === ';' || t.text === ':' || t.text === ',') return true;
  const text = doc.norm.text;
  return t.text === '-' && text[t.start - 1] === ' ' && text[t.end] === ' ';
}

/** Where phrase `p` ends if it starts at token i (skip tokens passed over), or -1. */
function phraseEnd(doc: Analysed, keys: KnownKeys, i: number, p: Phrase): number {
  let j = i;
  for (let k = 0; k < p.keys.length; k++) {
    while (j < doc.tokens.length && doc.tokens[j].skip) j++;
    if (j >= doc.tokens.length) return -1;
    const key = p.keys[k];
    if (key !== stemKeyAt(doc, keys, j) && key !== '~' + doc.tokens[j].lower) return -1;
    j++;
  }
  return j;
}

/** The phrase of `index` starting at token i, as [i, end), or undefined. */
function phraseStartingAt(doc: Analysed, keys: KnownKeys, i: number, index: Map<string, Phrase[]>): [number, number] | undefined {
  const t = doc.tokens[i];
  if (t.skip) return undefined;
  const k1 = stemKeyAt(doc, keys, i);
  for (const k of t.kind === 'word' && '~' + t.lower !== k1 ? [k1, '~' + t.lower] : [k1])
    for (const p of index.get(k) ?? []) {
      const e = phraseEnd(doc, keys, i, p);
      if (e > 0) return [i, e];
    }
  return undefined;
}

/**
 * The nearest phrase of a frame group to the verb at [a, b): within the group's window, on its
 * side, inside the sentence [lo, hi) and, with `clause`, inside the verb's clause.
 */
function groupAt(doc: Analysed, keys: KnownKeys, a: number, b: number, lo: number, hi: number, g: FrameGroup): [number, number] | undefined {
  let best: [number, number] | undefined;
  if (g.side !== 'after') {
    for (let i = a - 1, n = 0; i >= lo && n < g.window; i--) {
      if (g.clause && endsClause(doc, i)) break;
      if (doc.tokens[i].skip) continue;
      n++;
      const m = phraseStartingAt(doc, keys, i, g.index);
      if (m && m[1] <= a) {
        if (!g.gap || gapHolds(doc, keys, m[1], a, g.gap)) best = m;
        break;
      }
    }
  }
  if (g.side !== 'before') {
    for (let i = b, n = 0; i < hi && n < g.window; i++) {
      if (g.clause && endsClause(doc, i)) break;
      if (doc.tokens[i].skip) continue;
      n++;
      const m = phraseStartingAt(doc, keys, i, g.index);
      if (m) {
        if ((!best || i - b < a - best[1]) && (!g.gap || gapHolds(doc, keys, b, i, g.gap))) best = m;
        break;
      }
    }
  }
  return best;
}

/** Are the tokens [from, to) all words a frame group allows between its word and the verb? */
function gapHolds(doc: Analysed, keys: KnownKeys, from: number, to: number, gap: Set<string>): boolean {
  for (let i = from; i < to; i++) if (!doc.tokens[i].skip && !gap.has(stemKeyAt(doc, keys, i))) return false;
  return true;
}

/**
 * A frame's hit: the verb at [a, b) with every `all` group found around it and no `none` group,
 * in the verb's own sentence. The hit is widened to cover what was found, so that the negation
 * the frame needs is inside it (and so not read by ConText as negating the finding).
 */
export function frameSpan(doc: Analysed, a: number, b: number, c: Constraint, keys?: KnownKeys): [number, number] | undefined {
  const sent = doc.sentences[doc.tokenSentence[a]];
  const lo = sent ? sent.firstToken : 0;
  const hi = sent ? sent.endToken : doc.tokens.length;
  let s = a;
  let e = b;
  for (const g of c.all ?? []) {
    const m = groupAt(doc, keys, a, b, lo, hi, g);
    if (!m) return undefined;
    s = Math.min(s, m[0]);
    e = Math.max(e, m[1]);
  }
  for (const g of c.none ?? []) if (groupAt(doc, keys, a, b, lo, hi, g)) return undefined;
  return [s, e];
}

function tokenRange(doc: Analysed, start: number, end: number): [number, number] {
  const [a, b] = tokensCovering(doc.tokens, start, end);
  return [a, Math.max(b, a + 1)];
}

/** Every hit of every compiled entry, in one pass over the tokens (plus the regexes). */
export function matchLexicon(doc: Analysed, lex: CompiledLexicon): Hit[] {
  const hits: Hit[] = [];
  const toks = doc.tokens;
  const first = firstSteps(lex);
  const n = toks.length;
  // Per token: its trie keys and what the first step finds, from one cached look-up.
  const info: FirstStep[] = new Array(n);
  for (let i = 0; i < n; i++) info[i] = first(toks[i]);
  const push = (refs: TermRef[], a: number, b: number, via: Hit['via']) => {
    for (const r of refs) {
      if (r.constraint?.all) {
        const span = frameSpan(doc, a, b, r.constraint, info);
        if (span) hits.push({ entry: r.entry, startTok: span[0], endTok: span[1], start: toks[span[0]].start, end: toks[span[1] - 1].end, via });
        continue;
      }
      if (!constraintHolds(doc, a, b, r.constraint, info)) continue;
      hits.push({ entry: r.entry, startTok: a, endTok: b, start: toks[a].start, end: toks[b - 1].end, via });
    }
  };

  // The trie walk's frontier (nodes that can still go on) lives in two arrays reused at every step.
  const cur: TrieNode[] = [];
  const nxt: TrieNode[] = [];
  for (let i = 0; i < n; i++) {
    const t = toks[i];
    if (t.skip) continue;
    const f = info[i];
    if (f.abbr) push(f.abbr, i, i + 1, 'abbreviation');
    if (!f.nodes) continue;
    let curLen = 0;
    for (const node of f.nodes) {
      if (node.ends.length) push(node.ends, i, i + 1, 'term');
      if (node.next.size) cur[curLen++] = node;
    }
    let j = i + 1;
    while (curLen > 0 && j < n) {
      if (toks[j].skip) {
        j++;
        continue;
      }
      const exact = info[j].exact;
      const stemmed = info[j].stemmed;
      let nxtLen = 0;
      for (let k = 0; k < curLen; k++) {
        const node = cur[k];
        const a = node.next.get(exact);
        if (a) nxt[nxtLen++] = a;
        if (stemmed !== exact) {
          const b = node.next.get(stemmed);
          if (b) nxt[nxtLen++] = b;
        }
      }
      j++;
      curLen = 0;
      for (let k = 0; k < nxtLen; k++) {
        const node = nxt[k];
        if (node.ends.length) push(node.ends, i, j, 'term');
        if (node.next.size) cur[curLen++] = node;
      }
    }
  }

  const text = doc.norm.text;
  const pushMatch = (entry: number, start: number, end: number) => {
    const [a, b] = tokenRange(doc, start, end);
    if (a < toks.length) hits.push({ entry, startTok: a, endTok: b, start, end, via: 'pattern' });
  };
  // Patterns with known openings are tried only where one opens (the prefilter's pairs, in
  // text order); per pattern, a place inside its previous match is not tried again.
  if (lex.prefiltered.length) {
    const pairs = lex.prefixTrie.candidates(text, toks, info);
    const tried = new Int32Array(lex.patterns.length).fill(-1);
    const matchEnd = new Int32Array(lex.patterns.length);
    for (let k = 0; k < pairs.length; k += 2) {
      const pos = pairs[k];
      const pi = pairs[k + 1];
      if (pos === tried[pi] || pos < matchEnd[pi]) continue;
      tried[pi] = pos;
      const p = lex.patterns[pi];
      const re = p.sticky!;
      // test(), not exec(): a sticky match ends at lastIndex, and no match array is made.
      re.lastIndex = pos;
      if (re.test(text) && re.lastIndex > pos) {
        pushMatch(p.entry, pos, re.lastIndex);
        matchEnd[pi] = re.lastIndex;
      }
    }
  }
  for (const p of lex.unfiltered) {
    p.re.lastIndex = 0;
    let m: RegExpExecArray | null;
    while ((m = p.re.exec(text)) !== null) {
      if (m[0].length === 0) {
        p.re.lastIndex++;
        continue;
      }
      pushMatch(p.entry, m.index, m.index + m[0].length);
    }
  }

  // One hit per entry per place: of overlapping hits of one entry, the earliest (longest
  // first) is kept and stretched to the end of the others. Hits of each entry meet in the
  // same order as in an entry-by-entry sort, so one sort by place serves both.
  hits.sort(byPlace);
  const kept: Hit[] = [];
  const lastOf = new Map<number, Hit>();
  let stretched = false;
  for (const h of hits) {
    const last = lastOf.get(h.entry);
    if (last && h.start < last.end) {
      if (h.end > last.end) {
        last.end = h.end;
        last.endTok = h.endTok;
        stretched = true;
      }
      continue;
    }
    lastOf.set(h.entry, h);
    kept.push(h);
  }
  return stretched ? kept.sort(byPlace) : kept;
}

function byPlace(x: Hit, y: Hit): number {
  return x.start - y.start || y.end - x.end || x.entry - y.entry;
}
