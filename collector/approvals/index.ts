export { type ApprovalStep, approvalEvent, decisionSource, grantEvent } from './approval-event.js';
export { createServerRisk } from './server-risk.js';
export {
  type ApprovalService,
  type ApprovalServiceDeps,
  type Caller,
  createApprovalService,
  type DecideResult,
  isFinal,
  MAX_PENDING_PER_TOKEN,
  ownedBy,
  TooManyPending,
} from './service.js';
