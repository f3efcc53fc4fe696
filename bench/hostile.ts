/** npm run bench: seconds per MB for each hostile input at two sizes (linear => equal). */
import { createScanner } from '../src/scanner/index.js';
import { hostileInputs } from './hostile-inputs.js';

const MB = 1024 * 1024;
const scanner = createScanner({ maxLength: 50 * MB });
console.log('hostile input                        1 MB s/MB   10 MB s/MB');
for (const [name, make] of Object.entries(hostileInputs)) {
  const row: string[] = [];
  for (const size of [1 * MB, 10 * MB]) {
    const text = make(size);
    const t0 = performance.now();
    const r = scanner.scan(text);
    const s = (performance.now() - t0) / 1000;
    row.push(`${(s / (size / MB)).toFixed(3)}${r.error ? '!' : ''}`.padStart(12));
  }
  console.log(`${name.padEnd(36)}${row.join('')}`);
}
