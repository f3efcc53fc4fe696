import type { Category, Finding } from '../model/index.js';
import { esc } from './html-escape.js';
import { CATEGORY_LABEL, modifiersText } from './labels.js';

/**
 * A document's text with its findings marked. Findings may overlap (a name inside a
 * relationship phrase), so the text is cut at every finding boundary and each piece is marked
 * with all the findings that cover it; its colour is the strongest one's category.
 */

/** Short tags shown after each highlight, so that category never depends on colour alone. */
export const CATEGORY_TAG: Record<Category, string> = { thirdParty: 'TP', safeguarding: 'SG', sensitive: 'SN', harm: 'HM' };

/** When scores tie, the more serious category colours the highlight. */
const PRIORITY: Record<Category, number> = { safeguarding: 4, harm: 3, thirdParty: 2, sensitive: 1 };

/** One finding in words, for the tooltip: category, type, modifiers, score and rule. */
export function findingSummary(f: Finding): string {
  return `${CATEGORY_LABEL[f.category]} \u00b7 ${f.type.replace(/-/g, ' ')} \u00b7 ${modifiersText(f.modifiers)} \u00b7 score ${f.score.toFixed(2)} \u00b7 rule ${f.ruleId}`;
}

const stronger = (a: Finding, b: Finding) => b.score - a.score || PRIORITY[b.category] - PRIORITY[a.category];

/** Findings whose offsets fit the text; others are listed in the findings table only. */
export const placeable = (text: string, findings: Finding[]) => findings.filter((f) => f.start >= 0 && f.end > f.start && f.end <= text.length);

export function highlight(text: string, findings: Finding[]): string {
  const fs = placeable(text, findings);
  if (fs.length === 0) return esc(text);
  const cuts = new Set<number>([0, text.length]);
  for (const f of fs) {
    cuts.add(f.start);
    cuts.add(f.end);
  }
  const points = [...cuts].sort((a, b) => a - b);
  let out = '';
  for (let i = 0; i + 1 < points.length; i++) {
    const a = points[i];
    const b = points[i + 1];
    const piece = esc(text.slice(a, b));
    const covering = fs.filter((f) => f.start <= a && f.end >= b).sort(stronger);
    if (covering.length === 0) {
      out += piece;
      continue;
    }
    const top = covering[0];
    const cats = [...new Set(covering.map((f) => f.category))];
    // A finding that counts for nothing (negated, hypothetical) is drawn faintly: the clinician
    // sees what was discounted and why, without it shouting.
    const weak = covering.every((f) => f.score <= 0);
    const classes = ['hl', `c-${top.category}`, weak ? 'weak' : '', cats.length > 1 ? 'multi' : ''].filter(Boolean).join(' ');
    const tip = covering.map(findingSummary).join('\n');
    // The tag goes only on the piece where a finding ends, so a long finding is tagged once.
    const endsHere = covering.some((f) => f.end === b);
    const tag = endsHere ? cats.map((c) => CATEGORY_TAG[c]).join('+') : '';
    out += `<mark class="${classes}" tabindex="0" data-cats="${cats.join(' ')}" data-tip="${esc(tip)}"${tag ? ` data-tag="${tag}"` : ''} aria-describedby="tip">${piece}</mark>`;
  }
  return out;
}
