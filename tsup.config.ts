import { defineConfig } from 'tsup';

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
    entry: { cli: 'src/cli/bin.ts' },
    format: ['esm'],
    banner: { js: '#!/usr/bin/env node' },
    sourcemap: true,
    shims: true,
    target: 'node20',
    splitting: false,
  },
]);
