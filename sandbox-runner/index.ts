/**
 * Public surface of the sandbox runner (the CLI, the approval gate and the hooks import from here).
 * zod is not loaded until a policy file is parsed; the zod schema itself is ./policy/sandbox-policy.ts.
 */
export { DEFAULT_LIMITS, defaultSandboxPolicy, withOverrides } from './policy/defaults.js';
export { loadSandboxPolicyFile, PolicyError, parseSandboxSection } from './policy/load-policy.js';
export type { SandboxLimits, SandboxPolicy, SandboxPolicyInput } from './policy/sandbox-policy.js';
export {
  createRunner,
  type KilledBy,
  type Runner,
  type RunnerDeps,
  type RunOptions,
  type RunResult,
} from './runner.js';
export type { FileChange } from './sandbox/file-snapshot.js';
export { type SandboxLayout, SandboxSetupError } from './sandbox/layout.js';
export type { NetworkPort } from './sandbox/network-port.js';
export type { SandboxViolation, ViolationKind } from './sandbox/violations.js';
