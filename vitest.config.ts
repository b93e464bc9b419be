import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/setup/postgres.ts', 'test/setup/chromium.ts'],
    testTimeout: 20_000,
    hookTimeout: 30_000,
    // End-to-end tests start child processes and servers; two workers match the two cores CI has.
    maxWorkers: 2,
  },
});
