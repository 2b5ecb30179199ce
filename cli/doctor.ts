import { parseCommandArgs } from './args.js';
import type { WardEnv } from './env.js';

/**
 * `ward doctor [--server URL]`: checks that this machine can sandbox, and that the runner can reach its
 * server with a working token, and prints the exact fix for each failure.
 */
export async function main(args: string[], env: WardEnv): Promise<number> {
  let server: string;
  try {
    const { values } = parseCommandArgs(args, { server: { type: 'string' } });
    server = values.server ?? env.server ?? 'http://127.0.0.1:4318';
  } catch (err) {
    process.stderr.write(`ward doctor: ${(err as Error).message}\nusage: ward doctor [--server URL]\n`);
    return 2;
  }
  const [{ runDoctorChecks }, { checkServer }] = await Promise.all([
    import('../sandbox-runner/index.js'),
    import('../sandbox-runner/index.js'),
  ]);
  const checks = [
    ...(await runDoctorChecks({
      platform: process.platform,
      home: env.home,
      processEnv: env.processEnv,
      loadNetwork: () => import('../sandbox-runner/index.js'),
    })),
    ...(await checkServer({ server, token: env.token })),
  ];
  for (const c of checks) {
    const mark = c.ok ? 'ok  ' : c.severity === 'required' ? 'FAIL' : 'warn';
    process.stdout.write(`${mark} ${c.name.padEnd(16)} ${c.detail}\n`);
    if (!c.ok && c.fix) process.stdout.write(`     ${''.padEnd(16)} fix: ${c.fix}\n`);
  }
  const failed = checks.filter((c) => !c.ok && c.severity === 'required');
  process.stdout.write(
    failed.length
      ? `\n${failed.length} required check(s) failed: Ward will refuse to run commands.\n`
      : '\nWard can sandbox commands here.\n',
  );
  return failed.length ? 1 : 0;
}
