/**
 * npm run bench: throughput of the scanner over the shared corpora, against the obvious
 * alternative (compromise's full parse + .people()) on the same documents; cold start; peak RSS.
 * Figures are printed, never asserted.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bytesOf, loadCorpus } from './corpus.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const MB = 1024 * 1024;

// An invented 1 KB entry for the cold start's first scan.
const ENTRY = 'Telephone consultation. Seen with mum re cough 3/7, no fever, eating and drinking. Chest clear on video. Safety-netted: to call 111 if breathing worse. Lives with mum and older brother. '.repeat(5);

function coldStart(): number {
  // A fresh process: import the built package, create the first scanner and scan a 1 KB entry.
  const script = `const t0=performance.now();const m=await import(${JSON.stringify(resolve(root, 'dist/index.js'))});m.createScanner().scan(${JSON.stringify(ENTRY)});console.log(performance.now()-t0)`;
  const runs = [0, 1, 2].map(() => Number(execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' }).trim()));
  return runs.sort((a, b) => a - b)[1];
}

async function main() {
  const docs = loadCorpus();
  const bytes = bytesOf(docs);
  console.log(`corpus: ${docs.length} documents, ${(bytes / MB).toFixed(2)} MB`);

  const cold = coldStart();
  const { createScanner } = await import(resolve(root, 'dist/index.js'));
  const scanner = createScanner();
  // First pass: cold JIT and empty word caches (what a short run sees).
  // Hashes of the corpus and of every result of the first pass, so that two runs (or two
  // builds) can be checked to have scanned the same text to the same findings (hashed as they
  // come, so that no result is held).
  const resultsHash = createHash('sha256');
  const tFirst = performance.now();
  for (const d of docs) resultsHash.update(JSON.stringify(scanner.scan(d)) + '\n');
  const firstSec = (performance.now() - tFirst) / 1000;
  const corpusHash = createHash('sha256').update(docs.join('\u0000')).digest('hex').slice(0, 16);
  const findingsHash = resultsHash.digest('hex').slice(0, 16);
  // Steady state: what a backlog of thousands of documents sees once the caches are warm and
  // the JIT has finished tiering up (one more unmeasured pass: V8 is still optimising during
  // the second). Five more passes; the median is reported (one pass is at the mercy of a GC or
  // a busy neighbour), with the fastest and slowest beside it.
  for (const d of docs) scanner.scan(d);
  let findings = 0;
  const passes: number[] = [];
  for (let k = 0; k < 5; k++) {
    findings = 0;
    const t0 = performance.now();
    for (const d of docs) findings += scanner.scan(d).findings.length;
    passes.push((performance.now() - t0) / 1000);
  }
  passes.sort((a, b) => a - b);
  const scanSec = passes[2];
  const scanMBs = bytes / MB / scanSec;
  const spread = `${(bytes / MB / passes[4]).toFixed(2)}-${(bytes / MB / passes[0]).toFixed(2)} MB/s over 5 passes`;

  // The scanner's own peak, before compromise is loaded for the comparison.
  const scannerRss = process.resourceUsage().maxRSS / 1024;
  const nlp = createRequire(import.meta.url)('compromise');
  for (const d of docs.slice(0, 10)) nlp(d).people().out('array');
  const t1 = performance.now();
  let people = 0;
  for (const d of docs) people += nlp(d).people().out('array').length;
  const nlpSec = (performance.now() - t1) / 1000;
  const nlpMBs = bytes / MB / nlpSec;

  console.log(`scanner, first pass:   ${(bytes / MB / firstSec).toFixed(2)} MB/s (${firstSec.toFixed(2)} s; cold JIT and caches)`);
  console.log(`scanner, steady state: ${scanMBs.toFixed(2)} MB/s (median pass ${scanSec.toFixed(2)} s, ${findings} findings; ${spread})`);
  console.log(`compromise + people(): ${nlpMBs.toFixed(2)} MB/s (${nlpSec.toFixed(2)} s, ${people} people)`);
  console.log(`ratio (steady state):  ${(scanMBs / nlpMBs).toFixed(1)}x; first pass ${((bytes / MB / firstSec) / nlpMBs).toFixed(1)}x`);
  console.log(`cold start:            ${cold.toFixed(0)} ms (import + first scanner + first scan of a 1 KB entry, median of 3 fresh processes)`);
  console.log(`peak RSS:              ${scannerRss.toFixed(0)} MB with the scanner alone; ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB after compromise's parse`);
  console.log(`hashes:                corpus ${corpusHash}, results ${findingsHash} (sha256 of the first pass's results)`);
}

main();
