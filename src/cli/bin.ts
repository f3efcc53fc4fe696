import { setFlagsFromString } from 'node:v8';
import { isPoolThread } from '../batch/worker.js';
import { main } from './main.js';

// Worker threads start from dist/worker.js; should that file be missing, pool.ts falls back to
// this bundle, where the worker loop has already started at load time and the CLI must not run.
if (!isPoolThread()) {
  // The CLI's process is ours (unlike a host that imports the library): its workers keep every
  // core busy, so V8's background JIT threads could only take CPU from them. Measured on two
  // cores: they used a third of the CPU while scanning (deopt/re-opt as new document shapes
  // appear), and two workers gave 1.2-1.3x one; compiling on each worker's own thread instead
  // gives the workers the cores (see bench/parallel.ts). Set before any worker isolate exists.
  setFlagsFromString('--no-concurrent-recompilation');
  main().then((code) => {
    process.exitCode = code;
  });
}
