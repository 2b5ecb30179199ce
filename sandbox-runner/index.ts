/**
 * Public surface of the sandbox runner (the CLI, the approval gate and the hooks import from here).
 * The sandbox policy (schema, defaults) belongs to the gate's policy: gate/policy/sandbox-policy.ts.
 */
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
