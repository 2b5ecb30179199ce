// Bundles the CLI and benchmarks with esbuild (ESM, code-split so subcommands load lazily).
// npm packages stay external (resolved from node_modules at run time), except the few BUNDLED below.
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
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
  // The gate, analysis, ingest and engine workers are their own entries: worker threads load a file, not a chunk of the CLI.
  entryPoints: [
    'cli/ward.ts',
    'cli/gate-thread.ts',
    'analyzer/facts-thread.ts',
    'collector/ingest/prepare-worker.ts',
    'store/engine/worker.ts',
    ...benches,
  ],
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
  plugins: [zodEnglishOnly()],
});

/**
 * Zod's namespace re-exports every locale's error messages (~440 KB of its ~750 KB in the bundle), which each
 * `ward hook` process would parse at start. Ward sets no locale: the bundle keeps English, zod's default.
 */
function zodEnglishOnly() {
  return {
    name: 'zod-english-only',
    setup(b) {
      b.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) =>
        /[\\/]node_modules[\\/]zod[\\/]v4[\\/](?:classic|core)$/.test(args.resolveDir)
          ? { path: join(args.resolveDir, '..', 'locales', 'en-only.js'), namespace: 'zod-locales' }
          : undefined,
      );
      b.onLoad({ filter: /.*/, namespace: 'zod-locales' }, (args) => ({
        contents: `export { default as en } from ${JSON.stringify(join(dirname(args.path), 'en.js'))};`,
        resolveDir: dirname(args.path),
      }));
    },
  };
}

// The web UI (Svelte + Vite) into ui/dist, which `ward serve` serves at `/`. Skipped when nothing under ui/
// changed since the last build (a stamp of the sources' hash): test runs rebuild dist/ often.
await buildUi();

async function buildUi() {
  const { createHash } = await import('node:crypto');
  const { writeFileSync } = await import('node:fs');
  const hash = createHash('sha256');
  const walk = (dir) => {
    for (const name of readdirSync(dir, { withFileTypes: true }).sort((a, b) =>
      a.name.localeCompare(b.name),
    )) {
      if (name.name === 'dist' || name.name === 'node_modules' || name.name.endsWith('.test.ts')) continue;
      const full = join(dir, name.name);
      if (name.isDirectory()) walk(full);
      else hash.update(full).update(readFileSync(full));
    }
  };
  walk('ui');
  hash.update(
    JSON.parse(readFileSync('package-lock.json', 'utf8')).packages?.['node_modules/svelte']?.version ?? '',
  );
  const stamp = hash.digest('hex');
  const stampFile = 'ui/dist/.build-stamp';
  if (existsSync(stampFile) && readFileSync(stampFile, 'utf8') === stamp) return;
  const { build: viteBuild } = await import('vite');
  await viteBuild({ configFile: 'ui/vite.config.ts', logLevel: 'warn' });
  writeFileSync(stampFile, stamp);
}
