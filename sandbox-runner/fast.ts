/**
 * The runner's fast entry, for cold-start paths (`ward exec`, `ward hook`): the approval flow, the agent hooks,
 * the command span and the `ward exec`/`ward run` orchestration (which loads the sandbox and the proxy only
 * when a command gets that far). Everything else imports ./index.ts.
 */
export * from './approvals/index.js';
export {
  runSandboxCommand,
  type SandboxCommand,
  type SandboxCommandDeps,
  SETUP_FAILED_EXIT,
} from './command/run-sandbox-command.js';
export * from './hooks/index.js';
export { closeInheritedFds } from './sandbox/inherited-fds.js';
export { type ExportOptions, exportCommandSpan } from './telemetry/export-span.js';
export {
  type CommandSpanRecord,
  commandSpanRecord,
  refusedSpanRecord,
  type SpanContext,
  type SpanDecision,
  spanDecision,
} from './telemetry/span-record.js';
