import type { Part } from '../../model/index.js';

/**
 * The parts of a document (a docx body, headers, footnotes; pdf pages) as one text, a blank line
 * between parts, with each part's offsets in that text: findings are reported in these offsets,
 * and the result names the part they fall in.
 */
export function joinParts(parts: { name: string; text: string }[]): { text: string; parts: Part[] } {
  let text = '';
  const out: Part[] = [];
  for (const p of parts) {
    const t = p.text.trim();
    if (!t) continue;
    if (text) text += '\n\n';
    out.push({ name: p.name, start: text.length, end: text.length + t.length });
    text += t;
  }
  return { text, parts: out };
}
