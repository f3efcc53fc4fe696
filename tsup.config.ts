import { defineConfig } from 'tsup';

// CommonJS dependencies bundled into an ES module need a require of their own for Node's built-ins.
const REQUIRE_SHIM = "import { createRequire as __sgsCreateRequire } from 'node:module'; const require = __sgsCreateRequire(import.meta.url);";

export default defineConfig([
  {
    entry: { index: 'src/index.ts' },
    format: ['esm', 'cjs'],
    dts: true,
    sourcemap: true,
    clean: true,
    shims: true,
    target: 'node20',
    splitting: false,
  },
  {
    // The reader child process (pdf, docx, images, OCR): a script of its own, started by fork.
    entry: { 'reader-child': 'src/batch/reader-child.ts' },
    format: ['esm'],
    sourcemap: true,
    shims: true,
    target: 'node20',
    splitting: false,
  },
  {
    // The scan worker thread's script (pool.ts starts it): the scanner, readers and input
    // expansion without the CLI's commands or the service.
    entry: { worker: 'src/batch/worker-entry.ts' },
    format: ['esm'],
    sourcemap: true,
    shims: true,
    target: 'node20',
    splitting: false,
    // Its dependencies are bundled in: Node resolving and reading several hundred small module
    // files (zod, yaml, fast-glob) was most of a worker's start.
    noExternal: [/.*/],
    banner: { js: REQUIRE_SHIM },
  },
  {
    entry: { cli: 'src/cli/bin.ts' },
    format: ['esm'],
    // Every command starts a process: the packages it always needs are bundled in (as for the
    // worker). Those only some commands load (fastify, pg, pg-boss) stay outside, loaded on use.
    noExternal: ['commander', 'csv-parse', 'entities', 'fast-glob', 'picomatch', 'natural', 'yaml', 'zod'],
    banner: { js: `#!/usr/bin/env node\n${REQUIRE_SHIM}` },
    sourcemap: true,
    shims: true,
    target: 'node20',
    splitting: false,
  },
]);
