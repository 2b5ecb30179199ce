/** The event model every side speaks: OTLP types, AgentEvent, approvals, alerts, audit, roles, redaction. */
export * from './agent-event.js';
export * from './alert.js';
export * from './api.js';
export * from './approval.js';
export type * from './approval-port.js';
export * from './audit.js';
export * from './decision-signature.js';
export * from './fast.js';
export * from './grant.js';
export * from './policy-view.js';
export * from './roles.js';
