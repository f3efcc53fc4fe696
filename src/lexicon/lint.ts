import { normalise } from '../text/normalise.js';
import { matchTokens, keyOf } from './compile.js';
import { checkRegex } from './regex-safety.js';
import type { LoadedEntry } from './schema.js';

export interface LintIssue {
  level: 'error' | 'warning';
  file: string;
  entryId: string;
  field: string;
  message: string;
}

/** Duplicate terms across entries, entries without enough examples, unsafe patterns. */
export function lintLexicons(entries: LoadedEntry[]): LintIssue[] {
  const issues: LintIssue[] = [];
  const seen = new Map<string, LoadedEntry>();
  for (const e of entries) {
    const needsExamples = e.use !== 'forename' && e.use !== 'surname';
    const m = e.examples?.match?.length ?? 0;
    const n = e.examples?.noMatch?.length ?? 0;
    if (m === 0 && n === 0) issues.push({ level: 'error', file: e.file, entryId: e.id, field: 'examples', message: 'entry has no examples' });
    else if (needsExamples && (m < 2 || n < 2))
      issues.push({ level: 'warning', file: e.file, entryId: e.id, field: 'examples', message: `has ${m} match and ${n} noMatch examples; at least 2 of each are expected` });
    if (!e.source) issues.push({ level: 'error', file: e.file, entryId: e.id, field: 'source', message: 'entry has no source' });
    e.patterns?.forEach((p, i) => {
      const src = typeof p === 'string' ? p : p.regex;
      const r = checkRegex(src, 'giu');
      if (!r.ok) issues.push({ level: 'error', file: e.file, entryId: e.id, field: `patterns.${i}`, message: r.reason ?? 'unsafe pattern' });
    });
    // The same term in two entries of the same kind is a maintenance trap: one edit, two places.
    // Context cues may share words across directions ("previous" forward and backward).
    const group = e.use === 'context' ? `context:${e.modifier}:${e.direction ?? ''}` : (e.category ?? e.use ?? '');
    const stemmed = e.use === 'forename' || e.use === 'surname' ? false : (e.stem ?? true);
    const keys = [
      ...(e.terms ?? []).map((t) => (typeof t === 'string' ? t : t.term)).map((t) => 't:' + matchTokens(t).map((k) => keyOf(k, stemmed)).join(' ')),
      ...(e.abbreviations ?? []).map((a) => (typeof a === 'string' ? a : a.abbr)).map((a) => 'a:' + normalise(a).text),
    ];
    for (const k of new Set(keys)) {
      const key = `${group}|${k}`;
      const prev = seen.get(key);
      if (prev && prev.id !== e.id && !(e.use === 'forename' || e.use === 'surname'))
        issues.push({ level: 'warning', file: e.file, entryId: e.id, field: k.startsWith('a:') ? 'abbreviations' : 'terms', message: `"${k.slice(2)}" is also in ${prev.id}` });
      else if (!prev) seen.set(key, e);
    }
  }
  return issues;
}
