import { defineConfig } from 'vitest/config';

/** npm run test:slow: the long checks (100,000-file memory run, long property runs). */
export default defineConfig({
  test: {
    include: ['test/slow/**/*.test.ts'],
    testTimeout: 900_000,
    hookTimeout: 900_000,
    pool: 'forks',
  },
});
