import { accessSync, constants, readFileSync } from 'node:fs';
import type { SandboxLimits } from '../../../gate/fast.js';
import type { SandboxLayout } from '../layout.js';
import { SandboxSetupError } from '../layout.js';
import { PRLIMIT_PATH, rlimitPrefix } from '../limits.js';
import type { PreparedSandbox, WrappedCommand } from '../prepared-sandbox.js';
import { bwrapArgs, homeCopySources } from './bwrap-args.js';
import { createSandboxCgroup, type SandboxCgroup } from './cgroup.js';
import { describeLimits, detectCgroupPlan, PROCESSES_UNBOUNDED, SHARED_UNBOUNDED } from './cgroup-detect.js';
import { buildSeccompFilter } from './seccomp-bpf.js';

export const DEFAULT_BWRAP_PATH = '/usr/bin/bwrap';
/** Written once the sandbox is set up (see STARTED); the seccomp program and the home copies follow it. */
const STARTED_FD = 3;
const SECCOMP_FD = 4;
/**
 * Inside the sandbox, before the command: one byte on fd 3, which is then closed, so the command neither holds
 * it nor can take back that it started. Without the byte Ward knows bwrap failed before anything ran; a
 * command printing "bwrap: …" first cannot pass its run off as a setup failure (no span, "nothing was run").
 */
const STARTED = [
  '/bin/sh',
  '-c',
  `printf . >&${STARTED_FD} && exec ${STARTED_FD}>&- && exec "$@"`,
  'ward-started',
];

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * Linux: bubblewrap + seccomp + rlimits, and (when this process may create one) a cgroup per command that
 * bounds the memory, swap and processes of everything the command starts, together.
 */
export function prepareLinuxSandbox(
  layout: SandboxLayout,
  limits: SandboxLimits,
  opts: { bwrapPath?: string; useCgroup?: boolean } = {},
): PreparedSandbox {
  const bwrap = opts.bwrapPath ?? DEFAULT_BWRAP_PATH;
  if (!executable(bwrap)) {
    throw new SandboxSetupError(
      `bubblewrap not found at ${bwrap}; refusing to run unsandboxed. Install it (Debian/Ubuntu: sudo apt-get install bubblewrap) and run \`ward doctor\``,
    );
  }
  if (!executable(PRLIMIT_PATH)) {
    throw new SandboxSetupError(`${PRLIMIT_PATH} not found (needed for resource limits); install util-linux`);
  }
  const seccomp = buildSeccompFilter();
  const prefix = [
    bwrap,
    ...bwrapArgs(layout, {
      seccompFd: SECCOMP_FD,
      firstCopyFd: SECCOMP_FD + 1,
      memoryBytes: limits.memoryMb * 1024 * 1024,
    }),
  ];
  const copySources = homeCopySources(layout);
  const limitArgv = rlimitPrefix(limits);
  const plan = opts.useCgroup === false ? undefined : detectCgroupPlan();
  const limitsBy = describeLimits(plan);
  return {
    platform: 'linux',
    limitsBy,
    wrap(argv, cwd, net): WrappedCommand {
      // A group per command: its limit is the command's alone, and its OOM count and peak are this run's.
      let cgroup: SandboxCgroup | undefined;
      let by = limitsBy;
      try {
        cgroup = plan ? createSandboxCgroup(plan, limits) : undefined;
      } catch (err) {
        const root = process.getuid?.() === 0 ? `; ${PROCESSES_UNBOUNDED}` : '';
        by = `rlimits (memory per process only: the cgroup could not be made: ${(err as Error).message}; ${SHARED_UNBOUNDED}${root})`;
      }
      const inner = [...STARTED, ...limitArgv, ...(net ? net.wrapCommand(argv) : argv)];
      const views = [...(net?.bwrapArgs ?? []), ...(cgroup?.bwrapArgs ?? [])];
      const outer = [...prefix, ...views, '--chdir', cwd, '--', ...inner];
      // The copies are read now, so each command starts from the agent's current state.
      const copies = copySources.map(readOrEmpty);
      return {
        argv: cgroup ? cgroup.wrap(outer) : outer,
        fdData: [seccomp, ...copies],
        startMarker: true,
        limitsBy: by,
        ...(cgroup ? { release: () => cgroup.release() } : {}),
      };
    },
    close() {},
  };
}

function readOrEmpty(path: string): Buffer {
  try {
    return readFileSync(path);
  } catch {
    return Buffer.alloc(0);
  }
}
