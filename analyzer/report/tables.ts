import { arrivalTables } from './arrival-tables.js';
import type { ComplianceReport } from './model.js';
import { cutNote, notes } from './table-notes.js';
import { duration } from './text.js';

/** A section as a plain table: the CSV files and the PDF tables are both rendered from these. */
export interface Table {
  /** File name stem in the CSV zip. */
  name: string;
  /** Section key in SECTIONS this table belongs to. */
  section: string;
  title: string;
  columns: string[];
  rows: (string | number | boolean | null)[][];
  /** Shown under the table: what was capped or approximated. */
  note?: string;
}

const kv = (o: Record<string, number>) => Object.entries(o).map(([k, v]) => [k, v]);

/** Every table of the report, in document order. */
export function reportTables(r: ComplianceReport): Table[] {
  const s = r.summary;
  const a = r.approvals;
  const al = r.alerts;
  return [
    {
      name: 'summary',
      section: 'summary',
      title: 'Summary',
      columns: ['item', 'value'],
      rows: [
        ['period from', r.period.from],
        ['period to', r.period.to],
        ['agents in scope', r.scope.agents.join(' ') || 'all'],
        ['repos in scope', r.scope.repos.join(' ') || 'all'],
        ['users in scope', r.scope.users.join(' ') || 'all'],
        ['agents', s.agents],
        ['sessions', s.sessions],
        ['events', s.events],
        ['commands', s.commands],
        ['approvals requested', s.approvals_requested],
        ['actions blocked', s.actions_blocked],
        ['sandbox violations', s.sandbox_violations],
        ['alerts', s.alerts],
        ['alerts open', s.alerts_open],
        ['audit chain intact', s.audit_chain_ok],
        ['late arrivals (claiming a time before the period)', s.late_arrivals],
        ['report schema', `${r.schema} ${r.schema_version}`],
      ],
    },
    {
      name: 'agent_activity',
      section: 'agent_activity',
      title: 'Agent activity',
      columns: [
        'agent',
        'events',
        'sessions',
        'users',
        'repos',
        'commands',
        'tool calls',
        'file writes',
        'network',
        'asked',
        'denied',
        'violations',
        'first',
        'last',
      ],
      rows: r.agent_activity.map((g) => [
        g.agent,
        g.events,
        g.sessions,
        g.users,
        g.repos,
        g.commands,
        g.tool_calls,
        g.file_writes,
        g.network,
        g.asked,
        g.denied,
        g.violations,
        g.first_time,
        g.last_time,
      ]),
    },
    {
      name: 'daily_activity',
      section: 'agent_activity',
      title: 'Events per day',
      columns: ['day', 'events', 'blocked'],
      rows: r.daily.map((d) => [d.day, d.events, d.denied]),
    },
    ...arrivalTables(r),
    {
      name: 'approvals_summary',
      section: 'approvals',
      title: 'Approvals',
      columns: ['item', 'value'],
      rows: [
        ['requested', a.requested],
        ['approved', a.approved],
        ['denied', a.denied],
        ['expired (denied by timeout)', a.expired],
        ['pending', a.pending],
        ['with a standing grant (session/project)', a.scoped],
        ['approved within 5 s', a.approved_under_5s],
        ['time to decision p50', duration(a.decision_ms.p50)],
        ['time to decision p90', duration(a.decision_ms.p90)],
        ['time to decision max', duration(a.decision_ms.max)],
      ],
    },
    {
      name: 'approval_deciders',
      section: 'approvals',
      title: 'Who decided',
      columns: ['decided by', 'approved', 'denied'],
      rows: a.deciders.map((d) => [d.decided_by, d.approved, d.denied]),
    },
    {
      name: 'approvals',
      section: 'approvals',
      title: 'Approval requests',
      columns: [
        'time',
        'id',
        'agent',
        'session',
        'command',
        'status',
        'scope',
        'decided by',
        'reason',
        'risk',
        'time to decision',
      ],
      rows: a.items.map((i) => [
        i.time,
        i.id,
        i.agent,
        i.session_id,
        i.command,
        i.status,
        i.scope,
        i.decided_by,
        i.reason,
        i.risk,
        duration(i.decision_ms),
      ]),
      note: notes(
        a.items.length < a.requested ? `first ${a.items.length} of ${a.requested}` : undefined,
        cutNote(a.items),
      ),
    },
    {
      name: 'blocked_summary',
      section: 'blocked',
      title: 'Blocked actions by agent and source',
      columns: ['agent', 'kind', 'source', 'count'],
      rows: r.blocked.groups.map((g) => [g.agent, g.kind, g.source, g.count]),
    },
    {
      name: 'blocked',
      section: 'blocked',
      title: 'Blocked actions and sandbox violations',
      columns: [
        'time',
        'received at',
        'agent',
        'session',
        'user',
        'repo',
        'kind',
        'tool',
        'command',
        'target',
        'source',
        'event id',
      ],
      rows: r.blocked.items.map((b) => [
        b.time,
        b.received_at,
        b.agent,
        b.session_id,
        b.user,
        b.repo,
        b.kind,
        b.tool,
        b.command,
        b.target,
        b.source,
        b.event_id,
      ]),
      note: notes(
        r.blocked.items.length < s.actions_blocked + s.sandbox_violations
          ? `first ${r.blocked.items.length} of ${s.actions_blocked + s.sandbox_violations}`
          : undefined,
        cutNote(r.blocked.items),
      ),
    },
    {
      name: 'alerts_summary',
      section: 'alerts',
      title: 'Alerts by status and severity',
      columns: ['dimension', 'value', 'count'],
      rows: [
        ...kv(al.by_status).map(([k, v]) => ['status', k, v]),
        ...kv(al.by_severity).map(([k, v]) => ['severity', k, v]),
        ['triage', 'triaged', al.triaged],
        ['triage', 'p50', duration(al.triage_ms.p50)],
        ['triage', 'p90', duration(al.triage_ms.p90)],
      ] as Table['rows'],
    },
    {
      name: 'alert_rules',
      section: 'alerts',
      title: 'Alerts by detection rule',
      columns: ['rule', 'alerts', 'open'],
      rows: al.by_rule.map((x) => [x.rule_id, x.count, x.open]),
    },
    {
      name: 'alerts',
      section: 'alerts',
      title: 'Alerts with disposition',
      columns: [
        'raised at',
        'claimed time',
        'alert id',
        'rule',
        'title',
        'severity',
        'agent',
        'session',
        'status',
        'assignee',
        'time to triage',
      ],
      rows: al.items.map((x) => [
        x.raised_at,
        x.time,
        x.alert_id,
        x.rule_id,
        x.title,
        x.severity,
        x.agent,
        x.session_id,
        x.status,
        x.assignee,
        duration(x.triage_ms),
      ]),
      note: 'placed by when Ward raised the alert; claimed time: what its first evidence event claims; time to triage: from raising to the latest status change',
    },
    {
      name: 'grants',
      section: 'approvals',
      title: 'Standing grants made',
      columns: ['scope', 'made', 'revoked'],
      rows: r.grants.map((g) => [g.scope, g.made, g.revoked]),
    },
    {
      name: 'policy_versions',
      section: 'policy_versions',
      title: 'Policy versions in force',
      columns: ['digest', 'sources', 'in force at start', 'first seen', 'last seen', 'loads in period'],
      rows: r.policy_versions.map((p) => [
        p.digest,
        p.sources,
        p.in_force_at_start,
        p.first_seen,
        p.last_seen,
        p.loads,
      ]),
      note:
        r.policy_versions.length === 0
          ? 'no policy load recorded in or before the period (server-side hook decisions record them)'
          : undefined,
    },
    {
      name: 'retention',
      section: 'retention',
      title: 'Retention settings',
      columns: ['table', 'days (0 = forever)', 'required days', 'ok'],
      rows: r.retention.map((t) => [t.table, t.days, t.required_days, t.ok]),
    },
    {
      name: 'audit_actions',
      section: 'audit',
      title: 'Audit records by action',
      columns: ['action', 'records'],
      rows: r.audit.actions.map((x) => [x.action, x.count]),
    },
    {
      name: 'audit_verification',
      section: 'audit',
      title: 'Audit chain verification',
      columns: ['writer', 'records in period', 'last seq', 'signed checkpoint covers it'],
      rows: [
        ...r.audit.writers.map((w) => [w.writer, w.records_in_period, w.last_seq_in_period, w.signed]),
        [
          'result',
          r.audit.chain_ok ? 'intact' : 'BROKEN',
          r.audit.first_bad ? `${r.audit.first_bad.writer} #${r.audit.first_bad.seq}` : '',
          r.audit.first_bad?.reason ?? '',
        ],
      ],
    },
    {
      name: 'controls',
      section: 'controls',
      title: 'Control mapping (aligned with; not a certification)',
      columns: ['framework', 'control', 'title', 'status', 'evidence', 'missing'],
      rows: r.controls.map((c) => [
        c.framework,
        c.id,
        c.title,
        c.status,
        c.evidence.join('; '),
        c.gaps.join('; '),
      ]),
    },
  ];
}
