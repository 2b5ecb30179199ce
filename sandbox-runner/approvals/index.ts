export {
  type ApprovalClient,
  ApprovalClientError,
  type ApprovalClientOptions,
  createApprovalClient,
  type WaitOutcome,
} from './client.js';
export {
  type GateCommandOptions,
  type GateLike,
  type GateOutcome,
  type GateVerdict,
  gateCommand,
  REFUSED_EXIT,
  summarizeReasons,
} from './gate-command.js';
