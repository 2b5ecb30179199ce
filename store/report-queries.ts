import { alertsWithTriage } from './alert-triage.js';
import type { Db } from './db.js';
import { createArrivalsQuery } from './report-arrivals.js';
import {
  cut,
  EVENT_SCOPE,
  isCut,
  iso,
  type Num,
  n,
  nOrNull,
  type ReportScope,
  scopeParams,
  shown,
  T,
} from './report-sql.js';

export type { ReportScope } from './report-sql.js';

/**
 * Agent activity over the period (one row per agent): the events received in it; `first_time` and `last_time`
 * are the earliest and latest times those events claim (outside the period for a late or early arrival).
 */
export interface AgentActivityRow {
  agent: string;
  events: number;
  sessions: number;
  users: number;
  repos: number;
  commands: number;
  tool_calls: number;
  file_writes: number;
  network: number;
  asked: number;
  denied: number;
  violations: number;
  with_user: number;
  with_host: number;
  first_time: string;
  last_time: string;
}

/**
 * Every aggregation a compliance report needs, computed in ClickHouse (the report never pulls raw events).
 * Lists are capped and ordered totally, so the same data always gives the same rows.
 */
export function createReportRepo(db: Db, database: string) {
  const q = (t: string) => `"${database}".${t}`;
  // Approvals and alerts carry agent and session; repo and user come from the session's events.
  const sessionScope = `(agent = '' OR empty({agents:Array(String)}) OR has({agents:Array(String)}, agent))
    AND ((empty({repos:Array(String)}) AND empty({users:Array(String)})) OR session_id IN (
      SELECT session_id FROM ${q('agent_events')}
      WHERE (empty({repos:Array(String)}) OR has({repos:Array(String)}, repo))
        AND (empty({users:Array(String)}) OR has({users:Array(String)}, user_id))))`;

  return {
    async agentActivity(s: ReportScope): Promise<AgentActivityRow[]> {
      const rows = await db.query<Record<string, Num | string>>(
        'report.activity',
        `SELECT agent AS a, count() AS events, uniqExact(session_id) AS sessions, uniqExact(user_id) AS users_n,
           uniqExact(repo) AS repos_n, countIf(kind = 'command') AS commands,
           countIf(kind IN ('tool_call', 'tool_decision')) AS tool_calls, countIf(kind = 'file_write') AS file_writes,
           countIf(kind = 'network') AS network, countIf(decision = 'ask') AS asked,
           countIf(decision = 'deny') AS denied, countIf(kind = 'sandbox_violation') AS violations,
           countIf(user_id != '') AS with_user, countIf(host != '') AS with_host,
           min(time) AS first_time, max(time) AS last_time
         FROM ${q('agent_events')} FINAL WHERE ${EVENT_SCOPE} GROUP BY a ORDER BY a`,
        scopeParams(s),
      );
      return rows.map((r) => ({
        agent: String(r.a),
        events: n(r.events),
        sessions: n(r.sessions),
        users: n(r.users_n),
        repos: n(r.repos_n),
        commands: n(r.commands),
        tool_calls: n(r.tool_calls),
        file_writes: n(r.file_writes),
        network: n(r.network),
        asked: n(r.asked),
        denied: n(r.denied),
        violations: n(r.violations),
        with_user: n(r.with_user),
        with_host: n(r.with_host),
        first_time: iso(String(r.first_time)),
        last_time: iso(String(r.last_time)),
      }));
    },

    /** Events and denials per UTC day they were received. */
    async daily(s: ReportScope): Promise<{ day: string; events: number; denied: number }[]> {
      const rows = await db.query<{ d: string; e: Num; x: Num }>(
        'report.daily',
        `SELECT toString(toDate(ingested_at)) AS d, count() AS e, countIf(decision = 'deny' OR kind = 'sandbox_violation') AS x
         FROM ${q('agent_events')} FINAL WHERE ${EVENT_SCOPE} GROUP BY d ORDER BY d`,
        scopeParams(s),
      );
      return rows.map((r) => ({ day: r.d, events: n(r.e), denied: n(r.x) }));
    },

    /**
     * Events received in the period whose claimed time is outside it or far from their arrival (late
     * arrivals, claims ahead), with both times, and each agent's claimed-versus-received skew.
     */
    arrivals: createArrivalsQuery(db, database),

    /** Denied actions and sandbox violations: counts by agent, kind and source, and the first `limit`. */
    async blocked(s: ReportScope, limit = 500) {
      const p = scopeParams(s);
      const where = `${EVENT_SCOPE} AND (decision = 'deny' OR kind = 'sandbox_violation')`;
      const groups = await db.query<{ a: string; k: string; src: string; c: Num }>(
        'report.blocked.groups',
        `SELECT agent AS a, kind AS k, decision_source AS src, count() AS c FROM ${q('agent_events')} FINAL
         WHERE ${where} GROUP BY a, k, src ORDER BY c DESC, a, k, src`,
        p,
      );
      const items = await db.query<Record<string, string | Num>>(
        'report.blocked.items',
        `SELECT toString(time) AS t, toString(ingested_at) AS rt, agent AS a, session_id AS sid, user_id AS u, repo AS r, kind AS k, tool AS tl,
           ${cut('command', 300, 'cmd')}, ${cut('target', 200, 'tg')}, decision_source AS src, event_id AS id
         FROM ${q('agent_events')} FINAL WHERE ${where} ORDER BY time, event_id LIMIT {limit:UInt32}`,
        { ...p, limit },
      );
      return {
        groups: groups.map((g) => ({ agent: g.a, kind: g.k, source: g.src, count: n(g.c) })),
        items: items.map((r) => ({
          time: iso(String(r.t)),
          received_at: iso(String(r.rt)),
          agent: String(r.a ?? ''),
          session_id: String(r.sid ?? ''),
          user: String(r.u ?? ''),
          repo: String(r.r ?? ''),
          kind: String(r.k ?? ''),
          tool: String(r.tl ?? ''),
          command: shown(r.cmd, r.cmd_cut),
          command_truncated: isCut(r.cmd_cut),
          target: shown(r.tg, r.tg_cut),
          source: String(r.src ?? ''),
          event_id: String(r.id ?? ''),
        })),
      };
    },

    /** Approvals requested in the period: totals, per decider, time to decision, and the first `limit`. */
    async approvals(s: ReportScope, limit = 2000) {
      const p = scopeParams(s);
      const base = `SELECT *, if(decided_at IS NULL, NULL, dateDiff('millisecond', created_at, decided_at)) AS ms
        FROM ${q('approvals')} FINAL
        WHERE created_at >= ${T('from')} AND created_at < ${T('to')} AND ${sessionScope}`;
      const [tot] = await db.query<Record<string, Num | null>>(
        'report.approvals.totals',
        `SELECT count() AS requested, countIf(status = 'approved') AS approved, countIf(status = 'denied') AS denied,
           countIf(status = 'expired') AS expired, countIf(status = 'pending') AS pending,
           countIf(status = 'approved' AND ms < 5000) AS fast_approved,
           round(quantileExactInclusiveIf(0.5)(ms, ms IS NOT NULL AND status != 'expired')) AS p50,
           round(quantileExactInclusiveIf(0.9)(ms, ms IS NOT NULL AND status != 'expired')) AS p90,
           maxIf(ms, ms IS NOT NULL AND status != 'expired') AS mx,
           countIf(scope IN ('session', 'project')) AS scoped
         FROM (${base})`,
        p,
      );
      const deciders = await db.query<{ by: string; ap: Num; de: Num }>(
        'report.approvals.deciders',
        `SELECT decided_by AS by, countIf(status = 'approved') AS ap, countIf(status = 'denied') AS de
         FROM (${base}) WHERE status IN ('approved', 'denied') GROUP BY by ORDER BY by`,
        p,
      );
      // Decided rows whose decision is not on the signed trail (an `approval.decided` record of that status):
      // the table can be rewritten, the trail cannot without verification noticing.
      const offTrail = await db.query<{ i: string }>(
        'report.approvals.off-trail',
        `SELECT a.id AS i FROM (SELECT id, status FROM (${base}) WHERE status IN ('approved', 'denied')) AS a
         LEFT ANTI JOIN (SELECT target, JSONExtractString(details, 'status') AS status FROM ${q('audit_chain')}
           WHERE action = 'approval.decided') AS r ON a.id = r.target AND a.status = r.status
         ORDER BY i LIMIT 100`,
        p,
      );
      // Decisions the trail holds only as recorded late (after a restart, by the recovery of unrecorded ones): a
      // row rewritten before a restart ends up there too, so the officer sees them apart.
      const late = await db.query<{ i: string }>(
        'report.approvals.recorded-late',
        `SELECT DISTINCT a.id AS i FROM (SELECT id, status FROM (${base}) WHERE status IN ('approved', 'denied')) AS a
         INNER JOIN (SELECT target, JSONExtractString(details, 'status') AS status FROM ${q('audit_chain')}
           WHERE action = 'approval.decided' AND JSONExtractString(details, 'recorded_late') = 'true') AS r
           ON a.id = r.target AND a.status = r.status
         ORDER BY i LIMIT 100`,
        p,
      );
      const items = await db.query<Record<string, string | Num | null>>(
        'report.approvals.items',
        `SELECT id AS i, toString(created_at) AS t, agent AS a, session_id AS sid, ${cut('command', 300, 'cmd')},
           status AS st, scope AS sc, decided_by AS by, ${cut('decision_reason', 300, 'why')}, risk AS rk, ms AS d
         FROM (${base}) ORDER BY created_at, id LIMIT {limit:UInt32}`,
        { ...p, limit },
      );
      return {
        requested: n(tot?.requested),
        approved: n(tot?.approved),
        denied: n(tot?.denied),
        expired: n(tot?.expired),
        pending: n(tot?.pending),
        scoped: n(tot?.scoped),
        approved_under_5s: n(tot?.fast_approved),
        off_trail: offTrail.map((r) => String(r.i)),
        recorded_late: late.map((r) => String(r.i)),
        decision_ms: { p50: nOrNull(tot?.p50), p90: nOrNull(tot?.p90), max: nOrNull(tot?.mx) },
        deciders: deciders.map((d) => ({ decided_by: d.by, approved: n(d.ap), denied: n(d.de) })),
        items: items.map((r) => ({
          id: String(r.i),
          time: iso(String(r.t)),
          agent: String(r.a),
          session_id: String(r.sid),
          command: shown(r.cmd, r.cmd_cut),
          command_truncated: isCut(r.cmd_cut),
          status: String(r.st),
          scope: String(r.sc),
          decided_by: String(r.by),
          reason: shown(r.why, r.why_cut),
          risk: n(r.rk as Num),
          decision_ms: nOrNull(r.d as Num | null),
        })),
      };
    },

    /**
     * Alerts raised in the period (`raised_at`: when Ward first stored the alert, never the claimed time of its
     * evidence, which the agent sets), with their current disposition. Time to triage is the time from raising
     * to the analysts' latest change (for an alert triaged before changes were rows of their own, its row's
     * latest version).
     */
    async alerts(s: ReportScope, limit = 2000) {
      const p = scopeParams(s);
      const base = `SELECT alert_id, time, raised_at, rule_id, title, severity, session_id, agent, status, assignee,
          updated_at,
          if(status = 'open', NULL, dateDiff('millisecond', raised_at, ifNull(triaged_at, base_updated_at))) AS ms
        FROM ${alertsWithTriage(database)}
        WHERE raised_at >= ${T('from')} AND raised_at < ${T('to')} AND ${sessionScope}`;
      const byStatus = await db.query<{ k: string; c: Num }>(
        'report.alerts.status',
        `SELECT status AS k, count() AS c FROM (${base}) GROUP BY k ORDER BY k`,
        p,
      );
      const bySeverity = await db.query<{ k: string; c: Num }>(
        'report.alerts.severity',
        `SELECT severity AS k, count() AS c FROM (${base}) GROUP BY k ORDER BY k`,
        p,
      );
      const byRule = await db.query<{ k: string; c: Num; o: Num }>(
        'report.alerts.rules',
        `SELECT rule_id AS k, count() AS c, countIf(status = 'open') AS o FROM (${base}) GROUP BY k ORDER BY c DESC, k`,
        p,
      );
      const [tt] = await db.query<Record<string, Num | null>>(
        'report.alerts.triage',
        `SELECT count() AS total, countIf(ms IS NOT NULL) AS triaged, round(quantileExactInclusiveIf(0.5)(ms, ms IS NOT NULL)) AS p50,
           round(quantileExactInclusiveIf(0.9)(ms, ms IS NOT NULL)) AS p90, maxIf(ms, ms IS NOT NULL) AS mx FROM (${base})`,
        p,
      );
      const items = await db.query<Record<string, string | Num | null>>(
        'report.alerts.items',
        `SELECT alert_id AS i, toString(time) AS t, toString(raised_at) AS rt, rule_id AS r, ${cut('title', 200, 'ti')},
           severity AS sv, agent AS a, session_id AS sid, status AS st, assignee AS asg, ms AS d
         FROM (${base}) ORDER BY raised_at, alert_id LIMIT {limit:UInt32}`,
        { ...p, limit },
      );
      const kv = (rows: { k: string; c: Num }[]) => Object.fromEntries(rows.map((r) => [r.k, n(r.c)]));
      return {
        total: n(tt?.total),
        triaged: n(tt?.triaged),
        triage_ms: { p50: nOrNull(tt?.p50), p90: nOrNull(tt?.p90), max: nOrNull(tt?.mx) },
        by_status: kv(byStatus),
        by_severity: kv(bySeverity),
        by_rule: byRule.map((r) => ({ rule_id: r.k, count: n(r.c), open: n(r.o) })),
        items: items.map((r) => ({
          alert_id: String(r.i),
          time: iso(String(r.t)),
          raised_at: iso(String(r.rt)),
          rule_id: String(r.r),
          title: shown(r.ti, r.ti_cut),
          severity: String(r.sv),
          agent: String(r.a),
          session_id: String(r.sid),
          status: String(r.st),
          assignee: String(r.asg),
          triage_ms: nOrNull(r.d as Num | null),
        })),
      };
    },

    /** Grants made in the period, by scope, and how many of them were revoked since. */
    async grants(s: ReportScope) {
      const rows = await db.query<{ sc: string; c: Num; rv: Num }>(
        'report.grants',
        `SELECT scope AS sc, count() AS c, countIf(revoked = 1) AS rv FROM ${q('grants')} FINAL
         WHERE created_at >= ${T('from')} AND created_at < ${T('to')} GROUP BY sc ORDER BY sc`,
        scopeParams(s),
      );
      return rows.map((r) => ({ scope: r.sc, made: n(r.c), revoked: n(r.rv) }));
    },

    /** Audit records in the period by action. */
    async auditActions(s: ReportScope) {
      const rows = await db.query<{ a: string; c: Num }>(
        'report.audit.actions',
        `SELECT action AS a, count() AS c FROM ${q('audit_chain')}
         WHERE time >= ${T('from')} AND time < ${T('to')} GROUP BY a ORDER BY a`,
        scopeParams(s),
      );
      return rows.map((r) => ({ action: r.a, count: n(r.c) }));
    },

    /** Per audit writer: records in the period and the last seq among them. */
    async auditHeads(s: ReportScope) {
      const rows = await db.query<{ w: string; c: Num; m: Num }>(
        'report.audit.heads',
        `SELECT writer AS w, count() AS c, max(seq) AS m FROM ${q('audit_chain')}
         WHERE time >= ${T('from')} AND time < ${T('to')} GROUP BY w ORDER BY w`,
        scopeParams(s),
      );
      return rows.map((r) => ({ writer: r.w, records: n(r.c), last_seq: n(r.m) }));
    },

    /**
     * Policy versions in force: each set of policy files' last version loaded before the period (in force at
     * its start) and every version loaded during it, by digest (audit `policy.loaded` records).
     */
    async policyVersions(s: ReportScope) {
      const rows = await db.query<{ dg: string; src: string; f: string; l: string; c: Num; st: Num }>(
        'report.policies',
        `SELECT dg, min(src) AS src, toString(min(t)) AS f, toString(max(t)) AS l,
           countIf(t >= ${T('from')}) AS c, max(t < ${T('from')}) AS st
         FROM (
           SELECT JSONExtractString(details, 'digest') AS dg, JSONExtractString(details, 'sources') AS src, time AS t
           FROM ${q('audit_chain')} WHERE action = 'policy.loaded' AND time >= ${T('from')} AND time < ${T('to')}
           UNION ALL
           SELECT argMax(JSONExtractString(details, 'digest'), time) AS dg, JSONExtractString(details, 'sources') AS src,
             max(time) AS t
           FROM ${q('audit_chain')} WHERE action = 'policy.loaded' AND time < ${T('from')} GROUP BY src
         ) GROUP BY dg ORDER BY min(t), dg`,
        scopeParams(s),
      );
      return rows.map((r) => ({
        digest: r.dg,
        sources: r.src,
        first_seen: iso(r.f),
        last_seen: iso(r.l),
        loads: n(r.c),
        in_force_at_start: n(r.st) === 1,
      }));
    },
  };
}
export type ReportRepo = ReturnType<typeof createReportRepo>;
