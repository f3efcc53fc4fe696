/**
 * Record ids must name one document each within a file: resume and output order key on
 * (path, record). A repeated id gets `~2`, `~3`, ... in file order, skipping any suffix that
 * is itself an id already given (`5`, `5`, `5~2` are `5`, `5~2`, `5~2~2`): unique by
 * construction, and reruns agree.
 */
export class RecordIds {
  private given = new Set<string>();
  private next = new Map<string, number>();

  take(id: string): string {
    let out = id;
    if (this.given.has(out)) {
      let n = this.next.get(id) ?? 2;
      while (this.given.has(`${id}~${n}`)) n++;
      out = `${id}~${n}`;
      this.next.set(id, n + 1);
    }
    this.given.add(out);
    return out;
  }
}
