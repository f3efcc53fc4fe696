import type { Impact } from '../authoring/impact.js';
import type { Verdict } from '../model/index.js';
import { docLabel } from './labels.js';

/**
 * `impact`'s text output: the from -> to table, then each moved document (less strict first) with
 * the rules that made the difference. Document names, verdicts and rule ids only; the matched
 * text of a rule's findings appears only when the scans were asked for it (--include-text).
 */

const VERDICTS: Verdict[] = ['visible', 'review', 'withhold'];

export function impactText(i: Impact, o: { candidates: string[]; allowLaxer?: boolean }): string {
  const out: string[] = [];
  out.push(
    `impact: ${i.documents} documents scanned with the current lexicons (${i.lexiconVersions.from.join(', ') || '-'}) and with ${o.candidates.length} candidate file${o.candidates.length === 1 ? '' : 's'} on top (${i.lexiconVersions.to.join(', ') || '-'})`,
  );
  out.push('', `  ${'from \\ to'.padEnd(10)}${VERDICTS.map((v) => v.padStart(10)).join('')}`);
  for (const f of VERDICTS) out.push(`  ${f.padEnd(10)}${VERDICTS.map((t) => String(i.table[f][t]).padStart(10)).join('')}`);
  out.push('', `${i.moved.length} document${i.moved.length === 1 ? '' : 's'} moved: ${i.stricter} stricter, ${i.laxer} less strict`);
  for (const m of i.moved) {
    const rules = m.rules.length
      ? m.rules.map((r) => `${r.ruleId} (${r.from} -> ${r.to})${r.texts ? ` ${r.texts.map((t) => JSON.stringify(t)).join(', ')}` : ''}`).join('; ')
      : 'no single rule: findings together, or how the document was read';
    out.push(`  ${m.direction === 'laxer' ? 'LESS STRICT' : 'stricter   '}  ${`${m.from} -> ${m.to}`.padEnd(20)}  ${docLabel(m)}  ${rules}`);
  }
  if (i.changedText.length) out.push('', `${i.changedText.length} document(s) not compared: their text is not the one recorded in the results (scan them again)`);
  if (i.missing.length) out.push('', `${i.missing.length} document(s) of the results were not found again (a record removed, or read with other options): ${i.missing.slice(0, 5).map(docLabel).join(', ')}${i.missing.length > 5 ? ', ...' : ''}`);
  if (i.errors) out.push('', `${i.errors} document(s) could not be read or fully scanned (exit 2)`);
  if (i.laxer) out.push('', o.allowLaxer ? `${i.laxer} document(s) became less strict: allowed (--allow-laxer)` : `${i.laxer} document(s) became less strict: exit 1 (add --allow-laxer for a reviewed, deliberate change)`);
  return out.join('\n') + '\n';
}
