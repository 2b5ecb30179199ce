import { z } from 'zod';
import { GATE_DECISIONS } from './decision.js';

/** What an agent action was. `other` keeps events Ward does not understand yet (never dropped). */
export const EVENT_KINDS = [
  'session_start',
  'prompt',
  'llm_request',
  'llm_error',
  'tool_call',
  'tool_decision',
  'tool_result',
  'command',
  'file_read',
  'file_write',
  'network',
  'approval',
  'sandbox_violation',
  'other',
] as const;
export const EventKind = z.enum(EVENT_KINDS);
export type EventKind = z.infer<typeof EventKind>;

/** Normalized decision: what was allowed to happen. Empty when the event carries no decision. */
export const DECISIONS = [...GATE_DECISIONS, ''] as const;
export const Decision = z.enum(DECISIONS);
export type Decision = z.infer<typeof Decision>;

/**
 * Ends a stored text value (a command, a target, an attribute) that was longer than the store keeps: what
 * precedes it is the value's start, the rest is not in the event.
 */
export const TRUNCATED_MARK = '…[truncated]';

/** Where the raw OTel row behind an event lives. */
export const RAW_TABLES = [
  'otel_logs',
  'otel_traces',
  'otel_metrics_sum',
  'otel_metrics_gauge',
  'otel_metrics_histogram',
  '',
] as const;

/** One normalized agent action: the row of `agent_events`. */
export const AgentEvent = z.object({
  event_id: z
    .string()
    .describe('Deterministic id (hash of the raw record): a retried export does not double-count'),
  time: z.string().describe('When it happened: ISO 8601 UTC, nine fraction digits (schema/time.ts)'),
  agent: z.string().describe('codex, claude-code, gemini-cli, ward, or the service.name'),
  agent_version: z.string(),
  session_id: z.string(),
  user_id: z.string(),
  host: z.string(),
  repo: z.string(),
  cwd: z.string(),
  kind: EventKind,
  event_name: z.string().describe('The source event or span name, e.g. codex.tool_result'),
  tool: z
    .string()
    .describe('Tool name as the agent calls it (shell, Bash, exec_command, run_shell_command, …)'),
  call_id: z.string().describe('Tool call id linking decision, call and result'),
  command: z.string().describe('Command text (redacted)'),
  target: z.string().describe('Path for file events, host:port for network events'),
  decision: Decision,
  decision_source: z.string().describe('config, user, policy, ward-gate, timeout, … as reported'),
  exit_code: z.number().int().nullable(),
  duration_ms: z.number().nullable(),
  bytes_in: z.number().nullable(),
  bytes_out: z.number().nullable(),
  success: z.boolean().nullable(),
  trace_id: z.string(),
  span_id: z.string(),
  raw_table: z.enum(RAW_TABLES).describe('Table holding the raw OTel row'),
  raw_time: z.string().describe('Timestamp of the raw row (with trace/span ids, the link back)'),
  attributes: z
    .record(z.string(), z.string())
    .describe('Remaining source attributes, stringified and redacted'),
  missing: z
    .array(z.string())
    .describe('Fields the source did not export (e.g. command text without OTEL_LOG_TOOL_DETAILS)'),
});
export type AgentEvent = z.infer<typeof AgentEvent>;

/** A blank event to spread into; normalizers fill what they know. */
export function emptyAgentEvent(): AgentEvent {
  return {
    event_id: '',
    time: '1970-01-01T00:00:00.000000000Z',
    agent: '',
    agent_version: '',
    session_id: '',
    user_id: '',
    host: '',
    repo: '',
    cwd: '',
    kind: 'other',
    event_name: '',
    tool: '',
    call_id: '',
    command: '',
    target: '',
    decision: '',
    decision_source: '',
    exit_code: null,
    duration_ms: null,
    bytes_in: null,
    bytes_out: null,
    success: null,
    trace_id: '',
    span_id: '',
    raw_table: '',
    raw_time: '1970-01-01T00:00:00.000000000Z',
    attributes: {},
    missing: [],
  };
}
