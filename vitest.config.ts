import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['test/slow/**'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Vitest runs one file at a time on two cores (its default is cores - 1). Most of the long
    // files wait on child processes (CLI runs, workers, PostgreSQL), so two at once roughly halve
    // the wall time here without starving them.
    maxWorkers: 2,
    // Files share their worker process (each fresh one costs about half a second of imports).
    isolate: false,
    setupFiles: ['test/support/setup.ts'],
  },
});
