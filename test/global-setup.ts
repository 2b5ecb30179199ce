import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';
import { buildStoreTemplate } from './helpers/store-template-build.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The migrated data dir test stores are copied from (test/helpers/store-template.ts). */
    wardStoreTemplate: string;
  }
}

/**
 * Builds dist/ once before any test file runs (tests that spawn the `ward` CLI use the built bundle), then the
 * migrated store the tests' stores are copied from.
 */
export default async function setup(project: TestProject): Promise<() => void> {
  const root = fileURLToPath(new URL('..', import.meta.url));
  execFileSync(process.execPath, ['scripts/build.mjs'], { cwd: root, stdio: 'inherit' });
  const template = await buildStoreTemplate(root);
  project.provide('wardStoreTemplate', template);
  return () => rmSync(dirname(template), { recursive: true, force: true });
}
