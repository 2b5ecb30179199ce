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

/** What the run prepares once, however many projects call this setup. */
interface Prepared {
  template: Promise<string>;
  users: number;
}
const PREPARED = Symbol.for('ward.test.global-setup');

/** Builds dist/ (tests that spawn the `ward` CLI use the built bundle), then the store template. */
async function prepare(root: string): Promise<string> {
  execFileSync(process.execPath, ['scripts/build.mjs'], { cwd: root, stdio: 'inherit' });
  return buildStoreTemplate(root);
}

/**
 * Runs before any test file. vitest calls it for the root config and again for each project that extends it
 * (three times here), all in its own process: the work is done once and handed to each project.
 */
export default async function setup(project: TestProject): Promise<() => void> {
  const root = fileURLToPath(new URL('..', import.meta.url));
  const g = globalThis as typeof globalThis & { [PREPARED]?: Prepared };
  const prepared = g[PREPARED] ?? { template: prepare(root), users: 0 };
  g[PREPARED] = prepared;
  prepared.users++;
  const template = await prepared.template;
  project.provide('wardStoreTemplate', template);
  return () => {
    if (--prepared.users === 0) rmSync(dirname(template), { recursive: true, force: true });
  };
}
