// Bundles the CLI and benchmarks with esbuild (ESM, code-split so subcommands load lazily).
// npm packages stay external (resolved from node_modules at run time), except the few BUNDLED below.
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { build } from 'esbuild';

const benches = existsSync('bench')
  ? readdirSync('bench')
      .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
      .map((f) => `bench/${f}`)
  : [];

// Bundled in instead of external: pure-ESM libraries the hook's start-up path loads. One bundled file
// loads about twice as fast as a many-module ESM graph (bench:hook), and the hook's whole budget is
// process start plus imports.
const BUNDLED = new Set(['zod']);
const pkg = JSON.parse(readFileSync('package.json', 'utf8'));
const external = [...Object.keys(pkg.dependencies ?? {}), ...Object.keys(pkg.devDependencies ?? {})]
  .filter((name) => !BUNDLED.has(name))
  .flatMap((name) => [name, `${name}/*`]);

// Start clean: code-split chunk names change with their content, and stale ones would pile up.
rmSync('dist', { recursive: true, force: true });

await build({
  // The ingest worker is its own entry: worker threads load a file, not a chunk of the CLI.
  entryPoints: ['cli/ward.ts', 'collector/ingest/prepare-worker.ts', ...benches],
  outdir: 'dist',
  outbase: '.',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  external,
  sourcemap: 'linked',
  logLevel: 'warning',
  chunkNames: 'chunks/[name]-[hash]',
});
