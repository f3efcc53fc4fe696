/**
 * Build step: the full analysis (regex-judge.ts: recheck, then V8 on recheck's attack string)
 * of every built-in pattern, its vocabulary references expanded. Analysis takes up to seconds a
 * pattern, so verdicts are kept in scripts/pattern-verdicts.json, keyed by a hash of the
 * analyser's version, the flags and the expanded source: only new or changed patterns are
 * analysed. The build fails, naming entry and pattern, if any is refused.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadLexicons } from '../src/lexicon/load.js';
import { judgeRegex } from '../src/lexicon/regex-judge.js';
import { compileVocabularies, expandPattern } from '../src/lexicon/vocabulary.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const cacheFile = resolve(root, 'scripts/pattern-verdicts.json');
const version = (createRequire(import.meta.url)('recheck/package.json') as { version: string }).version;
const cache: { analyser: string; accepted: Record<string, string> } = existsSync(cacheFile) ? JSON.parse(readFileSync(cacheFile, 'utf8')) : { analyser: version, accepted: {} };
if (cache.analyser !== version) cache.accepted = {};
cache.analyser = version;

const set = loadLexicons();
const vocab = compileVocabularies(set.entries);
const used = new Set<string>();
const refused: string[] = [];
let analysed = 0;
const t0 = performance.now();
for (const e of set.entries)
  e.patterns?.forEach((p, i) => {
    const flags = typeof p !== 'string' && p.caseSensitive ? 'gu' : 'giu';
    const src = expandPattern(typeof p === 'string' ? p : p.regex, vocab);
    const key = createHash('sha256').update(`recheck ${version}\u0000${flags}\u0000${src}`).digest('hex').slice(0, 24);
    used.add(key);
    if (cache.accepted[key]) return;
    analysed++;
    const v = judgeRegex(src, flags);
    if (v.ok) cache.accepted[key] = `${e.id}#${i}: ${v.reason}`;
    else refused.push(`${e.file}: entry "${e.id}", field "patterns.${i}": pattern is refused: ${v.reason}`);
  });
// Keep the file to what is in force.
for (const k of Object.keys(cache.accepted)) if (!used.has(k)) delete cache.accepted[k];
writeFileSync(cacheFile, JSON.stringify(cache, null, 1) + '\n');
console.log(`patterns: ${used.size} analysed or known safe (${analysed} analysed now, ${((performance.now() - t0) / 1000).toFixed(1)} s)`);
if (refused.length) {
  for (const r of refused) console.error(r);
  process.exit(1);
}
