/**
 * Progress on stderr, only when stderr is a terminal: files done / total, documents per second,
 * ETA; redrawn at most 10 times a second on one line. Counts only, never record text.
 */
export class Progress {
  private last = 0;
  private shown = false;
  private readonly t0 = performance.now();
  constructor(
    private readonly stream: NodeJS.WriteStream,
    private readonly total: number,
    private readonly enabled = !!stream.isTTY,
  ) {}

  update(filesDone: number, documents: number, force = false): void {
    if (!this.enabled) return;
    const now = performance.now();
    if (!force && now - this.last < 100) return;
    this.last = now;
    const secs = (now - this.t0) / 1000;
    const rate = secs > 0 ? documents / secs : 0;
    const fileRate = secs > 0 ? filesDone / secs : 0;
    const eta = fileRate > 0 && filesDone < this.total ? fmtDuration((this.total - filesDone) / fileRate) : '-';
    const pct = this.total ? Math.floor((100 * filesDone) / this.total) : 100;
    this.stream.write(`\r\x1b[K${filesDone}/${this.total} files (${pct}%)  ${rate.toFixed(0)} documents/s  ETA ${eta}`);
    this.shown = true;
  }

  /** clear the progress line (before other stderr output and at the end) */
  clear(): void {
    if (this.enabled && this.shown) {
      this.stream.write('\r\x1b[K');
      this.shown = false;
    }
  }
}

export function fmtDuration(s: number): string {
  if (!isFinite(s)) return '-';
  const t = Math.round(s);
  const h = Math.floor(t / 3600);
  const m = Math.floor((t % 3600) / 60);
  const sec = t % 60;
  return h ? `${h}h${String(m).padStart(2, '0')}m` : `${m}:${String(sec).padStart(2, '0')}`;
}
