export { type ApprovalClient, ApprovalClientError, type ApprovalClientOptions, createApprovalClient, type WaitOutcome } from './client.js';
export {
  type GateCommandOptions,
  gateCommand,
  type GateLike,
  type GateOutcome,
  type GateVerdict,
  REFUSED_EXIT,
  summarizeReasons,
} from './gate-command.js';
