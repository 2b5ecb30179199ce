import type { ComplianceReport, ControlFinding, ControlStatus } from './model.js';
import { duration, pct } from './text.js';

type Facts = Omit<ComplianceReport, 'controls'>;

function status(evidence: string[], gaps: string[]): ControlStatus {
  if (evidence.length === 0) return 'missing';
  return gaps.length === 0 ? 'evidence' : 'partial';
}

function finding(
  framework: ControlFinding['framework'],
  id: string,
  title: string,
  evidence: (string | false)[],
  gaps: (string | false)[],
): ControlFinding {
  const e = evidence.filter((x): x is string => x !== false);
  const g = gaps.filter((x): x is string => x !== false);
  return { framework, id, title, status: status(e, g), evidence: e, gaps: g };
}

const count = (xs: { action: string; count: number }[], prefix: string) =>
  xs.filter((x) => x.action.startsWith(prefix)).reduce((a, x) => a + x.count, 0);

/**
 * The control mapping: what in the period's data supports each control, and what is missing. Wording is
 * "aligned with", never a certification; a gap is stated whenever the data cannot show the control working.
 */
export function mapControls(r: Facts): ControlFinding[] {
  const s = r.summary;
  const a = r.approvals;
  const al = r.alerts;
  const decided = a.approved + a.denied;
  const tokenRecords = count(r.audit.actions, 'token.');
  const loginRecords = count(r.audit.actions, 'login');
  const withUser = r.agent_activity.reduce((x, g) => x + g.with_user, 0);
  const withHost = r.agent_activity.reduce((x, g) => x + g.with_host, 0);
  const logTables = r.retention.filter((t) => t.required_days > 0);
  const shortRetention = logTables.filter((t) => !t.ok);
  const unsigned = r.audit.writers.filter((w) => !w.signed);
  const chain = r.audit.chain_ok
    ? `audit chain intact (${r.audit.writers.length} writer chain(s) with records in the period)`
    : false;
  const chainGap = r.audit.chain_ok
    ? unsigned.length > 0 && `${unsigned.length} writer chain(s) not yet covered by a signed checkpoint`
    : `audit chain broken at ${r.audit.first_bad?.writer} record ${r.audit.first_bad?.seq}: ${r.audit.first_bad?.reason}`;
  const retentionEvidence =
    logTables.length > 0 &&
    `retention: ${logTables.map((t) => `${t.table} ${t.days === 0 ? 'forever' : `${t.days} d`}`).join(', ')}`;
  const retentionGap =
    shortRetention.length > 0 &&
    `retention below ${shortRetention[0]?.required_days} days for ${shortRetention.map((t) => t.table).join(', ')}`;
  const noEvents = s.events === 0 && 'no agent events recorded in the period for this scope';
  const ar = r.arrivals;
  const offPeriod = ar.late_arrivals + ar.claimed_ahead;
  const arrivalGap =
    offPeriod > 0 &&
    `${offPeriod} event(s) received in the period claim a time outside it (${ar.late_arrivals} before, ${ar.claimed_ahead} after or ahead of arrival): review them under arrival times`;
  const noAlerts =
    al.total === 0 &&
    'no alerts in the period: the data cannot show that detection ran (no detector run records are kept)';

  return [
    finding(
      'SOC 2',
      'CC6.1',
      'Logical access controls over agent actions',
      [
        s.events > 0 &&
          `${s.commands} commands and ${s.events} agent events passed through Ward's gate or telemetry`,
        (s.actions_blocked > 0 || a.requested > 0) &&
          `${s.actions_blocked} actions denied, ${a.requested} sent to a human for approval`,
        r.grants.length > 0 &&
          `${r.grants.reduce((x, g) => x + g.made, 0)} standing grants made (${r.grants.reduce((x, g) => x + g.revoked, 0)} revoked)`,
        tokenRecords > 0 && `${tokenRecords} API token audit records (create/use/revoke)`,
      ],
      [
        noEvents,
        tokenRecords === 0 && 'no API token create/use/revoke records in the audit trail for the period',
        loginRecords === 0 && 'no login records (the UI session audit is not in the trail for the period)',
      ],
    ),
    finding(
      'SOC 2',
      'CC7.2',
      'Monitoring of system components for anomalies',
      [
        s.events > 0 && `${s.events} events from ${s.agents} agent(s) in ${s.sessions} sessions collected`,
        al.total > 0 && `${al.total} alerts from ${al.by_rule.length} detection rule(s)`,
        s.sandbox_violations > 0 && `${s.sandbox_violations} sandbox violations recorded`,
      ],
      [noEvents, noAlerts],
    ),
    finding(
      'SOC 2',
      'CC7.3',
      'Evaluation of security events',
      [
        al.triaged > 0 &&
          `${al.triaged} of ${al.total} alerts triaged; median time to triage ${duration(al.triage_ms.p50)}`,
        decided > 0 && `${decided} approval requests decided by a named person`,
      ],
      [
        noAlerts,
        al.total > al.triaged && `${al.total - al.triaged} alerts still open (not evaluated)`,
        'time to triage is measured to the latest status change (first-response time is not stored)',
      ],
    ),
    finding(
      'ISO/IEC 27001:2022',
      'A.8.15',
      'Logging: produced, stored, protected and analysed',
      [
        s.events > 0 &&
          `events carry user id in ${pct(withUser, s.events)} and host in ${pct(withHost, s.events)} of cases`,
        s.events > 0 &&
          'each event keeps the time it claims and the time Ward received it; reports place it by the latter',
        chain,
        retentionEvidence,
      ],
      [
        noEvents,
        s.events > 0 && withUser < s.events && `${s.events - withUser} events without a user id`,
        arrivalGap,
        chainGap,
        retentionGap,
      ],
    ),
    finding(
      'ISO/IEC 27001:2022',
      'A.8.16',
      'Monitoring activities',
      [
        al.total > 0 &&
          `${al.total} alerts (${Object.entries(al.by_severity)
            .map(([k, v]) => `${k} ${v}`)
            .join(', ')})`,
        s.actions_blocked > 0 && `${s.actions_blocked} actions blocked by the gate or sandbox`,
        a.requested > 0 && `${a.requested} risky actions escalated to a human`,
      ],
      [noEvents, noAlerts],
    ),
    finding(
      'EU AI Act',
      'Art. 12',
      'Record-keeping: automatic recording of events',
      [
        s.events > 0 && `events recorded automatically for ${s.agents} agent(s) over the period`,
        r.daily.length > 0 && `activity on ${r.daily.length} day(s) of the period`,
        chain,
      ],
      [noEvents, chainGap],
    ),
    finding(
      'EU AI Act',
      'Art. 14',
      'Human oversight',
      [
        a.requested > 0 &&
          `${a.requested} approval requests: ${a.approved} approved, ${a.denied} denied (overrides), ${a.expired} expired (denied by timeout)`,
        a.deciders.length > 0 && `decided by ${a.deciders.map((d) => d.decided_by).join(', ')}`,
        decided > 0 &&
          `median time to decision ${duration(a.decision_ms.p50)}; ${pct(a.approved_under_5s, a.approved)} of approvals within 5 s (automation-bias indicator)`,
      ],
      [
        a.requested === 0 &&
          'no approval requests in the period: no evidence of human review of agent actions',
        a.approved > 0 &&
          a.approved_under_5s / a.approved > 0.5 &&
          'most approvals were given within 5 s: possible rubber-stamping (automation bias)',
        a.off_trail.length > 0 &&
          `${a.off_trail.length} decided approval(s) disagree with their signed decision record: ${a.off_trail.slice(0, 5).join(', ')}`,
        a.recorded_late.length > 0 &&
          `${a.recorded_late.length} decision(s) are on the trail only as recorded late, after a restart: confirm them with the deciders (${a.recorded_late.slice(0, 5).join(', ')})`,
        'stop-button use (killing an agent session) is not recorded by Ward',
      ],
    ),
    finding(
      'EU AI Act',
      'Art. 19/26',
      'Logs kept at least six months',
      [retentionEvidence],
      [retentionGap, logTables.length === 0 && 'no retention settings recorded'],
    ),
  ];
}
