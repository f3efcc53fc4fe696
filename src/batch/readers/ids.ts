/**
 * Record ids must name one document each within a file: resume and output order key on
 * (path, record). A repeated id gets `~2`, `~3`, ... in file order, so reruns agree.
 */
export class RecordIds {
  private seen = new Map<string, number>();

  take(id: string): string {
    const n = (this.seen.get(id) ?? 0) + 1;
    this.seen.set(id, n);
    return n === 1 ? id : `${id}~${n}`;
  }
}
