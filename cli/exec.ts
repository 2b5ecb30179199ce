import type { WardEnv } from './env.js';

/** `ward exec [options] -- CMD ARGS…`: one command in the sandbox, reported as a span. */
export async function main(args: string[], env: WardEnv): Promise<number> {
  const { runSandboxCommand } = await import('./sandbox-command.js');
  return runSandboxCommand('exec', args, env);
}
