import { assembled, byFirstKey, compiledPattern, knownWordSets, type CompiledLexicon, type Constraint, type FrameGroup, type Phrase, type TermRef, type TrieNode } from './compile.js';
import { PrefixTrie, type PrefixTrieTables } from './prefilter.js';
import type { LoadedEntry } from './schema.js';
import { adoptTermTable, flattenTrie, tableOf, type FlatTrie } from './term-table.js';
import { wordsOf, type CompiledVocabulary } from './vocabulary.js';

/**
 * The compiled lexicon as plain JSON, so that a scanner with the built-in lexicons starts
 * without compiling them: the build compiles them once (scripts/bundle-lexicons.ts) and
 * stores the result; createScanner restores it when its lexicons are exactly those
 * (load.ts, storedBuiltin). Compiling stems and tokenises every term, builds a trie of Maps
 * and the prefilter's automata, most of a cold start; restoring reads tables.
 *
 * Shared objects are stored once and referred to by index: the phrases of near-words (one
 * list is used by many entries), and each term's constraint (every form of a term shares it).
 * Restoring builds the same structure: the same Maps in the same order, the same sharing.
 */
export interface StoredLexicon {
  /** the lexicon set's content hash, and its entries' ids in order (term refs are indexes) */
  version: string;
  ids: string[];
  phrases: string[][];
  constraints: StoredConstraint[];
  /** the term trie flat (term-table.ts): keys by id, [node, key id, child] triples, ends as [node, entry, constraint or -1] triples (packed) */
  termKeys: string[];
  termEdges: Packed;
  termEnds: Packed;
  /** abbreviation, then [entry, constraint or -1] pairs */
  abbreviations: [string, number[]][];
  /** [entry, source, flags, openings or null] */
  patterns: [number, string, string, string[] | null][];
  /** the prefix trie's tables (prefilter.ts), its patterns by node as [node, count, pattern...] */
  prefixTrie: {
    edges: Packed;
    patternsAt: Packed;
    nodes: number;
    needs: PrefixTrieTables['needs'];
    literals: { delta: Packed; outStart: Packed; outIds: Packed };
    clauses: number;
  };
  /** [name, terms, source, termSource, patternSource], in the vocabularies' order */
  vocabularies: [string, string[], string, string, string][];
  knownWords: string[];
}

/**
 * Integer tables as the bytes of an Int32Array (little-endian), in base64: read back without
 * parsing numbers (most of the store by size), straight into the typed arrays the matcher uses.
 */
type Packed = string;
const pack = (xs: ArrayLike<number>): Packed => Buffer.from(Int32Array.from(xs).buffer).toString('base64');
function unpack(s: Packed): Int32Array {
  const bytes = Buffer.from(s, 'base64');
  const out = new Int32Array(bytes.length >> 2);
  new Uint8Array(out.buffer).set(bytes);
  return out;
}
/** The store is written and read little-endian (every platform Node runs on here); elsewhere the lexicons are compiled. */
export const STORE_READABLE = new Uint8Array(Int32Array.of(1).buffer)[0] === 1;

type StoredConstraint =
  | { near: number[] | null; notNear: number[] | null; window: number }
  | { window: number; all: StoredGroup[]; none?: StoredGroup[] };

interface StoredGroup {
  phrases: number[];
  side: FrameGroup['side'];
  window: number;
  clause: boolean;
  gap?: string[];
  opens?: boolean;
}

/** A compiled lexicon as the build stores it. */
export function storeLexicon(lex: CompiledLexicon, version: string): StoredLexicon {
  const phrases: string[][] = [];
  const phraseIds = new Map<Phrase, number>();
  const phraseId = (p: Phrase) => {
    let id = phraseIds.get(p);
    if (id === undefined) {
      id = phrases.length;
      phrases.push(p.keys);
      phraseIds.set(p, id);
    }
    return id;
  };
  const phraseList = (ps: Phrase[] | undefined) => (ps ? ps.map(phraseId) : null);
  const group = (g: FrameGroup): StoredGroup => ({
    phrases: [...g.index.values()].flat().map(phraseId),
    side: g.side,
    window: g.window,
    clause: g.clause,
    ...(g.gap ? { gap: [...g.gap] } : {}),
    ...(g.opens ? { opens: true } : {}),
  });
  const constraints: StoredConstraint[] = [];
  const constraintIds = new Map<Constraint, number>();
  const constraintId = (c: Constraint | undefined) => {
    if (!c) return -1;
    let id = constraintIds.get(c);
    if (id === undefined) {
      id = constraints.length;
      constraints.push(c.all ? { window: c.window, all: c.all.map(group), ...(c.none ? { none: c.none.map(group) } : {}) } : { near: phraseList(c.near), notNear: phraseList(c.notNear), window: c.window });
      constraintIds.set(c, id);
    }
    return id;
  };
  const flat = flattenTrie(lex.root);
  const termEnds: number[] = [];
  flat.ends.forEach((refs, node) => {
    for (const r of refs ?? []) termEnds.push(node, r.entry, constraintId(r.constraint));
  });
  const known = knownWordSets.get(lex);
  if (!known) throw new Error('storeLexicon: not a compiled lexicon');
  const trie = lex.prefixTrie.tables();
  const patternsAt: number[] = [];
  trie.patternsAt.forEach((at, node) => {
    if (at) patternsAt.push(node, at.length, ...at);
  });
  return {
    version,
    ids: lex.entries.map((e) => e.id),
    phrases,
    constraints,
    termKeys: flat.keys,
    termEdges: pack(flat.edges),
    termEnds: pack(termEnds),
    abbreviations: [...lex.abbreviations].map(([key, refs]) => [key, refs.flatMap((r) => [r.entry, constraintId(r.constraint)])]),
    patterns: lex.patterns.map((p) => [p.entry, p.source, p.flags, p.prefixes ?? null]),
    prefixTrie: {
      edges: pack(trie.edges),
      patternsAt: pack(patternsAt),
      nodes: trie.patternsAt.length,
      needs: trie.needs,
      literals: { delta: pack(trie.literals.delta), outStart: pack(trie.literals.outStart), outIds: pack(trie.literals.outIds) },
      clauses: trie.clauses,
    },
    vocabularies: [...lex.vocabularies.values()].map((v) => [v.name, v.terms, v.source, v.termSource, v.patternSource]),
    knownWords: [...known],
  };
}

