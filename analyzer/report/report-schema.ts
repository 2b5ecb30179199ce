import { z } from 'zod';
import { REPORT_SCHEMA, REPORT_SCHEMA_VERSION } from './model.js';

const int = z.number().int().nonnegative();
const ms = z.number().nullable().describe('milliseconds; null when nothing was measured');
const quantiles = z.strictObject({ p50: ms, p90: ms, max: ms });
const counts = z.record(z.string(), int);

/**
 * The report's JSON shape, strict (an unexpected field fails): the contract behind `schema_version`.
 * `ward report schema` prints it as JSON Schema.
 */
export const ComplianceReportSchema = z.strictObject({
  schema: z.literal(REPORT_SCHEMA),
  schema_version: z.literal(REPORT_SCHEMA_VERSION),
  period: z.strictObject({ from: z.string(), to: z.string().describe('exclusive') }),
  scope: z.strictObject({
    agents: z.array(z.string()),
    repos: z.array(z.string()),
    users: z.array(z.string()),
  }),
  summary: z.strictObject({
    agents: int,
    sessions: int,
    events: int,
    commands: int,
    approvals_requested: int,
    actions_blocked: int,
    sandbox_violations: int,
    alerts: int,
    alerts_open: int,
    audit_chain_ok: z.boolean(),
    late_arrivals: int.describe('events received in the period claiming a time before it'),
  }),
  agent_activity: z.array(
    z.strictObject({
      agent: z.string(),
      events: int,
      sessions: int,
      users: int,
      repos: int,
      commands: int,
      tool_calls: int,
      file_writes: int,
      network: int,
      asked: int,
      denied: int,
      violations: int,
      with_user: int,
      with_host: int,
      first_time: z.string(),
      last_time: z.string(),
    }),
  ),
  daily: z
    .array(z.strictObject({ day: z.string(), events: int, denied: int }))
    .describe('per UTC day of receipt'),
  arrivals: z
    .strictObject({
      skew_tolerance_ms: int.describe('claimed time this far from the receive time is not flagged'),
      late_arrivals: int.describe('claim a time before the period they were received in'),
      claimed_ahead: int.describe('claim a time after the period, or beyond the tolerance after arrival'),
      backdated: int.describe('claim a time in the period but beyond the tolerance before arrival'),
      by_agent: z.array(
        z.strictObject({
          agent: z.string(),
          events: int,
          late_arrivals: int,
          claimed_ahead: int,
          backdated: int,
          p50_skew_ms: z.number().int().describe('median of received minus claimed time'),
          max_late_ms: int,
          max_ahead_ms: int,
        }),
      ),
      items: z.array(
        z.strictObject({
          flag: z.enum(['late_arrival', 'claimed_ahead', 'backdated']),
          time: z.string().describe('the time the event claims (its OTel timestamp)'),
          received_at: z.string().describe('when Ward stored it: what places it in this period'),
          skew_ms: z.number().int().describe('received minus claimed; negative: claims the future'),
          agent: z.string(),
          session_id: z.string(),
          user: z.string(),
          repo: z.string(),
          kind: z.string(),
          command: z.string(),
          command_truncated: z
            .boolean()
            .describe("longer than 300 characters: `command` is its first 300 followed by '…'"),
          event_id: z.string(),
        }),
      ),
    })
    .describe(
      'events are placed by the time Ward received them; those whose claimed time is outside the period or far from their arrival are flagged (first 500 by receive time)',
    ),
  approvals: z.strictObject({
    requested: int,
    approved: int,
    denied: int,
    expired: int,
    pending: int,
    scoped: int,
    approved_under_5s: int,
    off_trail: z
      .array(z.string())
      .describe(
        'decided approvals whose decision has no matching record on the signed audit trail (first 100)',
      ),
    recorded_late: z
      .array(z.string())
      .describe('decided approvals whose decision record was written late, after a restart (first 100)'),
    decision_ms: quantiles,
    deciders: z.array(z.strictObject({ decided_by: z.string(), approved: int, denied: int })),
    items: z.array(
      z.strictObject({
        id: z.string(),
        time: z.string(),
        agent: z.string(),
        session_id: z.string(),
        command: z.string(),
        command_truncated: z
          .boolean()
          .describe("longer than 300 characters: `command` is its first 300 followed by '…'"),
        status: z.string(),
        scope: z.string(),
        decided_by: z.string(),
        reason: z.string(),
        risk: z.number(),
        decision_ms: ms,
      }),
    ),
  }),
  blocked: z.strictObject({
    groups: z.array(z.strictObject({ agent: z.string(), kind: z.string(), source: z.string(), count: int })),
    items: z.array(
      z.strictObject({
        time: z.string(),
        received_at: z.string(),
        agent: z.string(),
        session_id: z.string(),
        user: z.string(),
        repo: z.string(),
        kind: z.string(),
        tool: z.string(),
        command: z.string(),
        command_truncated: z
          .boolean()
          .describe("longer than 300 characters: `command` is its first 300 followed by '…'"),
        target: z.string(),
        source: z.string(),
        event_id: z.string(),
      }),
    ),
  }),
  alerts: z.strictObject({
    total: int,
    triaged: int,
    triage_ms: quantiles,
    by_status: counts,
    by_severity: counts,
    by_rule: z.array(z.strictObject({ rule_id: z.string(), count: int, open: int })),
    items: z.array(
      z.strictObject({
        alert_id: z.string(),
        time: z.string().describe('the time its first evidence event claims (its OTel timestamp)'),
        raised_at: z
          .string()
          .describe('when Ward raised it (first stored it): what places it in this period'),
        rule_id: z.string(),
        title: z.string(),
        severity: z.string(),
        agent: z.string(),
        session_id: z.string(),
        status: z.string(),
        assignee: z.string(),
        triage_ms: ms,
      }),
    ),
  }),
  grants: z.array(z.strictObject({ scope: z.string(), made: int, revoked: int })),
  policy_versions: z.array(
    z.strictObject({
      digest: z.string(),
      sources: z.string(),
      first_seen: z.string(),
      last_seen: z.string(),
      loads: int.describe('loads during the period'),
      in_force_at_start: z
        .boolean()
        .describe('the last version of these policy files loaded before the period'),
    }),
  ),
  retention: z.array(
    z.strictObject({
      table: z.string(),
      days: int.describe('0 = kept forever'),
      required_days: int,
      ok: z.boolean(),
    }),
  ),
  audit: z.strictObject({
    actions: z.array(z.strictObject({ action: z.string(), count: int })),
    chain_ok: z.boolean(),
    first_bad: z.strictObject({ writer: z.string(), seq: int, reason: z.string() }).nullable(),
    writers: z.array(
      z.strictObject({
        writer: z.string(),
        records_in_period: int,
        last_seq_in_period: int,
        signed: z.boolean(),
      }),
    ),
  }),
  controls: z.array(
    z.strictObject({
      framework: z.enum(['SOC 2', 'ISO/IEC 27001:2022', 'EU AI Act']),
      id: z.string(),
      title: z.string(),
      status: z.enum(['evidence', 'partial', 'missing']),
      evidence: z.array(z.string()),
      gaps: z.array(z.string()),
    }),
  ),
});

/** The JSON Schema (draft 2020-12) of the report, with its version in `$id`. */
export function reportJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(ComplianceReportSchema),
    $id: `${REPORT_SCHEMA}/${REPORT_SCHEMA_VERSION}`,
    title: 'Ward compliance report',
  };
}
