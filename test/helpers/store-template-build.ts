/** Makes the run's store template (test/helpers/store-template.ts) in a process of its own. */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';

/** Builds the template with the built engine worker (dist/); returns its data dir. */
export async function buildStoreTemplate(root: string): Promise<string> {
  const work = mkdtempSync(join(tmpdir(), 'ward-store-template-'));
  // Bundled beside the project's node_modules, so its packages resolve as they do for the tests.
  const outdir = join(root, 'node_modules', '.cache', 'ward-test');
  mkdirSync(outdir, { recursive: true });
  const script = join(outdir, 'store-template-main.mjs');
  await build({
    entryPoints: [join(root, 'test', 'helpers', 'store-template-main.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    outfile: script,
    logLevel: 'warning',
  });
  const dataDir = join(work, 'data');
  execFileSync(process.execPath, [script, dataDir, join(root, 'dist', 'store', 'engine', 'worker.js')], {
    stdio: 'inherit',
    timeout: 120_000,
  });
  return dataDir;
}
