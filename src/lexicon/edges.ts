/**
 * A trie's edges in one flat table: (node id, label) -> child node id, by open addressing in an
 * Int32Array of [node, label, child] triples. The matcher's hot loops step through a trie once
 * per token (and the pattern prefilter once per character after a token): a step here is a
 * multiply, a shift and one or two compares in adjacent memory, where a Map per node costs a
 * hash-table look-up through several objects. The table is large (and out of cache between one
 * document's matching and the next), while most look-ups find nothing: a 32-bit mask per node,
 * a bit for each label it has (hashed), answers most of them from a small array first.
 */
export class EdgeTable {
  private readonly slots: Int32Array;
  /** by node: bit labelBit(label) set for each label of its edges */
  private readonly masks: Uint32Array;
  private readonly shift: number;
  private readonly mask: number;

  /** `edges` as [node, label, child] triples; nodes and labels are non-negative integers. */
  constructor(edges: ArrayLike<number>) {
    const count = edges.length / 3;
    // At most half full: most probes end at their first slot or the next.
    let bits = 4;
    while (1 << bits < count * 2) bits++;
    this.shift = 32 - bits;
    this.mask = (1 << bits) - 1;
    this.slots = new Int32Array(3 << bits).fill(-1);
    let nodes = 0;
    for (let e = 0; e < edges.length; e += 3) nodes = Math.max(nodes, edges[e] + 1, edges[e + 2] + 1);
    this.masks = new Uint32Array(nodes);
    for (let e = 0; e < edges.length; e += 3) {
      this.put(edges[e], edges[e + 1], edges[e + 2]);
      this.masks[edges[e]] |= 1 << labelBit(edges[e + 1]);
    }
  }

  private slotOf(node: number, label: number): number {
    return (Math.imul(node, 0x9e3779b1) ^ Math.imul(label + 1, 0x85ebca77)) >>> this.shift;
  }

  private put(node: number, label: number, child: number): void {
    const s = this.slots;
    for (let h = this.slotOf(node, label); ; h = (h + 1) & this.mask) {
      const at = h * 3;
      if (s[at] === -1 || (s[at] === node && s[at + 1] === label)) {
        s[at] = node;
        s[at + 1] = label;
        s[at + 2] = child;
        return;
      }
    }
  }

  /** The child of `node` by `label`, or -1. */
  child(node: number, label: number): number {
    if (((this.masks[node] >>> labelBit(label)) & 1) === 0) return -1;
    const s = this.slots;
    for (let h = this.slotOf(node, label); ; h = (h + 1) & this.mask) {
      const at = h * 3;
      const n = s[at];
      if (n === node && s[at + 1] === label) return s[at + 2];
      if (n === -1) return -1;
    }
  }
}

/** A label's bit in a node's mask (0..31). */
function labelBit(label: number): number {
  return Math.imul(label, 0x9e3779b1) >>> 27;
}
