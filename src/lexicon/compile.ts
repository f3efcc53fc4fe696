import { normalise } from '../text/normalise.js';
import { stem } from '../text/stem.js';
import { tokenise, type Token } from '../text/tokenise.js';
import type { TextVocabulary } from '../text/vocabulary.js';
import { leadingPrefixes, PrefixTrie, type PatternFilter } from './prefilter.js';
import { requiredLiterals } from './required.js';
import type { LoadedEntry } from './schema.js';
import { compileVocabularies, expandPattern, expandTerm, textVocabulary, type Vocabularies } from './vocabulary.js';

/**
 * All entries compile into one structure: a token trie for terms, a table for
 * abbreviations and a list of checked regexes, so one pass over a document's tokens finds
 * every hit of every entry.
 *
 * Trie keys are prefixed: "~" + Porter stem for stemmed words, "=" + lower-case form for exact
 * words, so an entry with `stem: false` never matches through another entry's stemming.
 */

export interface Phrase {
  keys: string[]; // stem keys
}
export interface Constraint {
  near?: Phrase[];
  notNear?: Phrase[];
  /** the same phrases by their first key, so a window token costs one look-up */
  nearIndex?: Map<string, Phrase[]>;
  notNearIndex?: Map<string, Phrase[]>;
  window: number;
  /** a frame's groups: each of `all` must be found, none of `none` (see FrameSchema) */
  all?: FrameGroup[];
  none?: FrameGroup[];
}
export interface FrameGroup {
  index: Map<string, Phrase[]>;
  side: 'before' | 'after' | 'both';
  window: number;
  clause: boolean;
  /** stem keys of the only words allowed between the group's word and the verb */
  gap?: Set<string>;
  /** the group's word must open its clause (see FrameGroupSchema) */
  opens?: boolean;
}

export function byFirstKey(ps: Phrase[] | undefined): Map<string, Phrase[]> | undefined {
  if (!ps || ps.length === 0) return undefined;
  const m = new Map<string, Phrase[]>();
  for (const p of ps) {
    const list = m.get(p.keys[0]);
    if (list) list.push(p);
    else m.set(p.keys[0], [p]);
  }
  return m;
}
export interface TermRef {
  entry: number;
  constraint?: Constraint;
}
export interface TrieNode {
  next: Map<string, TrieNode>;
  ends: TermRef[];
}
export interface CompiledPattern {
  entry: number;
  /** the pattern's source, vocabularies expanded, and its flags (`re`'s) */
  source: string;
  flags: string;
  re: RegExp;
  /** the pattern can only match where one of these word prefixes occurs */
  prefixes?: string[];
  /** the same pattern, sticky, to try only at those places (there are openings exactly when there is this) */
  sticky?: RegExp;
}
export interface CompiledLexicon {
  entries: LoadedEntry[];
  root: TrieNode;
  abbreviations: Map<string, TermRef[]>;
  patterns: CompiledPattern[];
  /** word prefixes of the patterns that have them (index into `patterns`) */
  prefixTrie: PrefixTrie;
  /** patterns tried only where the prefix trie finds an opening, and those run everywhere */
  prefiltered: CompiledPattern[];
  unfiltered: CompiledPattern[];
  /** named vocabularies, for detectors and for `{name}` references */
  vocabularies: Vocabularies;
  /** the text layer's structure words */
  text: TextVocabulary;
}

const DEFAULT_WINDOW = 6;
const FRAME_WINDOW = 8;

