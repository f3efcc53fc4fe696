import { defineConfig } from 'vitest/config';

/** npm run test:slow: the long checks (100,000-file memory run, long property runs). */
export default defineConfig({
  test: {
    include: ['test/slow/**/*.test.ts'],
    testTimeout: 900_000,
    hookTimeout: 900_000,
    pool: 'forks',
    // As in npm test: pools started from the sources run the built bundle in their workers.
    setupFiles: ['test/support/setup.ts'],
  },
});
