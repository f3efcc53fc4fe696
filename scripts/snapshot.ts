/**
 * npm run snapshot -- [--out FILE] [--compare FILE [--ignore field,field]]
 * Full results, field for field, of every document the project measures itself on: the bench
 * corpus (../shared/data/corpus), every labelled set (../shared/eval/*.jsonl, eval/*.jsonl),
 * and every external dev sentence and note. Written one JSON line per document (no text, only
 * ids and results); `--compare` lists the documents whose results differ from a saved snapshot.
 * A change that must not change behaviour (a refactor, a speed-up) is checked with it.
 */
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import fg from 'fast-glob';
import { loadCorpus } from '../bench/corpus.js';
import { createScanner } from '../src/index.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const flag = (name: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const scanner = createScanner();
const docs: { id: string; line: string }[] = [];
const add = (id: string, r: unknown) => {
  const { lexiconVersion: _v, ...rest } = r as Record<string, unknown>;
  docs.push({ id, line: JSON.stringify({ id, ...rest }) });
};

loadCorpus().forEach((d, i) => add(`corpus:${i}`, scanner.scan(d)));
const sets = [...fg.sync(fg.convertPathToPattern(resolve(root, '../shared/eval')) + '/*.jsonl'), ...fg.sync(fg.convertPathToPattern(resolve(root, 'eval')) + '/*.jsonl')].sort();
for (const f of sets) {
  for (const line of readFileSync(f, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    const ex = JSON.parse(line) as { id: string; text: string; patient?: Record<string, string>; kind?: 'entry' | 'letter' };
    add(`${f.replace(root + '/', '').replace(/^.*shared\//, 'shared/')}:${ex.id}`, scanner.scan(ex.text, { patient: ex.patient, kind: ex.kind }));
    add(`${f.replace(root + '/', '').replace(/^.*shared\//, 'shared/')}:${ex.id}:nokind`, scanner.scan(ex.text, { patient: ex.patient }));
  }
}
const negex = resolve(root, '../shared/eval/external/negex-dev.tsv');
readFileSync(negex, 'utf8').split('\n').slice(1).forEach((row, i) => {
  const cols = row.split('\t');
  if (cols.length < 3) return;
  add(`negex:${i}`, scanner.scan(cols[2]));
});
const phys = readFileSync(resolve(root, '../shared/eval/external/physionet-dev/id.text'), 'latin1');
phys.split('||||END_OF_RECORD').forEach((note, i) => {
  const body = note.replace(/^\s*START_OF_RECORD=[^\n]*\n/, '');
  if (body.trim()) add(`physionet:${i}`, scanner.scan(body, { kind: 'entry' }));
});

// In id order, so the hash does not depend on where the checkout sits (the sets are found by absolute path).
docs.sort((a, b) => (a.id < b.id ? -1 : 1));
const all = docs.map((d) => d.line).join('\n') + '\n';
console.log(`${docs.length} documents, results sha256 ${createHash('sha256').update(all).digest('hex').slice(0, 16)}`);
const out = flag('--out');
if (out) writeFileSync(out, all);
const cmp = flag('--compare');
if (cmp) {
  // --ignore a,b: fields left out of the comparison wherever they appear (a field a change added on purpose).
  const ignore = new Set((flag('--ignore') ?? '').split(',').filter(Boolean));
  const strip = (l: string) => (ignore.size ? JSON.stringify(JSON.parse(l), (k, v) => (ignore.has(k) ? undefined : v)) : l);
  const before = new Map(readFileSync(cmp, 'utf8').split('\n').filter(Boolean).map((l) => [JSON.parse(l).id as string, strip(l)]));
  let diff = 0;
  for (const { id, line } of docs) {
    if (before.get(id) !== strip(line)) {
      diff++;
      if (diff <= 50) console.log(`differs: ${id}`);
    }
  }
  console.log(`${diff} of ${docs.length} documents differ from ${cmp}`);
  process.exitCode = diff ? 1 : 0;
}
