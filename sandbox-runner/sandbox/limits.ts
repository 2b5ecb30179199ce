import type { SandboxLimits } from '../../gate/fast.js';

/** util-linux prlimit: sets soft = hard, so a command without CAP_SYS_RESOURCE cannot raise them. */
export const PRLIMIT_PATH = '/usr/bin/prlimit';

const MIB = 1024 * 1024;

/**
 * The argv prefix that applies the rlimits inside the sandbox. It runs after bwrap created the sandbox's
 * user namespace, so RLIMIT_NPROC counts only the sandbox's processes, not every process of the host user.
 */
export function rlimitPrefix(limits: SandboxLimits, prlimitPath = PRLIMIT_PATH): string[] {
  return [
    prlimitPath,
    `--cpu=${limits.cpuS}`,
    `--data=${limits.memoryMb * MIB}`,
    `--nproc=${limits.processes}`,
    `--fsize=${limits.fileSizeMb * MIB}`,
    '--core=0',
    '--',
  ];
}
