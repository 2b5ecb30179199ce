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
export { connectReason, createNetworkAsk, type NetworkAsk, type NetworkAskOptions } from './network-ask.js';
export { decideWithGrants } from './with-grants.js';
