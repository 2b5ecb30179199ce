import type { Db } from './db.js';
import { clickhouseTimeToIso } from './rows/common.js';

/** Per-session activity numbers for baselines, computed by ClickHouse (one definition for every session). */
export interface SessionMetrics {
  session_id: string;
  agent: string;
  user_id: string;
  repo: string;
  start: string;
  /** The session's stored rows (what one read of its metrics goes over). */
  events: number;
  commands: number;
  command_rate: number;
  failure_rate: number;
  denied_network: number;
  bytes_out: number;
  distinct_binaries: number;
  approval_denials: number;
}

const METRIC_NAMES = [
  'commands',
  'command_rate',
  'failure_rate',
  'denied_network',
  'bytes_out',
  'distinct_binaries',
  'approval_denials',
] as const;
/** The name of one per-session metric. */
export type MetricName = (typeof METRIC_NAMES)[number];
/** Every per-session metric, in a fixed order. */
export const SESSION_METRICS: readonly MetricName[] = METRIC_NAMES;

// One action = (session, call id or the row's own id, kind class): a tool_result log and its span count once.
const ACTION = "if(call_id != '', call_id, event_id)";
const IS_EXEC = `(kind IN ('command', 'tool_call', 'tool_decision', 'tool_result')
  AND (command != '' OR tool IN ('exec_command', 'shell', 'Bash', 'run_shell_command', 'ward.exec')))`;

const METRICS_SELECT = `session_id, any(agent) AS s_agent, anyIf(user_id, user_id != '') AS s_user,
  anyIf(repo, repo != '') AS s_repo, min(time) AS start, count() AS events,
  uniqExactIf(${ACTION}, ${IS_EXEC}) AS commands,
  commands / greatest(1, dateDiff('second', min(time), max(time)) / 60) AS command_rate,
  uniqExactIf(${ACTION}, ${IS_EXEC} AND (exit_code NOT IN (0) OR success = false)) / greatest(1, commands) AS failure_rate,
  uniqExactIf(${ACTION}, kind = 'network' AND decision = 'deny') AS denied_network,
  sum(ifNull(bytes_out, 0)) AS bytes_out,
  uniqExactIf(splitByWhitespace(command)[1], ${IS_EXEC} AND command != '') AS distinct_binaries,
  uniqExactIf(${ACTION}, kind IN ('tool_decision', 'approval') AND decision = 'deny') AS approval_denials`;

interface MetricsRow {
  session_id: string;
  s_agent: string;
  s_user: string;
  s_repo: string;
  start: string;
  events: string | number;
  commands: string | number;
  command_rate: string | number;
  failure_rate: string | number;
  denied_network: string | number;
  bytes_out: string | number;
  distinct_binaries: string | number;
  approval_denials: string | number;
}

function rowToMetrics(r: MetricsRow): SessionMetrics {
  return {
    session_id: r.session_id,
    agent: r.s_agent,
    user_id: r.s_user ?? '',
    repo: r.s_repo ?? '',
    start: clickhouseTimeToIso(r.start),
    events: Number(r.events),
    commands: Number(r.commands),
    command_rate: Number(r.command_rate),
    failure_rate: Number(r.failure_rate),
    denied_network: Number(r.denied_network),
    bytes_out: Number(r.bytes_out),
    distinct_binaries: Number(r.distinct_binaries),
    approval_denials: Number(r.approval_denials),
  };
}

/** Session metrics and baseline samples over `events` (the analyzer repo's metrics queries). */
export function createMetricsQueries(db: Db, events: string) {
  return {
    /** Per-session metrics for some sessions (computed in ClickHouse). */
    async sessionMetrics(sessions: readonly string[]): Promise<SessionMetrics[]> {
      if (sessions.length === 0) return [];
      const rows = await db.query<MetricsRow>(
        'analyzer.session-metrics',
        `SELECT ${METRICS_SELECT} FROM ${events} WHERE session_id IN {s:Array(String)} GROUP BY session_id`,
        { s: sessions },
      );
      return rows.map(rowToMetrics);
    },

    /**
     * Sessions with events received after `after` and up to `upTo` (ingest time), those received last first, at
     * most `limit`: after a restart, the sessions whose metrics may have left their last events out.
     */
    async sessionsReceived(after: string, upTo: string, limit: number): Promise<string[]> {
      const rows = await db.query<{ session_id: string }>(
        'analyzer.sessions-received',
        `SELECT session_id FROM ${events}
         WHERE ingested_at > parseDateTime64BestEffort({a:String}, 3, 'UTC')
           AND ingested_at <= parseDateTime64BestEffort({u:String}, 3, 'UTC') AND session_id != ''
         GROUP BY session_id ORDER BY max(ingested_at) DESC LIMIT {n:UInt32}`,
        { a: after, u: upTo, n: limit },
      );
      return rows.map((r) => r.session_id);
    },

    /**
     * Baseline samples for every scope at once: each session's metrics are aggregated once (last 30 days), then
     * the most recent `perScope` sessions are kept per repo, per user and per agent. One pass over the events
     * instead of one per scope type.
     */
    async baselineSamples(perScope: number): Promise<Record<'agent' | 'user_id' | 'repo', SessionMetrics[]>> {
      const rows = await db.query<MetricsRow & { scope: string; scope_value: string }>(
        'analyzer.baseline.all',
        `SELECT *, scope, scope_value FROM (
           SELECT ${METRICS_SELECT} FROM ${events}
           WHERE session_id != '' AND time >= now64(3) - toIntervalDay(30)
           GROUP BY session_id
         )
         ARRAY JOIN ['repo', 'user_id', 'agent'] AS scope, [s_repo, s_user, toString(s_agent)] AS scope_value
         ORDER BY start DESC
         LIMIT {n:UInt32} BY scope, scope_value`,
        { n: perScope },
      );
      const out: Record<'agent' | 'user_id' | 'repo', SessionMetrics[]> = {
        agent: [],
        user_id: [],
        repo: [],
      };
      for (const r of rows) {
        const l = out[r.scope as keyof typeof out];
        if (l) l.push(rowToMetrics(r));
      }
      return out;
    },
  };
}
