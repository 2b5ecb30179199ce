import type { Db } from './db.js';
import {
  cut,
  EVENT_SCOPE,
  isCut,
  iso,
  type Num,
  n,
  type ReportScope,
  SKEW_MS,
  scopeParams,
  shown,
  T,
} from './report-sql.js';

/** How an event's claimed time stands to the period it was received in and to its receive time. */
export type ArrivalFlag = 'late_arrival' | 'claimed_ahead' | 'backdated';

/** One agent's (one telemetry source's) claimed-versus-received times over the period. */
export interface ArrivalsByAgent {
  agent: string;
  events: number;
  late_arrivals: number;
  claimed_ahead: number;
  backdated: number;
  /** Median of received − claimed: a source's typical clock offset and delay. */
  p50_skew_ms: number;
  /** Largest received − claimed (how far back an event claimed to be), 0 if none claimed the past. */
  max_late_ms: number;
  /** Largest claimed − received (how far ahead an event claimed to be), 0 if none claimed the future. */
  max_ahead_ms: number;
}

/**
 * One flag per event, first match wins (so the counts add up): claims a time before the period it arrived in
 * (`late_arrival`: a report of that earlier period never showed it); claims a time after the period, or more
 * than the tolerance after its arrival (`claimed_ahead`); claims more than the tolerance before its arrival,
 * within the period (`backdated`); else none.
 */
const FLAG = `multiIf(time < ${T('from')}, 'late_arrival',
  time >= ${T('to')} OR (${SKEW_MS}) < -{skew:Int64}, 'claimed_ahead',
  (${SKEW_MS}) > {skew:Int64}, 'backdated', '')`;

/**
 * Claimed against received times of the events received in the period: counts and skew per agent, and the
 * first `limit` flagged events (by receive time) with both times. `skewMs` is the tolerance for clocks and
 * exporter delays.
 */
export function createArrivalsQuery(db: Db, database: string) {
  const events = `"${database}".agent_events`;
  const rowsOf = `SELECT agent, session_id, user_id, repo, kind, command, event_id, time, ingested_at, ${SKEW_MS} AS sk, ${FLAG} AS flag FROM ${events} FINAL WHERE ${EVENT_SCOPE}`;
  return async function arrivals(s: ReportScope, skewMs: number, limit = 500) {
    const p = { ...scopeParams(s), skew: skewMs, limit };
    const groups = await db.query<Record<string, Num>>(
      'report.arrivals.agents',
      `SELECT agent AS a, count() AS e, countIf(flag = 'late_arrival') AS la, countIf(flag = 'claimed_ahead') AS ca,
         countIf(flag = 'backdated') AS bd, round(quantileExactInclusive(0.5)(sk)) AS p50,
         greatest(0, max(sk)) AS ml, greatest(0, -min(sk)) AS ma
       FROM (${rowsOf}) GROUP BY a ORDER BY a`,
      p,
    );
    const items = await db.query<Record<string, Num>>(
      'report.arrivals.items',
      `SELECT flag AS f, toString(time) AS t, toString(ingested_at) AS r, sk, agent AS a, session_id AS sid,
         user_id AS u, repo AS rp, kind AS k, ${cut('command', 300, 'cmd')}, event_id AS id
       FROM (${rowsOf}) WHERE flag != '' ORDER BY ingested_at, event_id LIMIT {limit:UInt32}`,
      p,
    );
    const by_agent: ArrivalsByAgent[] = groups.map((g) => ({
      agent: String(g.a),
      events: n(g.e),
      late_arrivals: n(g.la),
      claimed_ahead: n(g.ca),
      backdated: n(g.bd),
      p50_skew_ms: n(g.p50),
      max_late_ms: n(g.ml),
      max_ahead_ms: n(g.ma),
    }));
    const total = (k: 'late_arrivals' | 'claimed_ahead' | 'backdated') =>
      by_agent.reduce((x, g) => x + g[k], 0);
    return {
      skew_tolerance_ms: skewMs,
      late_arrivals: total('late_arrivals'),
      claimed_ahead: total('claimed_ahead'),
      backdated: total('backdated'),
      by_agent,
      items: items.map((r) => ({
        flag: String(r.f) as ArrivalFlag,
        time: iso(String(r.t)),
        received_at: iso(String(r.r)),
        skew_ms: n(r.sk),
        agent: String(r.a ?? ''),
        session_id: String(r.sid ?? ''),
        user: String(r.u ?? ''),
        repo: String(r.rp ?? ''),
        kind: String(r.k ?? ''),
        command: shown(r.cmd, r.cmd_cut),
        command_truncated: isCut(r.cmd_cut),
        event_id: String(r.id ?? ''),
      })),
    };
  };
}
