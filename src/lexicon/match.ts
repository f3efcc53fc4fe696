import type { Analysed } from '../text/index.js';
import { tokensCovering, type Token } from '../text/tokenise.js';
import type { TokenWalk } from './prefilter.js';
import { keyOf, type CompiledLexicon, type Constraint, type FrameGroup, type Phrase, type TermRef } from './compile.js';
import { ROOT, termTable, type TermTable } from './term-table.js';

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

/** What starts at a token: abbreviation refs, terms of one token, and the trie nodes to go on from. */
interface Start {
  abbr: TermRef[] | undefined;
  /** the refs ending at the token's first-step nodes, exact key's node first */
  ends: TermRef[] | undefined;
  /** the first-step nodes that have children */
  frontier: number[] | undefined;
}

/** A token's first step through the term trie, and its walk through the pattern prefilter. */
interface FirstStep extends TokenWalk {
  stemmed: string;
  /** "~" + the token's lower case: near-phrases match a word by its stem or by this */
  tilde: string;
  /**
   * ids of the token's trie keys (terms.keyIds) for the steps after a term's first word: -1
   * for a key no edge below the root has (most words: they only start terms), and stemId -1
   * also when it is the exact key
   */
  exactId: number;
  stemId: number;
  /** undefined for most tokens: nothing starts at them, and the walk passes them in one load */
  start: Start | undefined;
}
const firstStepCache = new WeakMap<CompiledLexicon, Map<string, FirstStep>>();

/**
 * Per lexicon, per token text (case kept, for abbreviations): the token's trie keys and what
 * the first step of matching finds. Clinical text repeats a small vocabulary, so this is one
 * Map look-up per token (bounded, shared across documents).
 */
function firstSteps(lex: CompiledLexicon, terms: TermTable) {
  let cache = firstStepCache.get(lex);
  if (!cache) {
    cache = new Map();
    firstStepCache.set(lex, cache);
  }
  const c = cache;
  return (t: Token): FirstStep => {
    // Fast path: the token's shared form already holds this lexicon's first step.
    const form = t.form;
    if (form.matchFor === lex) return form.matchStep as FirstStep;
    const key = t.kind === 'newline' ? '\n' : t.text;
    let f = c.get(key);
    if (!f) {
      f = firstStep(lex, terms, t);
      if (!t.form.transient) {
        if (c.size >= MAX_KEYS) c.clear();
        c.set(key, f);
      }
    }
    form.matchFor = lex;
    form.matchStep = f;
    return f;
  };
}

/** A token's first step, worked out (see FirstStep). */
function firstStep(lex: CompiledLexicon, terms: TermTable, t: Token): FirstStep {
  const [exact, stemmed] = keysOf(t);
  const exactId = terms.keyIds.get(exact) ?? -1;
  const stemId = stemmed !== exact ? (terms.keyIds.get(stemmed) ?? -1) : -1;
  const abbr = lex.abbreviations.get(t.text);
  let ends: TermRef[] | undefined;
  let frontier: number[] | undefined;
  for (const id of [exactId, stemId]) {
    const node = id < 0 ? -1 : terms.edges.child(ROOT, id);
    if (node < 0) continue;
    const refs = terms.ends[node];
    if (refs) ends = ends ? [...ends, ...refs] : refs;
    if (terms.goesOn[node]) (frontier ??= []).push(node);
  }
  const { hits, node, clauses } = lex.prefixTrie.walk(t);
  const start = abbr || ends || frontier ? { abbr, ends, frontier } : undefined;
  const deep = (id: number) => (id >= 0 && terms.deep[id] ? id : -1);
  return { stemmed, tilde: '~' + t.lower, exactId: deep(exactId), stemId: deep(stemId), start, hits, node, clauses };
}

function keysOf(t: Token): [string, string] {
  return [keyOf(t, false), keyOf(t, true)];
}

/** Stemmed key of each token, with near-phrase matching in mind ("~" + stem; punctuation as is). */
/** Per token, its stemmed key and "~" + lower case, when the matcher has already worked them out. */
type KnownKeys = readonly { stemmed: string; tilde: string }[] | undefined;

function stemKeyAt(doc: Analysed, keys: KnownKeys, j: number): string {
  if (keys) return keys[j].stemmed;
  return keysOf(doc.tokens[j])[1];
}

/** "~" + token j's lower case; from the matcher's per-form step, a string made once per form. */
function tildeAt(doc: Analysed, keys: KnownKeys, j: number): string {
  return keys ? keys[j].tilde : '~' + doc.tokens[j].lower;
}

