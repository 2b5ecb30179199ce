export {
  type AskHumanOptions,
  type AskPort,
  type AskRequest,
  type AskStep,
  askHuman,
  type GateOutcome,
  type GateVerdict,
  REFUSED_EXIT,
  summarizeReasons,
} from './ask-human.js';
export {
  type ApprovalClient,
  ApprovalClientError,
  type ApprovalClientOptions,
  createApprovalClient,
} from './client.js';
export { connectReason, createNetworkAsk, type NetworkAsk, type NetworkAskOptions } from './network-ask.js';
export { decideWithGrants } from './with-grants.js';
