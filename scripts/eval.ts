/**
 * npm run eval [-- FILES...] [--details]
 * Scores the scanner on labelled examples (default ../shared/eval/*.jsonl) and prints the
 * figures of the foundation issue. --details lists the ids of wrong verdicts, missed spans
 * and absent violations (eval texts are invented, but we still print ids and phrases only).
 *
 * The external sets (../shared/eval/external/README.md) and the code lists have modes of their own:
 *   npm run eval -- --negex FILE        [--split a|b] [--details] [--json]
 *   npm run eval -- --physionet DIR     [--split a|b] [--details] [--json]
 *   npm run eval -- --codelists [DIR]   [--list NAME] [--scope FILE] [--details] [--json]
 */
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import fg from 'fast-glob';
import { createScanner } from '../src/scanner/index.js';
import { evaluate, formatReport, readExamples } from './eval-lib.js';
import { EXTERNAL_MODES, runExternal } from './eval-run-external.js';

const args = process.argv.slice(2);
if (args.some((a) => EXTERNAL_MODES.includes(a))) process.exit(runExternal(args));
const details = args.includes('--details');
const json = args.includes('--json');
const files = args.filter((a) => !a.startsWith('--'));
const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const targets = files.length ? files : fg.sync(fg.convertPathToPattern(resolve(root, '../shared/eval')) + '/*.jsonl').sort();
if (targets.length === 0) {
  console.error('eval: no labelled files found (expected ../shared/eval/*.jsonl or paths as arguments)');
  process.exit(2);
}
const examples = targets.flatMap(readExamples);
const scanner = createScanner();
const rep = evaluate(scanner, examples);
if (json) {
  console.log(JSON.stringify(rep, null, 2));
} else {
  console.log(`files: ${targets.map((t) => t.replace(root + '/', '')).join(', ')}`);
  console.log(formatReport(rep));
  if (details) {
    console.log('\nwrong verdicts:');
    for (const w of rep.wrong) console.log(`  ${w.id} gold ${w.gold} got ${w.got}`);
    console.log('\nmissed spans:');
    for (const m of rep.missedSpans) console.log(`  ${m.id} ${m.category}: ${JSON.stringify(m.text)}`);
    console.log('\nabsent violations:');
    for (const v of rep.violations) console.log(`  ${v.id} ${v.category}: ${JSON.stringify(v.text)}`);
    if (rep.notFound.length) console.log(`\nphrases not found verbatim in their text: ${rep.notFound.length}`);
  }
}
