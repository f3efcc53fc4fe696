/**
 * UTF-16 offsets to 1-based line and column, as SARIF counts them with
 * `columnKind: "utf16CodeUnits"`: lines end at CR LF, LF or CR; a column counts code units, so
 * an emoji before a finding moves it two columns, as it moves JavaScript string offsets.
 */
export class LineIndex {
  private readonly starts: number[] = [0];

  constructor(private readonly text: string) {
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 13) {
        if (text.charCodeAt(i + 1) === 10) i++;
        this.starts.push(i + 1);
      } else if (c === 10) this.starts.push(i + 1);
    }
  }

  get length(): number {
    return this.text.length;
  }

  position(offset: number): { line: number; column: number } {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - this.starts[lo] + 1 };
  }

  /** SARIF region fields for [start, end): the end column is one past the last character. */
  region(start: number, end: number): { startLine: number; startColumn: number; endLine: number; endColumn: number } {
    const s = this.position(start);
    if (end <= start) return { startLine: s.line, startColumn: s.column, endLine: s.line, endColumn: s.column };
    const e = this.position(end - 1);
    return { startLine: s.line, startColumn: s.column, endLine: e.line, endColumn: e.column + 1 };
  }
}
