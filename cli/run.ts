import type { WardEnv } from './env.js';

/** `ward run [options] -- AGENT ARGS…`: a whole agent in one sandbox, with the terminal passed through. */
export async function main(args: string[], env: WardEnv): Promise<number> {
  const { runSandboxCommand } = await import('./sandbox-command.js');
  return runSandboxCommand('run', args, env);
}
