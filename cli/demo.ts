import { parseCommandArgs } from './args.js';
import type { WardEnv } from './env.js';

/** `ward demo [--server URL] [--token T] [--seed N]`: realistic agent sessions sent over OTLP. */
export async function main(args: string[], env: WardEnv): Promise<number> {
  const { values } = parseCommandArgs(args, {
    server: { type: 'string' },
    token: { type: 'string' },
    seed: { type: 'string' },
  });
  const server = values.server ?? env.server ?? 'http://127.0.0.1:4318';
  const seed = values.seed === undefined ? undefined : Number(values.seed);
  if (seed !== undefined && (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff)) {
    process.stderr.write(`ward demo: --seed must be an integer 0..4294967295, got '${values.seed}'\n`);
    return 2;
  }
  try {
    new URL(server);
  } catch {
    process.stderr.write(`ward demo: --server must be a URL like http://127.0.0.1:4318, got '${server}'\n`);
    return 2;
  }
  const { runDemo, formatDemoSummary } = await import('../demo/index.js');
  try {
    const result = await runDemo({ server, token: values.token ?? env.token ?? env.adminToken, seed });
    process.stdout.write(formatDemoSummary(result, server));
    return 0;
  } catch (err) {
    process.stderr.write(`ward demo: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
}
