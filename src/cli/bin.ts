import { isScanWorker } from '../batch/worker.js';
import { main } from './main.js';

// dist/cli.js is also the script of its own worker threads (see batch/pool.ts): there, the
// worker loop has already started at load time, and the CLI must not run.
if (!isScanWorker()) {
  main().then((code) => {
    process.exitCode = code;
  });
}
