import { readFile } from 'node:fs/promises';
import { defineConfig, type Options } from 'tsup';

// CommonJS dependencies bundled into an ES module need a require of their own for Node's built-ins.
const REQUIRE_SHIM = "import { createRequire as __sgsCreateRequire } from 'node:module'; const require = __sgsCreateRequire(import.meta.url);";

/**
 * The sources load some dependencies on first use, through `requireHere('name')` (a
 * createRequire), so that importing the library does not load them. In the self-contained
 * bundles (worker, CLI) those become plain `require('name')` calls, which esbuild bundles and
 * runs on first use as well: the bundles still carry every dependency inside.
 */
const bundleLazyRequires: NonNullable<Options['esbuildPlugins']>[number] = {
  name: 'bundle-lazy-requires',
  setup(build) {
    build.onLoad({ filter: /[\\/]src[\\/].*\.ts$/ }, async (args) => {
      const source = await readFile(args.path, 'utf8');
      if (!source.includes('requireHere(')) return undefined;
      return { contents: source.replace(/\brequireHere\(('[^']+')\)/g, 'require($1)'), loader: 'ts' };
    });
  },
};

/**
 * The type declarations take about four fifths of the build (a whole TypeScript program, then
 * rollup). `npm test` builds the JavaScript first (SGS_TSUP_DTS=skip), starts the tests, and
 * writes the declarations beside them (SGS_TSUP_DTS=only: the library's declarations alone,
 * without cleaning or rebuilding the bundles the running tests read). A plain build does both.
 */
const dtsPhase = process.env.SGS_TSUP_DTS;

const library: Options = {
  entry: { index: 'src/index.ts' },
  format: ['esm', 'cjs'],
  dts: dtsPhase === 'skip' ? false : dtsPhase === 'only' ? { only: true } : true,
  sourcemap: true,
  clean: dtsPhase !== 'only',
  shims: true,
  target: 'node20',
  splitting: false,
};

export default defineConfig(dtsPhase === 'only' ? [library] : [
  library,
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
    esbuildPlugins: [bundleLazyRequires],
    banner: { js: REQUIRE_SHIM },
  },
  {
    entry: { cli: 'src/cli/bin.ts' },
    format: ['esm'],
    // Every command starts a process: the packages it always needs are bundled in (as for the
    // worker). Those only some commands load (fastify, pg, pg-boss) stay outside, loaded on use.
    noExternal: ['commander', 'csv-parse', 'entities', 'fast-glob', 'picomatch', 'natural', 'yaml', 'zod'],
    esbuildPlugins: [bundleLazyRequires],
    banner: { js: `#!/usr/bin/env node\n${REQUIRE_SHIM}` },
    sourcemap: true,
    shims: true,
    target: 'node20',
    splitting: false,
  },
]);
