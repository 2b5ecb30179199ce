import type { WardEnv } from './env.js';

/** `ward doctor`: checks that this machine can sandbox and prints the exact fix for each failure. */
export async function main(_args: string[], env: WardEnv): Promise<number> {
  const { runDoctorChecks } = await import('../sandbox-runner/doctor/checks.js');
  const checks = await runDoctorChecks({
    platform: process.platform,
    home: env.home,
    processEnv: env.processEnv,
    loadNetwork: () => import('../sandbox-runner/network/index.js'),
  });
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
