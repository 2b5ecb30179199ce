import { fileURLToPath } from 'node:url';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'vitest/config';
import { testIsolation } from './test/isolation.js';

const { shared, isolated } = testIsolation(fileURLToPath(new URL('.', import.meta.url)));

export default defineConfig({
  // Compiles the UI's .svelte components and .svelte.ts rune modules for its tests (server rendering in node).
  plugins: [svelte()],
  test: {
    globalSetup: ['test/global-setup.ts'],
    exclude: ['node_modules/**', 'dist/**', 'ui/dist/**'],
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // expect.poll waits for a page or a server to catch up; vitest's 1 s default failed a Chromium test under CI's
    // load (stop 37: the session timeline's rows came after the poll gave up). It returns as soon as it holds.
    expect: { poll: { timeout: 15_000 } },
    projects: [
      // Files that leave nothing behind in their process run one after another in long-lived workers.
      { extends: true, test: { name: 'shared', include: shared, isolate: false } },
      // The rest (the embedded ClickHouse is one engine per process) each get a process of their own.
      { extends: true, test: { name: 'isolated', include: isolated } },
    ],
  },
});
