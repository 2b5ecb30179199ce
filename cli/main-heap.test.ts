import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAIN_HEAP_NODE_ARGS } from './main-heap.js';

const ROOT = join(import.meta.dirname, '..');

describe('the main thread heap floor', () => {
  it('is what npm start and the ward launcher give node', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
      scripts: { start: string };
    };
    expect(pkg.scripts.start).toContain(`node ${MAIN_HEAP_NODE_ARGS.join(' ')} bin/ward.mjs serve`);
    const shebang = readFileSync(join(ROOT, 'bin', 'ward.mjs'), 'utf8').split('\n')[0];
    expect(shebang).toBe(`#!/usr/bin/env -S node ${MAIN_HEAP_NODE_ARGS.join(' ')}`);
  });

  describe('is not passed on to worker threads', () => {
    let dir: string;
    let script: string;
    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'ward-main-heap-'));
      const entry = join(dir, 'entry.ts');
      // A worker that keeps promoting garbage (as a busy ingest worker can) counts its full collections: with the
      // floor it would wait for ~96 MiB of old generation before each (measured: 9-10 without it, 5 with it).
      writeFileSync(
        entry,
        `import { Worker } from 'node:worker_threads';
import { keepWorkerHeapsDefault } from ${JSON.stringify(join(ROOT, 'cli', 'main-heap.ts'))};
if (process.argv[2] === 'reset') keepWorkerHeapsDefault();
const code = \`
const { parentPort } = require('node:worker_threads');
const { constants, PerformanceObserver } = require('node:perf_hooks');
let majors = 0;
new PerformanceObserver((l) => {
  for (const e of l.getEntries()) if (e.detail?.kind === constants.NODE_PERFORMANCE_GC_MAJOR) majors++;
}).observe({ entryTypes: ['gc'] });
const keep = [];
for (let i = 0; i < 600; i++) {
  const a = [];
  for (let j = 0; j < 20000; j++) a.push({ j, s: 'x' + j });
  keep.push(a);
  if (keep.length > 3) keep.shift();
}
setTimeout(() => parentPort.postMessage(majors), 50);
\`;
new Worker(code, { eval: true }).once('message', (m) => {
  process.stdout.write(String(m));
  process.exit(0);
});
`,
      );
      script = join(dir, 'entry.mjs');
      await build({
        entryPoints: [entry],
        bundle: true,
        platform: 'node',
        format: 'esm',
        outfile: script,
        logLevel: 'warning',
      });
    });
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    const majors = (args: string[], mode: string) =>
      Number(execFileSync(process.execPath, [...args, script, mode], { encoding: 'utf8', timeout: 60_000 }));

    it('a worker started after keepWorkerHeapsDefault collects as often as without the flag', () => {
      const withoutFlag = majors([], 'reset');
      const reset = majors([...MAIN_HEAP_NODE_ARGS], 'reset');
      const kept = majors([...MAIN_HEAP_NODE_ARGS], 'keep');
      // The floor, left in place, visibly spaces a worker's collections out; unset, the worker is back to V8's own.
      expect(kept).toBeLessThan(withoutFlag * 0.75);
      expect(reset).toBeGreaterThanOrEqual(withoutFlag * 0.75);
    });
  });
});
