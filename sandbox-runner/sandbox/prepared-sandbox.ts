import type { SandboxLimits } from '../../gate/fast.js';
import type { SandboxLayout } from './layout.js';
import type { CgroupUsage } from './linux/cgroup.js';
import { prepareLinuxSandbox } from './linux/linux-sandbox.js';

/** A command ready to spawn: full argv and the bytes for its extra fds (3, 4, …; 4, 5, … with startMarker). */
export interface WrappedCommand {
  argv: string[];
  fdData: Buffer[];
  /** fd 3 is a pipe the sandbox writes one byte to once it is set up, just before the command starts. */
  startMarker?: boolean;
  /** How this command's limits are enforced (ward.limits_by): a cgroup that failed to come up says so. */
  limitsBy: string;
  /** Called once the command is over (also after a kill): frees its cgroup and says what the cgroup saw. */
  release?(): Promise<CgroupUsage>;
}

/** What the network proxy adds inside the sandbox (see network-port.ts). */
export interface SandboxNetwork {
  bwrapArgs: string[];
  env: Record<string, string>;
  wrapCommand(argv: string[]): string[];
}

/** A sandbox prepared once per runner; wrap() is cheap and called per command. */
export interface PreparedSandbox {
  platform: NodeJS.Platform;
  /** How resource limits are enforced here, for doctor and telemetry. */
  limitsBy: string;
  wrap(argv: string[], cwd: string, net: SandboxNetwork | undefined): WrappedCommand;
  /** Frees what the sandbox holds across commands. */
  close(): void;
}

/** The one platform switch: Linux uses bubblewrap; every other platform throws (Ward fails closed). */
export function prepareSandbox(
  platform: NodeJS.Platform,
  layout: SandboxLayout,
  limits: SandboxLimits,
  opts: { bwrapPath?: string; useCgroup?: boolean } = {},
): PreparedSandbox {
  switch (platform) {
    case 'linux':
      return prepareLinuxSandbox(layout, limits, opts);
    default:
      throw new Error(`Ward's sandbox supports Linux only (this is ${platform}); nothing was run`);
  }
}