// Plain printable ASCII needs no normalising (the common case for lexicon terms); skipping it
// keeps start-up from allocating an offset map for each of thousands of terms.
const PLAIN_ASCII = /^[\x20-\x26\x28-\x5f\x61-\x7e']*$/;

export function matchTokens(text: string): Token[] {
  const norm = PLAIN_ASCII.test(text) ? text : normalise(text).text;
  return tokenise(norm).filter((t) => !t.skip);
}

export function keyOf(t: Token, stemmed: boolean): string {
  if (t.kind !== 'word') return '=' + t.text;
  return stemmed ? '~' + stem(t.lower) : '=' + t.lower;
}

// Most terms are lower-case words with single spaces: their tokens are those words, so their
// keys need no tokeniser (a sixth of a worker's start-up went on tokenising terms).
const SIMPLE_TERM = /^[a-z]+(?: [a-z]+)*$/;

/** The trie keys of a term, as matchTokens and keyOf give them. */
export function termKeys(text: string, stemmed: boolean): string[] {
  if (SIMPLE_TERM.test(text)) return text.split(' ').map((w) => (stemmed ? '~' + stem(w) : '=' + w));
  return matchTokens(text).map((t) => keyOf(t, stemmed));
}

// Near-word lists repeat across entries (YAML anchors): compile each phrase once.
const phraseCache = new Map<string, Phrase | undefined>();
/** A phrase's keys; `used` collects the phrases of one compile (their words are known words, see knownWords). */
function phrase(text: string, used: Set<Phrase>): Phrase | undefined {
  let p: Phrase | undefined;
  if (phraseCache.has(text)) p = phraseCache.get(text);
  else {
    const keys = termKeys(text, true);
    p = keys.length ? { keys } : undefined;
    phraseCache.set(text, p);
  }
  if (p) used.add(p);
  return p;
}

function constraintOf(o: { near?: string[]; notNear?: string[]; window?: number }, vocab: Vocabularies, used: Set<Phrase>): Constraint | undefined {
  if (!o.near && !o.notNear) return undefined;
  const words = (list: string[]) => list.flatMap((w) => expandTerm(w, (n) => vocab.get(n)));
  const near = o.near && words(o.near).map((w) => phrase(w, used)).filter((p): p is Phrase => !!p);
  const notNear = o.notNear && words(o.notNear).map((w) => phrase(w, used)).filter((p): p is Phrase => !!p);
  return { near, notNear, nearIndex: byFirstKey(near), notNearIndex: byFirstKey(notNear), window: o.window ?? DEFAULT_WINDOW };
}

/**
 * A pattern with openings is matched with its sticky form only: its global form is made on
 * first use (V8 parses a regex when it is made; the built-in patterns, expanded with their
 * vocabularies, took 10-15 ms of each scanner's start, and of each worker's). The sticky form
 * too is made when the prefilter first finds an opening of the pattern: most documents open
 * few of the patterns, and parsing all of them was a tenth of a restored scanner's start.
 */
export function compiledPattern(entry: number, src: string, flags: string, prefixes: string[] | undefined): CompiledPattern {
  if (!prefixes) return { entry, source: src, flags, re: new RegExp(src, flags), prefixes };
  let re: RegExp | undefined;
  let sticky: RegExp | undefined;
  return {
    entry,
    source: src,
    flags,
    get re() {
      return (re ??= new RegExp(src, flags));
    },
    prefixes,
    get sticky() {
      return (sticky ??= new RegExp(src, flags.replace('g', '') + 'y'));
    },
  };
}

export function compileLexicon(entries: LoadedEntry[]): CompiledLexicon {
  const vocabularies = compileVocabularies(entries);
  // "do not tell" is also "don't tell" and "dont tell": the contracted-<words> vocabularies say how.
  const contracting = [...vocabularies.values()].filter((v) => v.name.startsWith('contracted-'));
  const wordsOf = (name: string) => name.slice('contracted-'.length).replace(/-/g, ' ');
  const whole = (src: string) => new RegExp(`(?<![\\p{L}'])(?:${src})(?![\\p{L}'])`, 'iu');
  const contractions = contracting.map((v) => ({ full: whole(wordsOf(v.name)), forms: v.terms }));
  // One test per term for any of them (a few of the many thousand terms have one), then each.
  const anyContractible = contracting.length ? whole(contracting.map((v) => wordsOf(v.name)).join('|')) : undefined;
  function contracted(text: string): string[] {
    if (!anyContractible?.test(text)) return [text];
    const out = [text];
    for (const c of contractions) if (c.full.test(text)) for (const f of c.forms) out.push(text.replace(c.full, f));
    return out;
  }
  const root: TrieNode = { next: new Map(), ends: [] };
  const phrasesUsed = new Set<Phrase>();
  const abbreviations = new Map<string, TermRef[]>();
  const patterns: CompiledPattern[] = [];
  const filters: (PatternFilter | undefined)[] = [];
  entries.forEach((e, idx) => {
    // A named vocabulary is read by detectors and patterns, not matched as terms of its own.
    if (e.kind === 'vocabulary' && e.use === undefined) return;
    const names = e.kind === 'vocabulary' && (e.use === 'forename' || e.use === 'surname');
    const stemmed = names ? false : (e.stem ?? true);
    for (const term of e.terms ?? []) {
      const t0 = typeof term === 'string' ? { term } : term;
      const constraint = constraintOf(t0, vocabularies, phrasesUsed);
      for (const text of expandTerm(t0.term, (n) => vocabularies.get(n))) for (const form of contracted(text)) addTerm(idx, form, stemmed, constraint);
    }
    for (const ab of e.abbreviations ?? []) {
      const a = typeof ab === 'string' ? { abbr: ab } : ab;
      const key = normalise(a.abbr.trim()).text;
      const list = abbreviations.get(key) ?? [];
      list.push({ entry: idx, constraint: constraintOf(a, vocabularies, phrasesUsed) });
      abbreviations.set(key, list);
    }
    if (e.kind === 'finding')
      for (const f of e.frames ?? []) {
        const group = (g: (typeof f.with)[number]): FrameGroup => ({
          index: byFirstKey(g.words.flatMap((w) => expandTerm(w, (n) => vocabularies.get(n))).map((w) => phrase(w, phrasesUsed)).filter((p): p is Phrase => !!p)) ?? new Map(),
          side: g.side ?? 'both',
          window: g.window ?? FRAME_WINDOW,
          clause: g.clause ?? false,
          ...(g.gap ? { gap: new Set(g.gap.flatMap((w) => expandTerm(w, (n) => vocabularies.get(n))).flatMap((w) => termKeys(w, true))) } : {}),
          ...(g.opens ? { opens: true } : {}),
        });
        const all = f.with.map(group);
        const none = f.unless?.map(group);
        const constraint: Constraint = { window: Math.max(...all.map((g) => g.window)), all, ...(none?.length ? { none } : {}) };
        for (const v of f.verbs) for (const text of expandTerm(v, (n) => vocabularies.get(n))) addTerm(idx, text, true, constraint);
      }
    for (const p of e.patterns ?? []) {
      const src = expandPattern(typeof p === 'string' ? p : p.regex, vocabularies);
      const flags = typeof p !== 'string' && p.caseSensitive ? 'gu' : 'giu';
      const prefixes = leadingPrefixes(src);
      patterns.push(compiledPattern(idx, src, flags, prefixes));
      filters.push(prefixes ? { prefixes, required: requiredLiterals(src) } : undefined);
    }
  });
  function addTerm(idx: number, term: string, stemmed: boolean, constraint: Constraint | undefined): void {
    const keys = termKeys(term, stemmed);
    if (keys.length === 0) return;
    let node = root;
    for (const key of keys) {
      let child = node.next.get(key);
      if (!child) {
        child = { next: new Map(), ends: [] };
        node.next.set(key, child);
      }
      node = child;
    }
    // Two terms of one entry can meet at one node (shared stems) with different
    // constraints: keep both; overlapping hits of one entry are merged after matching.
    if (!node.ends.some((r) => r.entry === idx && !r.constraint && !constraint)) node.ends.push({ entry: idx, constraint });
  }
  // A pattern with openings is tried only where one opens and its required literals are in reach.
  const prefixTrie = PrefixTrie.build(filters);
  const known = knownWords(root, abbreviations, phrasesUsed, vocabularies);
  return assembled(entries, () => root, abbreviations, patterns, prefixTrie, vocabularies, known);
}

/** The compiled lexicon from its parts (compiled now, or restored from the build's store). */
export function assembled(
  entries: LoadedEntry[],
  root: () => TrieNode,
  abbreviations: Map<string, TermRef[]>,
  patterns: CompiledPattern[],
  prefixTrie: PrefixTrie,
  vocabularies: Vocabularies,
  known: ReadonlySet<string>,
): CompiledLexicon {
  const prefiltered = patterns.filter((p) => p.prefixes);
  const unfiltered = patterns.filter((p) => !p.prefixes);
  const text = textVocabulary(vocabularies, knownWordTest(known));
  const lex: CompiledLexicon = {
    entries,
    // A restored lexicon makes its trie of Maps only when asked: the matcher reads the flat table (term-table.ts).
    get root() {
      return root();
    },
    abbreviations,
    patterns,
    prefixTrie,
    prefiltered,
    unfiltered,
    vocabularies,
    text,
  };
  knownWordSets.set(lex, known);
  return lex;
}

const WORD = /^\p{L}{2,}$/u;

/**
 * Every word the lexicons use (terms, abbreviations, near-words, vocabularies), as written and
 * by stem: the text layer joins a disguised word ("M A R A C") only when it is one of these.
 */
function knownWords(root: TrieNode, abbreviations: Map<string, TermRef[]>, phrases: ReadonlySet<Phrase>, vocab: Vocabularies): Set<string> {
  const known = new Set<string>();
  const addKey = (key: string) => {
    const w = key.slice(1);
    if (WORD.test(w)) known.add(w);
  };
  const stack = [root];
  for (let node = stack.pop(); node; node = stack.pop())
    for (const [key, child] of node.next) {
      addKey(key);
      stack.push(child);
    }
  for (const a of abbreviations.keys()) if (WORD.test(a)) known.add(a.toLowerCase());
  for (const p of phrases) for (const k of p.keys) addKey(k);
  for (const v of vocab.values()) for (const w of v.words) if (WORD.test(w)) known.add(w.toLowerCase());
  return known;
}

function knownWordTest(known: ReadonlySet<string>): (lower: string) => boolean {
  return (lower) => lower.length >= 3 && (known.has(lower) || known.has(stem(lower)));
}

/** Each compiled lexicon's known words (for the build to store). */
export const knownWordSets = new WeakMap<CompiledLexicon, ReadonlySet<string>>();

