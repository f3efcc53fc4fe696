/**
 * npm run bench: the heavy shapes of the hostile-input issue through the CLI (one worker), each
 * with its wall time and the peak resident memory of the process tree and of its largest
 * process. `--cli PATH` measures another build (e.g. an older checkout's dist/cli.js).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { makeShapes } from '../test/fixtures/shapes.js';
import { runMeasured, tallyRows } from '../test/support/measure.js';

const at = process.argv.indexOf('--cli');
const cli = at > 0 ? resolve(process.argv[at + 1]) : resolve('dist/cli.js');
const only = process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1] : undefined;
const out = mkdtempSync(join(tmpdir(), 'sgs-shapes-out-'));
console.log(`shapes through ${cli} (one worker)`);
console.log('shape                                  exit    wall s   peak tree MB   peak process MB   rows   verdicts');
for (const s of await makeShapes()) {
  if (only && !s.name.includes(only)) continue;
  const o = join(out, `${s.file.split('/').pop()}-${s.args.length}.jsonl`);
  rmSync(o, { force: true });
  const m = await runMeasured(process.execPath, [cli, 'scan', s.file, '-o', o, '--concurrency', '1', ...s.args], { timeoutMs: 600_000 });
  const { rows, verdicts, errors } = await tallyRows(o);
  if (errors) verdicts.error = errors;
  console.log(
    `${s.name.padEnd(38)} ${String(m.code ?? m.signal).padStart(4)} ${(m.wallMs / 1000).toFixed(1).padStart(9)} ${m.peakTreeMb.toFixed(0).padStart(14)} ${m.peakProcessMb.toFixed(0).padStart(17)} ${String(rows).padStart(7)}   ${Object.entries(verdicts).map(([k, v]) => `${k} ${v}`).join(', ')}`,
  );
}
