import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    // Browser suites launch Chromium; a hung browser must fail the run, never stall CI.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
});
