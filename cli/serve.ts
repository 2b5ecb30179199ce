import type { WardEnv } from './env.js';

/** `ward serve` — placeholder until its issue lands. */
export async function main(_args: string[], _env: WardEnv): Promise<number> {
  process.stderr.write('ward serve: not available in this build yet\n');
  return 2;
}
