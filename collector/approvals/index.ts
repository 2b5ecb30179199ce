export { type ApprovalStep, approvalEvent, decisionSource, grantEvent } from './approval-event.js';
export { AskingTooOften, type AskRate, DEFAULT_ASK_RATE } from './ask-rate.js';
export { createServerRisk } from './server-risk.js';
export { type ApprovalService, createApprovalService } from './service.js';
export {
  type ApprovalServiceDeps,
  AuditPendingError,
  type Caller,
  type DecideResult,
  isFinal,
  MAX_PENDING_PER_TOKEN,
  ownedBy,
  TooManyPending,
} from './service-types.js';
