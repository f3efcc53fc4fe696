import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

// The CLI and scanFiles run in the test process from the sources; their worker threads run the
// built bundle (npm test builds it first), which starts in a fraction of the time.
const bundle = join(resolve(dirname(fileURLToPath(import.meta.url)), '..', '..'), 'dist', 'worker.js');
if (existsSync(bundle)) process.env.SAFEGUARD_SCAN_WORKER_SCRIPT ??= bundle;