/** The compiled lexicon of `entries` from the build's store (the caller checks that it is theirs: see load.ts). */
export function restoreLexicon(entries: LoadedEntry[], s: StoredLexicon): CompiledLexicon {
  const phrases: Phrase[] = s.phrases.map((keys) => ({ keys }));
  const phraseList = (ids: number[] | null) => (ids ? ids.map((i) => phrases[i]) : undefined);
  const group = (g: StoredGroup): FrameGroup => ({
    index: byFirstKey(g.phrases.map((i) => phrases[i])) ?? new Map(),
    side: g.side,
    window: g.window,
    clause: g.clause,
    ...(g.gap ? { gap: new Set(g.gap) } : {}),
    ...(g.opens ? { opens: true } : {}),
  });
  const constraints: Constraint[] = s.constraints.map((c) => {
    if ('all' in c) return { window: c.window, all: c.all.map(group), ...(c.none ? { none: c.none.map(group) } : {}) };
    const near = phraseList(c.near);
    const notNear = phraseList(c.notNear);
    return { near, notNear, nearIndex: byFirstKey(near), notNearIndex: byFirstKey(notNear), window: c.window };
  });
  const ref = (entry: number, c: number): TermRef => ({ entry, constraint: c < 0 ? undefined : constraints[c] });
  const edges = unpack(s.termEdges);
  const termEnds = unpack(s.termEnds);
  const ends: (TermRef[] | undefined)[] = new Array(edges.length / 3 + 1).fill(undefined);
  for (let i = 0; i < termEnds.length; i += 3) (ends[termEnds[i]] ??= []).push(ref(termEnds[i + 1], termEnds[i + 2]));
  const flat: FlatTrie = { keys: s.termKeys, edges, ends };
  const abbreviations = new Map<string, TermRef[]>();
  for (const [key, pairs] of s.abbreviations) {
    const refs: TermRef[] = [];
    for (let i = 0; i < pairs.length; i += 2) refs.push(ref(pairs[i], pairs[i + 1]));
    abbreviations.set(key, refs);
  }
  const patterns = s.patterns.map(([entry, src, flags, prefixes]) => compiledPattern(entry, src, flags, prefixes ?? undefined));
  const vocabularies = new Map<string, CompiledVocabulary>();
  for (const [name, terms, source, termSource, patternSource] of s.vocabularies) vocabularies.set(name, { name, terms, words: wordsOf(terms), source, termSource, patternSource });
  // The matcher reads the flat table; the trie of Maps is made only if something asks for it.
  let root: TrieNode | undefined;
  const lex = assembled(entries, () => (root ??= trieOf(flat)), abbreviations, patterns, new PrefixTrie(prefixTables(s.prefixTrie)), vocabularies, new Set(s.knownWords));
  adoptTermTable(lex, tableOf(flat));
  return lex;
}

function prefixTables(p: StoredLexicon['prefixTrie']): PrefixTrieTables {
  const patternsAt: (number[] | null)[] = new Array(p.nodes).fill(null);
  const at = unpack(p.patternsAt);
  for (let i = 0; i < at.length; i += 2 + at[i + 1]) patternsAt[at[i]] = Array.from(at.subarray(i + 2, i + 2 + at[i + 1]));
  const l = p.literals;
  return { edges: unpack(p.edges), patternsAt, needs: p.needs, literals: { delta: unpack(l.delta), outStart: unpack(l.outStart), outIds: unpack(l.outIds) }, clauses: p.clauses };
}

/** The trie of Maps back from its flat form (the same insertion order: edges are stored breadth first). */
function trieOf(flat: FlatTrie): TrieNode {
  const nodes: TrieNode[] = flat.ends.map(() => ({ next: new Map(), ends: [] }));
  for (let e = 0; e < flat.edges.length; e += 3) nodes[flat.edges[e]].next.set(flat.keys[flat.edges[e + 1]], nodes[flat.edges[e + 2]]);
  flat.ends.forEach((refs, id) => {
    if (refs) nodes[id].ends = refs;
  });
  return nodes[0];
}
