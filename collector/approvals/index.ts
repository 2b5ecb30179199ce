export { type ApprovalStep, approvalEvent, decisionSource } from './approval-event.js';
export { type ApprovalService, type ApprovalServiceDeps, createApprovalService, isFinal } from './service.js';
