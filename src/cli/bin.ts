import { isPoolThread } from '../batch/worker.js';
import { main } from './main.js';

// Worker threads start from dist/worker.js; should that file be missing, pool.ts falls back to
// this bundle, where the worker loop has already started at load time and the CLI must not run.
// No V8 flags are set: the CLI once set --no-concurrent-recompilation (V8's optimising compiler
// on each worker's own thread rather than on background threads), but measured again the CPU
// a run costs was the same with and without it (bench/parallel.ts --cli=, issue 17).
if (!isPoolThread()) {
  main().then((code) => {
    process.exitCode = code;
  });
}
