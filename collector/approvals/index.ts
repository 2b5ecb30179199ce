export { type ApprovalStep, approvalEvent, decisionSource, grantEvent } from './approval-event.js';
export {
  type ApprovalService,
  type ApprovalServiceDeps,
  createApprovalService,
  type DecideResult,
  type GrantRule,
  isFinal,
} from './service.js';
