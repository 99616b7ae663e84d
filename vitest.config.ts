import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    // Browser suites launch Chromium; a hung browser must fail the run, never stall CI. The limits
    // are generous: a busy 2-core machine runs these suites several times slower than an idle one.
    testTimeout: 300_000,
    hookTimeout: 300_000,
    pool: 'forks',
  },
});
