import type { DocumentResult } from '../model/index.js';

/**
 * `--format jsonl`: one object per line, the DocumentResult shape (path, record, sha256, bytes,
 * verdict, score, categories, reasons, findings, lexiconVersion, version, encoding, error).
 * `--format json`: the same objects as one array, written incrementally.
 * Findings carry `text` only when the scanner was asked for it (--include-text).
 */
export function withoutText(d: DocumentResult): DocumentResult {
  if (!d.findings.some((f) => f.text !== undefined)) return d;
  return { ...d, findings: d.findings.map(({ text: _t, ...f }) => f) };
}

export const jsonlLine = (d: DocumentResult): string => JSON.stringify(d) + '\n';

export const JSON_OPEN = '[';
/** One array element, indented, without the separator. */
export const jsonBody = (d: DocumentResult): string => '  ' + JSON.stringify(d, null, 2).replace(/\n/g, '\n  ');
export const jsonItem = (body: string, first: boolean): string => (first ? '\n' : ',\n') + body;
export const jsonClose = (any: boolean): string => (any ? '\n]\n' : ']\n');
