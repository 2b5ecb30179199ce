import { z } from 'zod';

export const SEVERITIES = ['info', 'low', 'medium', 'high', 'critical'] as const;
export const Severity = z.enum(SEVERITIES);
export type Severity = z.infer<typeof Severity>;

export const ALERT_STATUSES = ['open', 'acknowledged', 'resolved', 'false_positive'] as const;
export const AlertStatus = z.enum(ALERT_STATUSES);
export type AlertStatus = z.infer<typeof AlertStatus>;

const isoTime = z
  .string()
  .refine((s) => !Number.isNaN(Date.parse(s)), 'must be an ISO 8601 date-time, e.g. 2026-11-26T10:00:00Z');

/** One contributing factor of an alert: the rule that matched, or a value against its baseline. */
export const AlertFactor = z.object({
  rule: z.string().optional(),
  value: z.number().optional(),
  baseline: z.number().optional(),
  deviation: z.number().optional(),
  text: z.string(),
});
export type AlertFactor = z.infer<typeof AlertFactor>;

export const AlertNote = z.object({ time: z.string(), by: z.string(), text: z.string() });
export type AlertNote = z.infer<typeof AlertNote>;

export const AlertTransition = z.object({
  time: z.string(),
  by: z.string(),
  from: z.string(),
  to: z.string(),
  note: z.string().optional(),
});
export type AlertTransition = z.infer<typeof AlertTransition>;

/** An explained detection over agent events (written by analyzer/, triaged in the UI): one per (session, detector). */
export const Alert = z.object({
  alert_id: z
    .string()
    .describe('Deterministic: a hash of session and detector, so re-runs update, never duplicate'),
  time: z
    .string()
    .describe("The claimed time of its first evidence event (the sender's timestamp), fixed once raised"),
  rule_id: z.string().describe('The detector id'),
  title: z.string(),
  severity: Severity,
  attack_ids: z.array(z.string()),
  session_id: z.string(),
  agent: z.string(),
  user: z.string(),
  repo: z.string(),
  detectors: z.array(z.string()),
  event_ids: z.array(z.string()).describe('Evidence events (capped)'),
  explanation: z.array(AlertFactor).describe('One entry per contributing factor'),
  score: z.number().describe('Session risk 0..1 when the alert last changed'),
  status: AlertStatus,
  assignee: z.string(),
  notes: z.array(AlertNote),
  history: z.array(AlertTransition),
  first_seen: z.string(),
  last_seen: z.string(),
  evidence_count: z.number().int().describe('Distinct actions (session, call id, kind), never rows'),
  updated_at: z.string(),
  raised_at: z
    .string()
    .optional()
    .describe(
      'When Ward first stored the alert, kept by its later versions: what places it in a compliance report (set by the store)',
    ),
});
export type Alert = z.infer<typeof Alert>;

/** Query string of GET /api/alerts. */
export const AlertsQuery = z.object({
  status: AlertStatus.optional(),
  severity: Severity.optional(),
  agent: z.string().max(256).optional(),
  detector: z.string().max(128).optional(),
  repo: z.string().max(512).optional(),
  user: z.string().max(256).optional(),
  session: z.string().max(256).optional(),
  from: isoTime.optional(),
  to: isoTime.optional(),
  sort: z.enum(['time', 'severity', 'risk']).default('time'),
  order: z.enum(['asc', 'desc']).default('desc'),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  cursor: z.string().max(512).optional(),
});
export type AlertsQuery = z.infer<typeof AlertsQuery>;

/** Body of POST /api/alerts/:id/status. */
export const AlertStatusChange = z.object({
  status: AlertStatus,
  note: z.string().max(4000).optional(),
  assignee: z.string().max(256).optional(),
});
export type AlertStatusChange = z.infer<typeof AlertStatusChange>;

/** Body of POST /api/alerts/bulk-status. */
export const AlertBulkStatusChange = z.object({
  ids: z.array(z.string().max(128)).min(1).max(1000),
  status: AlertStatus,
  note: z.string().max(4000).optional(),
});
export type AlertBulkStatusChange = z.infer<typeof AlertBulkStatusChange>;

/** One explained contribution to a session's risk. */
export const RiskFactor = z.object({ detector: z.string(), weight: z.number(), text: z.string() });
export type RiskFactor = z.infer<typeof RiskFactor>;

/** GET /api/risk?session=ID */
export const SessionRisk = z.object({
  session_id: z.string(),
  risk: z.number().min(0).max(1),
  factors: z.array(RiskFactor),
  senders: z
    .array(z.string())
    .optional()
    .describe(
      'analysts and admins only: ids of the tokens that sent events into the session (not loopback ingest), sorted; an approval whose requester is not among them names a session its agent did not send',
    ),
});
export type SessionRisk = z.infer<typeof SessionRisk>;

/** A scoped suppression made by marking a novelty/baseline alert a false positive. */
export const Suppression = z.object({
  id: z.string(),
  detector: z.string(),
  scope: z.enum(['agent', 'user', 'repo']),
  scope_value: z.string(),
  value: z.string().describe('The novel value or baseline metric it silences; empty: the whole detector'),
  created_by: z.string(),
  created_at: z.string(),
  reason: z.string(),
  alert_id: z.string(),
});
export type Suppression = z.infer<typeof Suppression>;

/** GET /api/overview */
export const OverviewQuery = z.object({ from: isoTime.optional(), to: isoTime.optional() });
export type OverviewQuery = z.infer<typeof OverviewQuery>;