function phraseAt(doc: Analysed, keys: KnownKeys, i: number, p: Phrase): boolean {
  let j = i;
  for (let k = 0; k < p.keys.length; k++) {
    while (j < doc.tokens.length && doc.tokens[j].skip) j++;
    if (j >= doc.tokens.length) return false;
    const key = p.keys[k];
    if (key !== stemKeyAt(doc, keys, j) && key !== tildeAt(doc, keys, j)) return false;
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
    const k2 = t.kind === 'word' ? tildeAt(doc, keys, i) : k1;
    if (k2 !== k1) {
      const c2 = index.get(k2);
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
  // within reach: its near-words are what those sentences were about. It also reaches into the
  // sentence after it on the same line, within the window: what was done about a query follows
  // it ("?PID. Swabs + NAAT."); a new line or paragraph ("?ca" then "Report: ...") is not its.
  const fragment = !!sent && sIdx > 0 && sent.endToken - sent.firstToken <= 5;
  if (fragment) lo = doc.sentences[Math.max(0, sIdx - 2)].firstToken;
  const next = fragment ? doc.sentences[sIdx + 1] : undefined;
  const hi = next && sameLine(doc, sent!.endToken - 1, next.firstToken) ? next.endToken : sent ? sent.endToken : doc.tokens.length;
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
  if (c.notNearIndex && (around(c.notNearIndex) || bracketHeadNear(doc, keys, lo, a, c.notNearIndex))) return false;
  return true;
}

/**
 * A hit inside brackets belongs to the words just before the bracket too: "infection screen
 * (HIV, hep B, syphilis) - taken" lists what was screened, however long the list inside is.
 */
function bracketHeadNear(doc: Analysed, keys: KnownKeys, lo: number, a: number, index: Map<string, Phrase[]>): boolean {
  let depth = 0;
  for (let k = a - 1; k >= lo; k--) {
    const t = doc.tokens[k].text;
    if (t === ')') depth++;
    else if (t === '(') {
      if (depth === 0) return anyNear(doc, keys, Math.max(lo, k - 2), k, index);
      depth--;
    }
  }
  return false;
}

/** No newline token from token i to token j. */
function sameLine(doc: Analysed, i: number, j: number): boolean {
  for (let k = Math.max(0, i); k < j; k++) if (doc.tokens[k].kind === 'newline') return false;
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
    if (key !== stemKeyAt(doc, keys, j) && key !== tildeAt(doc, keys, j)) return -1;
    j++;
  }
  return j;
}

/** The phrase of `index` starting at token i, as [i, end), or undefined. */
function phraseStartingAt(doc: Analysed, keys: KnownKeys, i: number, index: Map<string, Phrase[]>): [number, number] | undefined {
  const t = doc.tokens[i];
  if (t.skip) return undefined;
  const k1 = stemKeyAt(doc, keys, i);
  const m = phraseKeyedAt(doc, keys, i, index.get(k1));
  if (m || t.kind !== 'word') return m;
  const k2 = tildeAt(doc, keys, i);
  return k2 !== k1 ? phraseKeyedAt(doc, keys, i, index.get(k2)) : undefined;
}

/** The first of `phrases` (one key's, from an index) that starts at token i, as [i, end). */
function phraseKeyedAt(doc: Analysed, keys: KnownKeys, i: number, phrases: Phrase[] | undefined): [number, number] | undefined {
  if (phrases)
    for (const p of phrases) {
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
        if ((!g.gap || gapHolds(doc, keys, m[1], a, g.gap)) && (!g.opens || opensClause(doc, lo, m[0]))) best = m;
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

/**
 * Does token i open its clause? Nothing stands before it back to the clause's end or the
 * sentence's start at lo but punctuation and a list number ("2) not yet told"): a clause that
 * a clinical note opens with its verb has dropped its subject, which is the patient.
 */
function opensClause(doc: Analysed, lo: number, i: number): boolean {
  for (let k = i - 1; k >= lo; k--) {
    if (endsClause(doc, k)) return true;
    const t = doc.tokens[k];
    if (t.skip || t.kind === 'punct') continue;
    if (!/^\d{1,2}$/.test(t.text)) return false;
  }
  return true;
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

/**
 * Per lexicon, arrays the matcher needs for every document, kept between documents and reset
 * before they are handed back (so no document's state outlives its call): a short document
 * should not pay for allocating arrays sized by the whole lexicon.
 */
interface Scratch {
  busy: boolean;
  /** by pattern: the last place it was tried, and where its last match ended */
  tried: Int32Array;
  matchEnd: Int32Array;
  /** by entry: 1 + the index in `kept` of its last kept hit, 0 for none */
  lastKept: Int32Array;
  /** the trie walk's next frontier (node ids that can still go on), and the nodes it is made from */
  next: number[];
  nxt: number[];
  /** for the prefilter: by required-literal clause (see PrefixTrie.candidates) */
  nearest: Int32Array;
}
const scratchOf = new WeakMap<CompiledLexicon, Scratch>();

function newScratch(lex: CompiledLexicon): Scratch {
  return {
    busy: false,
    tried: new Int32Array(lex.patterns.length).fill(-1),
    matchEnd: new Int32Array(lex.patterns.length),
    lastKept: new Int32Array(lex.entries.length),
    next: [],
    nxt: [],
    nearest: new Int32Array(lex.prefixTrie.clauses),
  };
}

/** Every hit of every compiled entry, in one pass over the tokens (plus the regexes). */
export function matchLexicon(doc: Analysed, lex: CompiledLexicon): Hit[] {
  let scratch = scratchOf.get(lex);
  if (!scratch) {
    scratch = newScratch(lex);
    scratchOf.set(lex, scratch);
  }
  // A call inside a call (none today) gets arrays of its own.
  if (scratch.busy) return matchWith(doc, lex, newScratch(lex));
  scratch.busy = true;
  let clean = false;
  try {
    const hits = matchWith(doc, lex, scratch);
    clean = true;
    return hits;
  } finally {
    // Arrays left half-way by a throw are dropped, never reused.
    if (clean) scratch.busy = false;
    else scratchOf.delete(lex);
  }
}

function matchWith(doc: Analysed, lex: CompiledLexicon, scratch: Scratch): Hit[] {
  const hits: Hit[] = [];
  const toks = doc.tokens;
  const terms = termTable(lex);
  const first = firstSteps(lex, terms);
  const n = toks.length;
  // Per token: its trie keys and what the first step finds, from one cached look-up; worked
  // out in the prefilter's pass over the tokens when the lexicon has filtered patterns.
  const info: FirstStep[] = new Array(n);
  const stepAt = (i: number): FirstStep => (info[i] = first(toks[i]));
  const text = doc.norm.text;
  let pairs: number[] | undefined;
  if (lex.prefiltered.length) pairs = lex.prefixTrie.candidates(text, toks, stepAt, scratch.nearest);
  else for (let i = 0; i < n; i++) stepAt(i);
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

  const { edges, ends, goesOn } = terms;
  const { next, nxt } = scratch;
  for (let i = 0; i < n; i++) {
    const s = info[i].start;
    if (s === undefined || toks[i].skip) continue;
    if (s.abbr) push(s.abbr, i, i + 1, 'abbreviation');
    if (s.ends) push(s.ends, i, i + 1, 'term');
    if (!s.frontier) continue;
    // The first step's nodes are the form's own array; later frontiers are in scratch arrays.
    let cur = s.frontier;
    let curLen = cur.length;
    let j = i + 1;
    while (curLen > 0 && j < n) {
      if (toks[j].skip) {
        j++;
        continue;
      }
      const exactId = info[j].exactId;
      const stemId = info[j].stemId;
      let nxtLen = 0;
      if (exactId >= 0 || stemId >= 0)
        for (let k = 0; k < curLen; k++) {
          const a = exactId >= 0 ? edges.child(cur[k], exactId) : -1;
          if (a >= 0) nxt[nxtLen++] = a;
          const b = stemId >= 0 ? edges.child(cur[k], stemId) : -1;
          if (b >= 0) nxt[nxtLen++] = b;
        }
      j++;
      cur = next;
      curLen = 0;
      for (let k = 0; k < nxtLen; k++) {
        const node = nxt[k];
        const refs = ends[node];
        if (refs) push(refs, i, j, 'term');
        if (goesOn[node]) cur[curLen++] = node;
      }
    }
  }

  const pushMatch = (entry: number, start: number, end: number) => {
    const [a, b] = tokenRange(doc, start, end);
    if (a < toks.length) hits.push({ entry, startTok: a, endTok: b, start, end, via: 'pattern' });
  };
  // Patterns with known openings are tried only where one opens (the prefilter's pairs, in
  // text order); per pattern, a place inside its previous match is not tried again.
  if (pairs) {
    const { tried, matchEnd } = scratch;
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
    // Handed back clean: only the patterns tried have anything to undo.
    for (let k = 1; k < pairs.length; k += 2) {
      tried[pairs[k]] = -1;
      matchEnd[pairs[k]] = 0;
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
  return oneHitPerPlace(hits, scratch.lastKept);
}

/**
 * One hit per entry per place: of overlapping hits of one entry, the earliest (longest
 * first) is kept and stretched to the end of the others. Hits of each entry meet in the
 * same order as in an entry-by-entry sort, so one sort by place serves both. `lastKept` is
 * all zeros, and is left so.
 */
function oneHitPerPlace(hits: Hit[], lastKept: Int32Array): Hit[] {
  hits.sort(byPlace);
  const kept: Hit[] = [];
  let stretched = false;
  for (const h of hits) {
    const k = lastKept[h.entry];
    if (k !== 0) {
      const last = kept[k - 1];
      if (h.start < last.end) {
        if (h.end > last.end) {
          last.end = h.end;
          last.endTok = h.endTok;
          stretched = true;
        }
        continue;
      }
    }
    lastKept[h.entry] = kept.length + 1;
    kept.push(h);
  }
  for (const h of kept) lastKept[h.entry] = 0;
  return stretched ? kept.sort(byPlace) : kept;
}

function byPlace(x: Hit, y: Hit): number {
  return x.start - y.start || y.end - x.end || x.entry - y.entry;
}
