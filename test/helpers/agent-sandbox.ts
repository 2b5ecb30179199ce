import { copyFileSync, existsSync, linkSync, mkdirSync, realpathSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { defaultSandboxPolicy, withOverrides } from '../../gate/fast.js';
import * as network from '../../sandbox-runner/network/index.js';
import { createRunner } from '../../sandbox-runner/runner.js';
import { BIN, ROOT } from './agent-cli.js';

/** A home and a project, as the real-agent sandbox tests lay them out. */
export interface AgentDirs {
  home: string;
  project: string;
}

/**
 * One command in a `ward run <agent>`-style runner: the agent's home profile, the environment a user's policy
 * passes (`env`, by name), network only to the fake model's port.
 */
export async function inSandbox(
  s: AgentDirs,
  agent: string,
  argv: string[],
  opts: { env?: Record<string, string>; modelPort?: number } = {},
) {
  const env = {
    PATH: `${dirname(process.execPath)}:/usr/local/bin:/usr/bin:/bin`,
    LANG: 'C.UTF-8',
    HOME: s.home,
  };
  const policy = {
    ...withOverrides(defaultSandboxPolicy(), {
      allowNet: opts.modelPort ? [`127.0.0.1:${opts.modelPort}`] : [],
    }),
    env: Object.keys(opts.env ?? {}),
  };
  const runner = createRunner(policy, {
    cwd: s.project,
    home: s.home,
    processEnv: { ...env, ...opts.env },
    agent,
    ...(opts.modelPort ? { network } : {}),
  });
  try {
    return await runner.run(argv);
  } finally {
    await runner.close();
  }
}

export const portOf = (url: string) => Number(new URL(url).port);

/**
 * `real` where the sandbox can run it. The sandbox has a private /tmp, and a checkout (or its node_modules) may
 * live under /tmp (`git clone . /tmp/fresh`): then it is linked into the project, which the sandbox shows.
 */
function visible(project: string, real: string, name: string): string {
  if (!real.startsWith(`${realpathSync(tmpdir())}/`)) return real;
  const dir = join(project, '.test-bin');
  mkdirSync(dir, { recursive: true });
  const to = join(dir, name);
  if (!existsSync(to)) {
    try {
      linkSync(real, to);
    } catch {
      copyFileSync(real, to);
    }
  }
  return to;
}

/** The Claude Code CLI where the sandbox can run it. */
export const visibleClaude = (project: string) =>
  visible(project, realpathSync(join(BIN, 'claude')), 'claude');

/** The Codex CLI where the sandbox can run it: its launcher, or (under /tmp) the native binary it starts. */
export function visibleCodex(project: string): string {
  const launcher = realpathSync(join(BIN, 'codex'));
  if (!launcher.startsWith(`${realpathSync(tmpdir())}/`)) return launcher;
  const [pkg, triple] = process.arch === 'arm64' ? ['arm64', 'aarch64'] : ['x64', 'x86_64'];
  const vendor = join(ROOT, 'node_modules', '@openai', `codex-linux-${pkg}`, 'vendor');
  return visible(
    project,
    realpathSync(join(vendor, `${triple}-unknown-linux-musl`, 'bin', 'codex')),
    'codex',
  );
}
