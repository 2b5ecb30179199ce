import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  // Compiles the UI's .svelte components and .svelte.ts rune modules for its tests (server rendering in node).
  plugins: [svelte()],
  test: {
    include: ['**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    exclude: ['node_modules/**', 'dist/**', 'ui/dist/**'],
    // The embedded ClickHouse is one engine per process: give each test file its own process.
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
