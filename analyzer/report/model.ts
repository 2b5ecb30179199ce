import type { AgentActivityRow, ReportRepo, RetentionStatus } from '../../store/index.js';

/** Version of the report's JSON shape (semver: a new field is minor, a changed or removed one is major). */
export const REPORT_SCHEMA = 'ward.compliance-report';
export const REPORT_SCHEMA_VERSION = '1.3.0';

/**
 * How far an event's claimed time may be from the time Ward received it before the report flags it: clocks
 * and exporters' batching delays stay under it (the session timeline marks the same minute).
 */
export const ARRIVAL_SKEW_MS = 60_000;

type Awaited2<F> = F extends (...a: never[]) => Promise<infer R> ? R : never;

/** Where a control stands in the period: backed by evidence, partly, or not at all. */
export type ControlStatus = 'evidence' | 'partial' | 'missing';

/** One mapped control with the evidence behind it and, plainly, what is missing. */
export interface ControlFinding {
  framework: 'SOC 2' | 'ISO/IEC 27001:2022' | 'EU AI Act';
  id: string;
  title: string;
  status: ControlStatus;
  evidence: string[];
  gaps: string[];
}

/** Audit-chain integrity as of the report (only facts fixed by the data: no check time, no live counters). */
export interface AuditSection {
  actions: { action: string; count: number }[];
  chain_ok: boolean;
  first_bad: { writer: string; seq: number; reason: string } | null;
  writers: { writer: string; records_in_period: number; last_seq_in_period: number; signed: boolean }[];
}

/** The whole report: every format renders exactly this. */
export interface ComplianceReport {
  schema: typeof REPORT_SCHEMA;
  schema_version: typeof REPORT_SCHEMA_VERSION;
  period: { from: string; to: string };
  scope: { agents: string[]; repos: string[]; users: string[] };
  summary: {
    agents: number;
    sessions: number;
    events: number;
    commands: number;
    approvals_requested: number;
    actions_blocked: number;
    sandbox_violations: number;
    alerts: number;
    alerts_open: number;
    audit_chain_ok: boolean;
    /** Events received in the period claiming a time before it (listed under `arrivals`). */
    late_arrivals: number;
  };
  agent_activity: AgentActivityRow[];
  daily: Awaited2<ReportRepo['daily']>;
  /** Claimed against received times: events are placed by when Ward received them; these are flagged. */
  arrivals: Awaited2<ReportRepo['arrivals']>;
  approvals: Awaited2<ReportRepo['approvals']>;
  blocked: Awaited2<ReportRepo['blocked']>;
  alerts: Awaited2<ReportRepo['alerts']>;
  grants: Awaited2<ReportRepo['grants']>;
  policy_versions: Awaited2<ReportRepo['policyVersions']>;
  retention: RetentionStatus[];
  audit: AuditSection;
  controls: ControlFinding[];
}

/** Report sections in document order: [key, title]. Every format uses these titles. */
export const SECTIONS = [
  ['summary', 'Summary'],
  ['agent_activity', 'Agent activity'],
  ['arrivals', 'Arrival times: late and early events'],
  ['approvals', 'Approvals and human oversight'],
  ['blocked', 'Blocked actions and sandbox violations'],
  ['alerts', 'Alerts and triage'],
  ['policy_versions', 'Policy versions in force'],
  ['retention', 'Retention settings'],
  ['audit', 'Audit trail verification'],
  ['controls', 'Control mapping'],
] as const;
