import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { inert } from '../schema/fast.js';
import { parseCommandArgs } from './args.js';
import type { WardEnv } from './env.js';

const DOCTOR_USAGE = 'usage: ward doctor [--server URL] [--project DIR] [--codex-command CMD]\n';

/**
 * `ward doctor [--server URL]`: checks that this machine can sandbox, that the runner can reach its server
 * with a working token, and that each agent's Ward hook (if installed) really runs; prints the exact fix for
 * each failure.
 */
export async function main(args: string[], env: WardEnv): Promise<number> {
  let server: string;
  let project: string;
  let codexCommand: string;
  try {
    const { values } = parseCommandArgs(args, {
      server: { type: 'string' },
      project: { type: 'string' },
      'codex-command': { type: 'string' },
    });
    server = values.server ?? env.server ?? 'http://127.0.0.1:4318';
    project = resolve(values.project ?? '.');
    codexCommand = values['codex-command'] ?? 'codex';
  } catch (err) {
    process.stderr.write(`ward doctor: ${(err as Error).message}\n${DOCTOR_USAGE}`);
    return 2;
  }
  const { runDoctorChecks, checkServer, checkAgentHooks } = await import('../sandbox-runner/index.js');
  const checks = [
    ...(await runDoctorChecks({
      platform: process.platform,
      home: env.home,
      processEnv: env.processEnv,
      loadNetwork: () => import('../sandbox-runner/index.js'),
    })),
    ...(await checkServer({ server, token: env.token })),
    ...(await checkAgentHooks({
      home: env.home,
      project,
      processEnv: env.processEnv,
      codexCommand,
      ward: { entry: wardEntry(), node: process.execPath },
    })),
  ];
  for (const c of checks) {
    const mark = c.ok ? 'ok  ' : c.severity === 'required' ? 'FAIL' : 'warn';
    process.stdout.write(`${mark} ${c.name.padEnd(16)} ${inert(c.detail)}\n`);
    if (!c.ok && c.fix) process.stdout.write(`     ${''.padEnd(16)} fix: ${inert(c.fix)}\n`);
  }
  const failed = checks.filter((c) => !c.ok && c.severity === 'required');
  process.stdout.write(
    failed.length
      ? `\n${failed.length} required check(s) failed: Ward will refuse to run commands.\n`
      : '\nWard can sandbox commands here.\n',
  );
  return failed.length ? 1 : 0;
}

/**
 * This Ward's entry script, what `ward install` has hooks run: bin/ward.mjs in the nearest directory above this
 * module that has one (the bundle runs from dist/cli or dist/chunks, the sources from cli/).
 */
function wardEntry(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  for (let dir = here; dirname(dir) !== dir; dir = dirname(dir)) {
    const entry = join(dir, 'bin', 'ward.mjs');
    if (existsSync(entry)) return entry;
  }
  return join(here, 'bin', 'ward.mjs');
}
