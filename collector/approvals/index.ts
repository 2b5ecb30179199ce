export { type ApprovalService, type ApprovalServiceDeps, createApprovalService, isFinal } from './service.js';
export { approvalEvent, type ApprovalStep, decisionSource } from './approval-event.js';
