// Bundles the CLI and benchmarks with esbuild (ESM, code-split so subcommands load lazily).
// npm packages stay external: they resolve from node_modules at run time.
import { readdirSync, existsSync } from 'node:fs';
import { build } from 'esbuild';

const benches = existsSync('bench')
  ? readdirSync('bench').filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts')).map((f) => `bench/${f}`)
  : [];

await build({
  entryPoints: ['cli/ward.ts', ...benches],
  outdir: 'dist',
  outbase: '.',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  packages: 'external',
  sourcemap: 'linked',
  logLevel: 'warning',
  chunkNames: 'chunks/[name]-[hash]',
});
