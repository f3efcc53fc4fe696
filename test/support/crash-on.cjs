// Test preload (NODE_OPTIONS=--require ...): documents that crash what reads them, on cue.
// Real crashes (a native decoder aborting, the kernel's OOM killer) cannot be had on demand, so
// reading a file whose name says so crashes the reader, in a pool thread only (never the main
// thread of enqueue or results, never a reader child process):
//   poison-thread   ends the pool thread (process.exit in a worker thread ends that thread):
//                   the pool replaces it and the file is an error row, in a local scan and in
//                   a queue worker alike;
//   poison-process  kills the whole process with SIGKILL, as the OOM killer would: a local scan
//                   dies; a queue worker dies, and the queue must try the file again, alone,
//                   and give up on it after its last try.
const { isMainThread } = require('node:worker_threads');
if (!isMainThread && process.env.SAFEGUARD_SCAN_ROLE !== 'reader') {
  const fs = require('node:fs');
  const original = fs.readFileSync;
  fs.readFileSync = function readFileSync(path, ...rest) {
    const p = String(path);
    if (p.includes('poison-thread')) process.exit(70);
    if (p.includes('poison-process')) process.kill(process.pid, 'SIGKILL');
    return original.call(this, path, ...rest);
  };
  // ES modules that import readFileSync by name see the patched one too.
  require('node:module').syncBuiltinESMExports();
}
