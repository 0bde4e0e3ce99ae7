import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    maxWorkers: 2,
    // CI only: a test that fails is run once more before the run is failed (browser and crash tests
    // depend on timing on a 2-core machine); a retried test is listed as such in the output
    retry: process.env.CI ? 1 : 0,
    reporters: ['default'],
  },
});
