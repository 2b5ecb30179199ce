import type { SandboxPolicyInput } from './sandbox-policy.js';
import type { Mode } from './schema.js';

/** Owner and mode bits of a policy file, from an fstat of the descriptor it was read through. */
export interface FileOwnership {
  uid: number;
  mode: number;
}

/**
 * Whether a project policy may relax what the org and user policies allow. The project file lives in the
 * workspace, which the agent can write; it counts only when this OS user (the agent's) cannot have written
 * it: owned by another user, not writable by group or others, and this user is not root (root writes
 * anything). The check uses the descriptor the file was read through, so a swap after the check is moot.
 */
export function projectPolicyTrusted(file: FileOwnership, currentUid: number): boolean {
  return currentUid !== 0 && currentUid >= 0 && file.uid !== currentUid && (file.mode & 0o022) === 0;
}

const MODE_STRICTNESS: Record<Mode, number> = { autonomous: 0, balanced: 1, strict: 2, ci: 2 };

/** True when `next` is at least as strict as `current` (an untrusted layer may only move this way). */
export function modeNotLooser(current: Mode, next: Mode): boolean {
  return MODE_STRICTNESS[next] >= MODE_STRICTNESS[current];
}

/** The parts of a `sandbox:` section that only take away (hide, make read-only, lower limits); the rest relaxes. */
export function tighteningSandbox(section: SandboxPolicyInput): {
  kept: SandboxPolicyInput;
  dropped: string[];
} {
  const kept: SandboxPolicyInput = {};
  if (section.hidden) kept.hidden = section.hidden;
  if (section.readOnly) kept.readOnly = section.readOnly;
  if (section.trackFiles !== undefined) kept.trackFiles = section.trackFiles;
  // Limits stay: the merge only lets this layer lower them (tightenOnly).
  if (section.limits) kept.limits = section.limits;
  const dropped = Object.keys(section).filter(
    (k) => !['hidden', 'readOnly', 'trackFiles', 'limits'].includes(k),
  );
  return { kept, dropped };
}
