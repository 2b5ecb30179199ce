import type { WardEnv } from './env.js';

/** `ward run` — placeholder until its issue lands. */
export async function main(_args: string[], _env: WardEnv): Promise<number> {
  process.stderr.write('ward run: not available in this build yet\n');
  return 2;
}
