import type { SandboxPolicy } from './sandbox-policy.js';

/** Default limits; the zod schema's defaults come from here too (one source of truth). */
export const DEFAULT_LIMITS = {
  timeoutS: 600,
  cpuS: 600,
  memoryMb: 4096,
  processes: 512,
  fileSizeMb: 4096,
} as const;

/**
 * The default policy (cwd workspace, no network, built-in hidden paths and limits) without loading zod,
 * so `ward exec` without --policy starts fast. Equal to SandboxPolicy.parse({}) (tested).
 */
export function defaultSandboxPolicy(): SandboxPolicy {
  return {
    writable: [],
    hidden: [],
    readOnly: [],
    env: [],
    allowNet: [],
    trackFiles: true,
    home: { readOnly: [], writable: [], agentCredentials: false },
    limits: { ...DEFAULT_LIMITS },
  };
}

/** Applies command-line overrides to a validated policy. */
export function withOverrides(
  policy: SandboxPolicy,
  o: { workspace?: string; allowNet?: string[]; limits?: Partial<SandboxPolicy['limits']> },
): SandboxPolicy {
  return {
    ...policy,
    ...(o.workspace ? { workspace: o.workspace } : {}),
    allowNet: [...new Set([...policy.allowNet, ...(o.allowNet ?? [])])],
    limits: { ...policy.limits, ...o.limits },
  };
}
