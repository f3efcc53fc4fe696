import type { CompiledLexicon, TermRef, TrieNode } from './compile.js';
import { EdgeTable } from './edges.js';

/**
 * The term trie as the matcher walks it: nodes numbered (the root is 0), each trie key given an
 * integer id, and every edge in one EdgeTable. A token's key ids are worked out once per token
 * form, so a step of the walk compares integers and makes no string hash.
 */
export interface TermTable {
  /** every key that labels an edge, by id */
  keyIds: Map<string, number>;
  /** by key id: 1 when the key labels an edge below the root (a walk past a term's first word can take it) */
  deep: Uint8Array;
  edges: EdgeTable;
  /** by node id: the terms ending there, or undefined for none */
  ends: (TermRef[] | undefined)[];
  /** by node id: 1 when the node has children (a walk can go on from it) */
  goesOn: Uint8Array;
}

export const ROOT = 0;

const tables = new WeakMap<CompiledLexicon, TermTable>();

/** The lexicon's term table, built from its trie the first time a document asks. */
export function termTable(lex: CompiledLexicon): TermTable {
  let t = tables.get(lex);
  if (!t) {
    t = flatten(lex.root);
    tables.set(lex, t);
  }
  return t;
}

/** A lexicon's term table made from its parts (a restored lexicon's, see compile.ts's restoreLexicon): matching asks no trie. */
export function adoptTermTable(lex: CompiledLexicon, t: TermTable): void {
  tables.set(lex, t);
}

/** The trie flat: its keys by id, its edges as [node, key id, child] triples, and the terms ending at each node. */
export interface FlatTrie {
  keys: string[];
  edges: ArrayLike<number>;
  ends: (TermRef[] | undefined)[];
}

export function flattenTrie(root: TrieNode): FlatTrie {
  const keyIds = new Map<string, number>();
  const nodes: TrieNode[] = [root];
  const edges: number[] = [];
  // Breadth first: node ids in the order nodes are reached.
  for (let id = 0; id < nodes.length; id++)
    for (const [key, child] of nodes[id].next) {
      let k = keyIds.get(key);
      if (k === undefined) {
        k = keyIds.size;
        keyIds.set(key, k);
      }
      edges.push(id, k, nodes.length);
      nodes.push(child);
    }
  return { keys: [...keyIds.keys()], edges, ends: nodes.map((n) => (n.ends.length ? n.ends : undefined)) };
}

/** The matcher's table of a flat trie. */
export function tableOf(flat: FlatTrie): TermTable {
  const { keys, edges, ends } = flat;
  const keyIds = new Map<string, number>();
  for (let k = 0; k < keys.length; k++) keyIds.set(keys[k], k);
  const deep = new Uint8Array(keys.length);
  const goesOn = new Uint8Array(ends.length);
  for (let e = 0; e < edges.length; e += 3) {
    if (edges[e] !== ROOT) deep[edges[e + 1]] = 1;
    goesOn[edges[e]] = 1;
  }
  return { keyIds, deep, edges: new EdgeTable(edges), ends, goesOn };
}

function flatten(root: TrieNode): TermTable {
  return tableOf(flattenTrie(root));
}
