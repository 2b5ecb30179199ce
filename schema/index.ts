export * from './agent-event.js';
export * from './alert.js';
export * from './api.js';
export * from './approval.js';
export * from './attributes.js';
export * from './audit.js';
export * from './otlp.js';
export * from './roles.js';
