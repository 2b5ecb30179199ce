/**
 * Public surface of the sandbox runner: the sandbox, the network proxy, the doctor, hook installers, and
 * (through ./fast.ts) the approval flow and agent hooks. The sandbox policy belongs to the gate (gate/).
 */
export { type Check, type DoctorDeps, runDoctorChecks } from './doctor/checks.js';
export { CLAUDE_SETTINGS, claudeSettingsProblem } from './doctor/claude-settings.js';
export {
  type Fields,
  isOneOf,
  type Kind,
  mismatch,
  type ScalarName,
} from './doctor/claude-settings-kinds.js';
export { checkAgentHooks, type HookCheckDeps } from './doctor/hook-checks.js';
export { checkServer } from './doctor/server-check.js';
export * from './fast.js';
export {
  type CodexAppServer,
  type CodexHook,
  listCodexHooks,
  openCodexAppServer,
  trustCodexHooks,
  trustCodexProject,
} from './hooks/codex-app-server.js';
export { type HookSpec, type InstallResult, installHook, mergeHook } from './hooks/install-settings.js';
export * from './network/index.js';
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
