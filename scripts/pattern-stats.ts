/**
 * npm run pattern-stats: how many regex patterns the lexicons hold, and their mean and longest
 * length as written (vocabulary references unexpanded). Long patterns that spell out word lists
 * are what vocabularies replace.
 */
import fg from 'fast-glob';
import { parseLexiconFile } from '../src/lexicon/load.js';

const files = process.argv.slice(2).length ? process.argv.slice(2) : fg.sync('lexicons/*.yaml').sort();
const lengths: { len: number; id: string }[] = [];
let refs = 0;
for (const f of files)
  for (const e of parseLexiconFile(f))
    if (e.kind !== 'disable')
      for (const p of e.patterns ?? []) {
        const src = typeof p === 'string' ? p : p.regex;
        if (/\{[a-z][a-z0-9-]*\}/.test(src)) refs++;
        lengths.push({ len: src.length, id: e.id });
      }
lengths.sort((a, b) => b.len - a.len);
const mean = lengths.reduce((n, x) => n + x.len, 0) / Math.max(1, lengths.length);
console.log(`patterns: ${lengths.length}, mean length ${mean.toFixed(0)}, longest ${lengths[0]?.len ?? 0} (${lengths[0]?.id ?? '-'}); ${refs} refer to vocabularies`);
