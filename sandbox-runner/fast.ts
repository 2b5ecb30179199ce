/**
 * The runner's fast entry, for cold-start paths (`ward exec`, `ward hook`): the approval flow, the agent hooks
 * and the command span, without the sandbox, the proxy or the doctor. Everything else imports ./index.ts.
 */
export * from './approvals/index.js';
export * from './hooks/index.js';
export { type ExportOptions, exportCommandSpan } from './telemetry/export-span.js';
export {
  type CommandSpanRecord,
  commandSpanRecord,
  refusedSpanRecord,
  type SpanContext,
  type SpanDecision,
  spanDecision,
} from './telemetry/span-record.js';
