/**
 * Build step: validate the built-in lexicons and store them as JSON next to the bundle, so a
 * scanner starts without parsing YAML (and compromise's word tags, so it starts without compromise). The loader uses it only while the YAML files are
 * unchanged (it compares a hash of each), so an edited lexicon is never shadowed.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { buildLexiconBundle, buildStoredLexicon, bundledLexiconPath, storedLexiconPath } from '../src/lexicon/load.js';
import { compromise, compromiseVersion, storedWordTagsPath, type StoredWordTags } from '../src/rules/people-words.js';

const bundle = buildLexiconBundle();
const out = bundledLexiconPath();
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, JSON.stringify(bundle));
console.log(`lexicons: ${bundle.entries.length} entries from ${Object.keys(bundle.sources).length} files -> ${out.replace(process.cwd() + '/', '')}`);

// The built-in lexicons compiled (trie, prefilter, vocabularies), so a scanner starts without compiling them (stored.ts).
const stored = buildStoredLexicon();
writeFileSync(storedLexiconPath(), JSON.stringify(stored));
console.log(`compiled lexicons: ${stored.termKeys.length} term keys, ${stored.patterns.length} patterns -> ${storedLexiconPath().replace(process.cwd() + '/', '')}`);

// compromise's word tags, so a worker classifies words without loading compromise (people-words.ts).
const tags: StoredWordTags = { compromise: compromiseVersion(), lexicon: compromise().model().one.lexicon };
writeFileSync(storedWordTagsPath(), JSON.stringify(tags));
console.log(`word tags: ${Object.keys(tags.lexicon).length} words of compromise ${tags.compromise} -> ${storedWordTagsPath().replace(process.cwd() + '/', '')}`);
