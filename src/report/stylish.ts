import type { DocumentResult } from '../model/index.js';
import type { Verdict } from '../model/index.js';
import { docLabel, printable } from './labels.js';

/**
 * `--format stylish`: one line per document (verdict, score, where, top reasons), then a
 * summary. Never record text: reasons are built from finding types, not from the text.
 */
const MARK: Record<Verdict, string> = { visible: 'visible ', review: 'REVIEW  ', withhold: 'WITHHOLD' };

export const where = (d: Pick<DocumentResult, 'path' | 'record'>): string => docLabel(d);

/** Width of the decision column (`scan --decisions`): the longest decision, "redact-and-show". */
const DECISION_WIDTH = 15;

export function stylishLine(d: DocumentResult, opts: { decisionColumn?: boolean } = {}): string {
  const why = d.error ? `error: ${printable(d.error)}` : d.reasons.slice(0, 2).join(' ');
  const decided = opts.decisionColumn ? `  ${(d.decision ?? 'undecided').padEnd(DECISION_WIDTH)}` : '';
  return `${MARK[d.verdict]}  ${d.score.toFixed(2)}${decided}  ${where(d)}${why ? `  ${why}` : ''}\n`;
}

/** `check`: the document line, then each finding (offsets, category, type, score, modifiers) and the reasons. */
export function stylishDetail(d: DocumentResult): string {
  const lines = [stylishLine(d).trimEnd()];
  for (const f of d.findings) {
    const m = f.modifiers;
    const mods = [m.negated && 'negated', m.uncertain && 'uncertain', m.hypothetical && 'hypothetical', m.historical && 'historical', m.experiencer !== 'patient' && m.experiencer]
      .filter(Boolean)
      .join(',');
    lines.push(
      `  ${String(f.start).padStart(5)}-${String(f.end).padEnd(5)} ${f.category.padEnd(12)} ${f.type.padEnd(26)} ${f.score.toFixed(2)} ${mods}${f.text !== undefined ? '  ' + JSON.stringify(f.text) : ''}`,
    );
  }
  for (const r of d.reasons) lines.push(`  - ${r}`);
  return lines.join('\n') + '\n';
}
