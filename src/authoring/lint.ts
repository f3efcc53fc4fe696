import { matchTokens, keyOf } from '../lexicon/compile.js';
import type { LexiconSet } from '../lexicon/load.js';
import { checkRegex } from '../lexicon/regex-safety.js';
import type { LoadedEntry } from '../lexicon/schema.js';
import { FLOOR_CATEGORIES } from '../model/index.js';
import { normalise } from '../text/index.js';

export interface LintIssue {
  level: 'error' | 'warning';
  file: string;
  entryId: string;
  field: string;
  message: string;
}

const words = (e: LoadedEntry) => [
  ...(e.terms ?? []).map((t) => (typeof t === 'string' ? t : t.term)),
  ...(e.abbreviations ?? []).map((a) => (typeof a === 'string' ? a : a.abbr)),
  ...(e.patterns ?? []).map((p) => (typeof p === 'string' ? p : p.regex)),
];

/**
 * Duplicate terms across entries, entries without enough examples, unsafe patterns; and, for a
 * set with user files, every built-in safeguarding, harm or third-party entry they switch off
 * or weaken (a deliberate lexicon change, but one a clinical safety officer must see).
 */
export function lintLexicons(entries: LoadedEntry[], set?: Pick<LexiconSet, 'disabled' | 'overridden'>): LintIssue[] {
  const issues: LintIssue[] = [];
  const seen = new Map<string, LoadedEntry>();
  for (const e of entries) {
    const names = e.kind === 'vocabulary' && (e.use === 'forename' || e.use === 'surname');
    const m = e.examples?.match?.length ?? 0;
    const n = e.examples?.noMatch?.length ?? 0;
    if (m === 0 && n === 0) issues.push({ level: 'error', file: e.file, entryId: e.id, field: 'examples', message: 'entry has no examples' });
    else if (!names && (m < 2 || n < 2))
      issues.push({ level: 'warning', file: e.file, entryId: e.id, field: 'examples', message: `has ${m} match and ${n} noMatch examples; at least 2 of each are expected` });
    e.patterns?.forEach((p, i) => {
      const src = typeof p === 'string' ? p : p.regex;
      if (/\{[a-z][a-z0-9-]*\}/.test(src)) return; // checked with its vocabularies expanded, when loaded
      const r = checkRegex(src, 'giu');
      if (!r.ok) issues.push({ level: 'error', file: e.file, entryId: e.id, field: `patterns.${i}`, message: r.reason ?? 'unsafe pattern' });
    });
    // The same term in two entries of the same kind is a maintenance trap: one edit, two places.
    // Context cues may share words across directions ("previous" forward and backward).
    const group = e.kind === 'context' ? `context:${e.modifier}:${e.direction ?? ''}` : e.kind === 'finding' ? e.category : `vocabulary:${e.use ?? e.name}`;
    const stemmed = names ? false : (e.stem ?? true);
    const keys = [
      ...(e.terms ?? []).map((t) => (typeof t === 'string' ? t : t.term)).map((t) => 't:' + matchTokens(t).map((k) => keyOf(k, stemmed)).join(' ')),
      ...(e.abbreviations ?? []).map((a) => (typeof a === 'string' ? a : a.abbr)).map((a) => 'a:' + normalise(a).text),
    ];
    for (const k of new Set(keys)) {
      const key = `${group}|${k}`;
      const prev = seen.get(key);
      if (prev && prev.id !== e.id && !names)
        issues.push({ level: 'warning', file: e.file, entryId: e.id, field: k.startsWith('a:') ? 'abbreviations' : 'terms', message: `"${k.slice(2)}" is also in ${prev.id}` });
      else if (!prev) seen.set(key, e);
    }
  }
  for (const d of set?.disabled ?? []) {
    if (d.before.kind !== 'finding' || !FLOOR_CATEGORIES.includes(d.before.category)) continue;
    issues.push({ level: 'warning', file: d.file, entryId: d.id, field: 'disabled', message: `switches off the built-in ${d.before.category} entry (weight ${d.before.weight}): what it finds will no longer count` });
  }
  for (const o of set?.overridden ?? []) {
    const b = o.before;
    const now = entries.find((e) => e.id === o.id);
    if (b.kind !== 'finding' || !FLOOR_CATEGORIES.includes(b.category) || !now || now.kind !== 'finding') continue;
    if (now.weight < b.weight)
      issues.push({ level: 'warning', file: o.file, entryId: o.id, field: 'weight', message: `weakens the built-in ${b.category} entry: weight ${b.weight} -> ${now.weight}` });
    const lost = words(b).filter((w) => !words(now).includes(w));
    if (lost.length)
      issues.push({ level: 'warning', file: o.file, entryId: o.id, field: 'terms', message: `weakens the built-in ${b.category} entry: ${lost.length} of its ${words(b).length} terms, abbreviations and patterns are gone` });
  }
  return issues;
}
