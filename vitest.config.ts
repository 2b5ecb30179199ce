import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    exclude: ['node_modules/**', 'dist/**'],
    // The embedded ClickHouse is one engine per process: give each test file its own process.
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
