/**
 * A trie's edges in one flat table: (node id, label) -> child node id, by open addressing in an
 * Int32Array of [node, label, child] triples. The matcher's hot loops step through a trie once
 * per token (and the pattern prefilter once per character after a token): a step here is a
 * multiply, a shift and one or two compares in adjacent memory, where a Map per node costs a
 * hash-table look-up through several objects.
 */
export class EdgeTable {
  private readonly slots: Int32Array;
  private readonly shift: number;
  private readonly mask: number;

  /** `edges` as [node, label, child] triples; nodes and labels are non-negative integers. */
  constructor(edges: readonly number[]) {
    const count = edges.length / 3;
    // At most a quarter full: most probes end at their first slot.
    let bits = 4;
    while (1 << bits < count * 4) bits++;
    this.shift = 32 - bits;
    this.mask = (1 << bits) - 1;
    this.slots = new Int32Array(3 << bits).fill(-1);
    for (let e = 0; e < edges.length; e += 3) this.put(edges[e], edges[e + 1], edges[e + 2]);
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
    const s = this.slots;
    for (let h = this.slotOf(node, label); ; h = (h + 1) & this.mask) {
      const at = h * 3;
      const n = s[at];
      if (n === node && s[at + 1] === label) return s[at + 2];
      if (n === -1) return -1;
    }
  }
}
