// Sandbox start-up cost: /bin/true bare, raw bwrap, `ward exec` cold, the resident runner warm, and peers.
// Run with `npm run bench:sandbox`. A peer that cannot run here prints why instead of a number.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultSandboxPolicy } from '../gate/fast.js';
import { createRunner } from '../sandbox-runner/index.js';
import { percentile } from './lib/stats.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BIN = join(ROOT, 'node_modules/.bin');
const N = Number(process.argv[2] ?? 30);

function exec(argv: string[], cwd: string): Promise<number | null> {
  return new Promise((resolve) => {
    const c = spawn(argv[0]!, argv.slice(1), { cwd, stdio: 'ignore' });
    c.on('error', () => resolve(-1));
    c.on('close', resolve);
  });
}

async function timeIt(fn: () => Promise<unknown>): Promise<{ median: number; p95: number }> {
  await fn();
  const ts: number[] = [];
  for (let i = 0; i < N; i++) {
    const t = performance.now();
    await fn();
    ts.push(performance.now() - t);
  }
  return { median: percentile(ts, 50), p95: percentile(ts, 95) };
}

/** Checks a command works once; returns why not otherwise. */
function probe(argv: string[], cwd: string): string | undefined {
  const r = spawnSync(argv[0]!, argv.slice(1), { cwd, encoding: 'utf8', timeout: 30_000 });
  if (r.error) return r.error.message;
  if (r.status !== 0) return (r.stderr || r.stdout || `exit ${r.status}`).trim().split('\n').slice(-1)[0];
  return undefined;
}

const ws = mkdtempSync('/tmp/ward-bench-');
const rows: { name: string; median?: number; p95?: number; why?: string }[] = [];
const add = async (name: string, argv: string[] | (() => Promise<unknown>)) => {
  if (Array.isArray(argv)) {
    const why = probe(argv, ws);
    if (why) return rows.push({ name, why });
    return rows.push({ name, ...(await timeIt(() => exec(argv, ws))) });
  }
  try {
    return rows.push({ name, ...(await timeIt(argv)) });
  } catch (err) {
    return rows.push({ name, why: (err as Error).message });
  }
};

await add('bare /bin/true', ['/bin/true']);
await add('raw bwrap (minimal)', [
  '/usr/bin/bwrap',
  '--ro-bind',
  '/',
  '/',
  '--dev',
  '/dev',
  '--proc',
  '/proc',
  '--unshare-all',
  '--',
  '/bin/true',
]);
await add('node -e 0', [process.execPath, '-e', '0']);
await add('ward exec (cold CLI)', [process.execPath, join(ROOT, 'bin/ward.mjs'), 'exec', '--', '/bin/true']);
const runner = createRunner(defaultSandboxPolicy(), {
  cwd: ws,
  home: process.env.HOME ?? '/root',
  processEnv: process.env,
});
await add('ward runner (warm)', async () => {
  const r = await runner.run(['/bin/true']);
  if (r.exitCode !== 0) throw new Error(`exit ${r.exitCode}: ${r.stderr}`);
});
await runner.close();
const noFiles = createRunner(
  { ...defaultSandboxPolicy(), trackFiles: false },
  { cwd: ws, home: process.env.HOME ?? '/root', processEnv: process.env },
);
await add('ward runner (warm, no file tracking)', () => noFiles.run(['/bin/true']));
await noFiles.close();

await add('srt CLI (@anthropic-ai/sandbox-runtime)', [join(BIN, 'srt'), '/bin/true']);
try {
  const { SandboxManager } = await import('@anthropic-ai/sandbox-runtime');
  await SandboxManager.initialize({
    network: { allowedDomains: [], deniedDomains: [] },
    filesystem: { denyRead: [], allowWrite: [ws], denyWrite: [] },
  });
  await add('srt library (warm)', async () => {
    const cmd = await SandboxManager.wrapWithSandbox('/bin/true');
    if ((await exec(['/bin/sh', '-c', cmd], ws)) !== 0) throw new Error('wrapped command failed');
  });
  await SandboxManager.reset();
} catch (err) {
  rows.push({ name: 'srt library (warm)', why: (err as Error).message.split('\n')[0] });
}
await add('codex sandbox (@openai/codex)', [join(BIN, 'codex'), 'sandbox', '--', '/bin/true']);
rmSync(ws, { recursive: true, force: true });

const base = rows.find((r) => r.name === 'raw bwrap (minimal)')?.median;
process.stdout.write(`sandbox start-up, ${N} runs each (ms)\n`);
for (const r of rows) {
  if (r.median === undefined) {
    process.stdout.write(`  ${r.name.padEnd(40)} not run: ${r.why}\n`);
    continue;
  }
  const ratio = base ? ` ${(r.median / base).toFixed(1)}x raw bwrap` : '';
  process.stdout.write(
    `  ${r.name.padEnd(40)} median ${r.median.toFixed(1).padStart(7)}  p95 ${r.p95!.toFixed(1).padStart(7)} ${ratio}\n`,
  );
}
process.stdout.write('targets: warm <= 15 ms median, cold CLI <= 150 ms\n');
if (!existsSync(join(ROOT, 'dist/cli/ward.js'))) process.stdout.write('(dist missing: run npm run build)\n');
