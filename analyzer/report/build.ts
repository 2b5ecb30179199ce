import type { AuditVerifyReport } from '../../schema/index.js';
import type { ReportScope, Store } from '../../store/index.js';
import { mapControls } from './controls.js';
import {
  ARRIVAL_SKEW_MS,
  type AuditSection,
  type ComplianceReport,
  REPORT_SCHEMA,
  REPORT_SCHEMA_VERSION,
} from './model.js';

/** What the builder reads: the report aggregations, retention and the audit chain. */
export type ReportStore = Pick<Store, 'reports' | 'retention' | 'audit'>;

/** Called after each step of a long build (the CLI's progress bar). */
export type Progress = (done: number, total: number, step: string) => void;

const STEPS = 11;

function auditSection(
  actions: AuditSection['actions'],
  verify: AuditVerifyReport,
  heads: { writer: string; records: number; last_seq: number }[],
): AuditSection {
  const signed = new Map(verify.writers.map((w) => [w.writer, w.signed_through]));
  return {
    actions,
    chain_ok: verify.ok,
    first_bad: verify.first_bad,
    writers: heads.map((h) => ({
      writer: h.writer,
      records_in_period: h.records,
      last_seq_in_period: h.last_seq,
      signed: (signed.get(h.writer) ?? -1) >= h.last_seq,
    })),
  };
}

/**
 * Gathers a compliance report for a period and scope. Everything in it is a function of the stored data
 * (no clock reads), so the same period over the same data gives the same report. Events are those Ward
 * received in the period (not those claiming a time in it, which an agent can choose after the period's
 * report is out): once the period has ended, its report stays the same.
 */
export async function buildComplianceReport(
  store: ReportStore,
  scope: ReportScope,
  onProgress: Progress = () => {},
): Promise<ComplianceReport> {
  let done = 0;
  const step = async <T>(name: string, p: Promise<T>): Promise<T> => {
    const v = await p;
    onProgress(++done, STEPS, name);
    return v;
  };
  const r = store.reports;
  const agent_activity = await step('agent activity', r.agentActivity(scope));
  const daily = await step('daily activity', r.daily(scope));
  const arrivals = await step('arrival times', r.arrivals(scope, ARRIVAL_SKEW_MS));
  const approvals = await step('approvals', r.approvals(scope));
  const blocked = await step('blocked actions', r.blocked(scope));
  const alerts = await step('alerts', r.alerts(scope));
  const grants = await step('grants', r.grants(scope));
  const policy_versions = await step('policy versions', r.policyVersions(scope));
  const retention = await step('retention', store.retention.status());
  const actions = await step('audit actions', r.auditActions(scope));
  const heads = await r.auditHeads(scope);
  // Sign this process's head first, so its own records read as covered on every run, not only after the timer.
  await store.audit.checkpoint();
  const verify = await step('audit verification', store.audit.verify({ from: scope.from, to: scope.to }));
  const audit = auditSection(actions, verify, heads);
  // An approval row that says other than its signed decision record is evidence changed after the fact.
  if (approvals.off_trail.length > 0 && audit.chain_ok) {
    audit.chain_ok = false;
    audit.first_bad = {
      writer: '',
      seq: 0,
      reason: `${approvals.off_trail.length} decided approval(s) disagree with the signed trail: ${approvals.off_trail.slice(0, 5).join(', ')}`,
    };
  }

  const groupsOf = (kind: string) =>
    blocked.groups.filter((g) => g.kind === kind).reduce((a, g) => a + g.count, 0);
  const sum = (f: (g: (typeof agent_activity)[number]) => number) =>
    agent_activity.reduce((a, g) => a + f(g), 0);
  const facts: Omit<ComplianceReport, 'controls'> = {
    schema: REPORT_SCHEMA,
    schema_version: REPORT_SCHEMA_VERSION,
    period: { from: scope.from, to: scope.to },
    scope: {
      agents: [...scope.agents].sort(),
      repos: [...scope.repos].sort(),
      users: [...scope.users].sort(),
    },
    summary: {
      agents: agent_activity.length,
      sessions: sum((g) => g.sessions),
      events: sum((g) => g.events),
      commands: sum((g) => g.commands),
      approvals_requested: approvals.requested,
      actions_blocked: blocked.groups.reduce((a, g) => a + g.count, 0) - groupsOf('sandbox_violation'),
      sandbox_violations: groupsOf('sandbox_violation'),
      alerts: alerts.total,
      alerts_open: alerts.by_status.open ?? 0,
      audit_chain_ok: audit.chain_ok,
      late_arrivals: arrivals.late_arrivals,
    },
    agent_activity,
    daily,
    arrivals,
    approvals,
    blocked,
    alerts,
    grants,
    policy_versions,
    retention,
    audit,
  };
  return { ...facts, controls: mapControls(facts) };
}
