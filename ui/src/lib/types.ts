// Types of the API answers the UI reads: from schema/ (type-only: nothing of schema/ is bundled), plus the
// shapes CONTRACTS.md promises for APIs other parts of Ward add (alerts, risk, overview, reports, audit).
import type {
  AgentEvent,
  Alert,
  Approval,
  ApprovalDecisionResult,
  GrantScope,
  ReceivedEvent,
  RiskReason,
  Role,
  SessionSummary,
  SessionTimeline,
  Severity,
} from '../../../schema/index.js';

export type {
  AgentEvent,
  Approval,
  ApprovalDecisionResult,
  GrantScope,
  ReceivedEvent,
  RiskReason,
  Role,
  SessionSummary,
  SessionTimeline,
  Severity,
};

/** Who is logged in (GET /api/me). */
export interface Me {
  name: string;
  role: Role;
  csrf: string;
  /** Optional API groups this server has: alerts, overview, risk, stream, reports, audit, retention, policy. */
  features: string[];
}

/** One contributing factor of an alert ("why flagged"). */
export interface ExplanationFactor {
  rule?: string;
  value?: unknown;
  baseline?: unknown;
  deviation?: unknown;
  text: string;
}

/** An alert as GET /api/alerts serves it; tolerant of the older schema (explanation as one string). */
export type AlertRecord = Omit<Alert, 'explanation'> & {
  explanation: string | ExplanationFactor[];
  user?: string;
  repo?: string;
  detectors?: string[];
  notes?: { time: string; by: string; text: string }[];
  history?: { time: string; by: string; from: string; to: string; note?: string }[];
  first_seen?: string;
  last_seen?: string;
  evidence_count?: number;
};
export type AlertStatus = Alert['status'];

export interface RiskAnswer {
  session_id: string;
  risk: number;
  factors: { detector: string; weight: number; text: string }[];
  /** Ids of the tokens that sent the session's events (analysts; not loopback ingest). */
  senders?: string[];
}

export interface Overview {
  events_per_minute: { t: string; n: number }[];
  alerts_by_severity: Partial<Record<Severity, number>>;
  pending_approvals: number;
  riskiest_sessions: { session_id: string; agent: string; user: string; repo: string; risk: number }[];
  agents: { agent: string; n: number }[];
  repos: { repo: string; n: number }[];
}

export interface AuditVerify {
  ok: boolean;
  checked: number;
  first_bad: { seq: number; reason: string } | null;
  checkpoints: { seq: number; time: string; signed: boolean; valid: boolean }[];
}

/** An event of the compliance report whose claimed time is outside its period or far from its arrival. */
export interface ReportArrival {
  flag: 'late_arrival' | 'claimed_ahead' | 'backdated';
  /** The time the event claims. */
  time: string;
  /** When Ward received it: what places it in the report's period. */
  received_at: string;
  skew_ms: number;
  agent: string;
  session_id: string;
  command: string;
  event_id: string;
}

/** The compliance report's `arrivals` section (the fields the view shows). */
export interface ReportArrivals {
  skew_tolerance_ms: number;
  late_arrivals: number;
  claimed_ahead: number;
  backdated: number;
  items: ReportArrival[];
}

export interface RetentionAnswer {
  tables: { table: string; days: number; required_days: number; ok: boolean }[];
}

/** GET /api/events/:id/raw */
export interface RawEvent {
  event: AgentEvent;
  raw_table: string;
  raw: Record<string, unknown>[];
}

/** The gate's answer (POST /api/gate/check). */
export interface GateCheck {
  decision: 'allow' | 'ask' | 'deny';
  risk: number;
  reasons: RiskReason[];
  mode: string;
  grantable: boolean;
  escalated: boolean;
  command: string;
  policy_sources: string[];
}

export type { PolicySource, PolicyView, Sourced } from '../../../schema/index.js';
