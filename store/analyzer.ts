import { RiskFactor, type SessionRisk, Suppression } from '../schema/index.js';
import {
  ARGUMENT_KINDS,
  attachWriteArguments,
  decodeScoreRows,
  HISTORY_COLUMNS,
  type IngestedEvent,
  SCORE_SELECT,
  WRITE_ARGS_SELECT,
  type WriteArgsRow,
} from './analyzer-events.js';
import { createLateRowQueries } from './analyzer-late.js';
import { createMetricsQueries } from './analyzer-metrics.js';
import { createSenderRiskQueries } from './analyzer-sender-risk.js';
import { createSightingQueries } from './analyzer-sightings.js';
import { createStepQueries } from './analyzer-steps.js';
import { restoreWriteArguments } from './analyzer-write-args.js';
import type { Db } from './db.js';
import { type AgentEventRow, rowToEvent } from './rows/agent-events.js';
import { clickhouseTimeToIso } from './rows/common.js';

export { type IngestGroup, idFingerprint } from './analyzer-late.js';
export { type MetricName, SESSION_METRICS, type SessionMetrics } from './analyzer-metrics.js';
export type { SenderRisk } from './analyzer-sender-risk.js';
export type { Sighting, SightingPlace, SightingRow } from './analyzer-sightings.js';
export { STEPS_FROM_STATE, type StepRow } from './analyzer-steps.js';
export type { IngestedEvent };

/** Where the analyzer has read up to: the ingest time and event id of the last event it scored. */
export interface Watermark {
  ingestedAt: string;
  eventId: string;
}

interface SuppressionRow extends Omit<Suppression, 'created_at'> {
  created_at: string;
  active: number | string;
}

/**
 * Events stored past a watermark (all of them when there is none), with `pastWatermark`'s parameters. The
 * `ingested_at >=` bound lets the sorting key prune parts; the tuple orders events of one instant.
 */
const PAST_WATERMARK = `({none:UInt8} = 1 OR (ingested_at >= parseDateTime64BestEffort({t:String}, 3, 'UTC')
  AND (ingested_at, event_id) > (parseDateTime64BestEffort({t:String}, 3, 'UTC'), {id:String})))`;
const pastWatermark = (after: Watermark | null) => ({
  none: after ? 0 : 1,
  t: after?.ingestedAt ?? '1970-01-01',
  id: after?.eventId ?? '',
});

/** The analyzer's own state: watermark and lease, session risk, sightings, suppressions, event reads. */
export function createAnalyzerRepo(db: Db, database: string) {
  const events = `"${database}".agent_events`;
  const state = `"${database}".analyzer_state`;
  let last = 0;
  const version = (): string => {
    // Microsecond versions that grow strictly in this process.
    last = Math.max(Date.now() * 1000, last + 1);
    const ms = Math.floor(last / 1000);
    return `${new Date(ms).toISOString().slice(0, 23)}${String(last % 1000).padStart(3, '0')}Z`;
  };

  /** `tag` picks the lane: the analyzer's own reads by default, `hooks.*` for a hook's decision (the API's). */
  async function getState(key: string, tag = 'analyzer.state.get'): Promise<string | null> {
    const [row] = await db.query<{ value: string }>(
      tag,
      `SELECT value FROM ${state} FINAL WHERE key = {key:String} LIMIT 1`,
      { key },
    );
    return row ? row.value : null;
  }
  async function setState(key: string, value: string): Promise<void> {
    await db.insert('analyzer.state.set', 'analyzer_state', [{ key, value, updated_at: version() }]);
  }

  return {
    ...createMetricsQueries(db, events),
    ...createLateRowQueries(db, events),
    ...createSightingQueries(db, database, events),
    ...createSenderRiskQueries(db, database, version),
    ...createStepQueries(db, database, version),
    getState,
    setState,
    /**
     * How far the analyzer has scored. `forHook`: read for a hook's decision, on the API's lane rather than
     * behind the analyzer's own reads.
     */
    async watermark(name: string, forHook = false): Promise<Watermark | null> {
      const v = await getState(`watermark:${name}`, forHook ? 'hooks.scored-up-to' : undefined);
      if (!v) return null;
      try {
        const w = JSON.parse(v) as Partial<Watermark>;
        if (typeof w.ingestedAt === 'string' && typeof w.eventId === 'string')
          return { ingestedAt: w.ingestedAt, eventId: w.eventId };
      } catch {
        // an unreadable watermark: start over (scoring is idempotent)
      }
      return null;
    },
    /**
     * `metricsFrom`: the watermark's ingest time as it was a while before (analyzer/metrics-trail.ts), kept with it
     * so that a restart knows which sessions' metrics may be behind.
     */
    setWatermark(name: string, w: Watermark, metricsFrom?: string): Promise<void> {
      return setState(`watermark:${name}`, JSON.stringify(metricsFrom ? { ...w, metricsFrom } : w));
    },
    /** The `metricsFrom` kept with the watermark (null when none is, or it does not read as a time). */
    async watermarkMetricsFrom(name: string): Promise<string | null> {
      const v = await getState(`watermark:${name}`);
      try {
        const m = v ? (JSON.parse(v) as { metricsFrom?: unknown }).metricsFrom : undefined;
        return typeof m === 'string' && !Number.isNaN(Date.parse(m)) ? m : null;
      } catch {
        return null;
      }
    },

    /**
     * Events received after `from` (ingest time, then id), oldest first, up to `limit`. Two steps, each bounded
     * by the batch rather than by what is left to read: rows per ingest time (one narrow column) find the batch's
     * last ingest time, then only that range is read, sorted and cut, in RowBinary and with the analyzer's columns
     * only. One insert shares one ingest time, so a range holds whole inserts except a too-large last one.
     */
    async eventsAfter(from: Watermark | null, limit: number): Promise<IngestedEvent[]> {
      const t = from?.ingestedAt ?? '1970-01-01T00:00:00Z';
      const id = from?.eventId ?? '';
      // Rows per later ingest time read the ingest time alone; only the group the watermark is inside reads ids.
      const groups = await db.query<{ t: string; n: string }>(
        'analyzer.events-after.groups',
        `SELECT t, n FROM (
           SELECT toString(ingested_at) AS t, count() AS n FROM ${events}
           WHERE ingested_at = parseDateTime64BestEffort({t:String}, 3, 'UTC') AND event_id > {id:String}
           GROUP BY ingested_at
           UNION ALL
           SELECT toString(ingested_at) AS t, count() AS n FROM ${events}
           WHERE ingested_at > parseDateTime64BestEffort({t:String}, 3, 'UTC')
           GROUP BY ingested_at
         ) ORDER BY t LIMIT {limit:UInt32}`,
        { t, id, limit },
      );
      if (groups.length === 0) return [];
      let upper = t;
      let rows = 0;
      for (const g of groups) {
        if (rows >= limit) break;
        upper = g.t;
        rows += Number(g.n);
      }
      const buf = await db.queryRowBinary(
        'analyzer.events-after',
        `SELECT ${SCORE_SELECT} FROM ${events}
         WHERE ingested_at >= parseDateTime64BestEffort({t:String}, 3, 'UTC')
           AND ingested_at <= parseDateTime64BestEffort({ut:String}, 3, 'UTC')
           AND (ingested_at, event_id) > (parseDateTime64BestEffort({t:String}, 3, 'UTC'), {id:String})
         ORDER BY ingested_at, event_id LIMIT {limit:UInt32}`,
        { t, id, ut: upper, limit },
      );
      const out = decodeScoreRows(buf);
      const writes = out.filter((e) => ARGUMENT_KINDS.includes(e.event.kind)).map((e) => e.event.event_id);
      if (writes.length > 0)
        attachWriteArguments(
          out,
          await restoreWriteArguments(
            db,
            database,
            await db.query<WriteArgsRow>(
              'analyzer.write-arguments',
              `SELECT ${WRITE_ARGS_SELECT} FROM ${events}
             WHERE ingested_at >= parseDateTime64BestEffort({t:String}, 3, 'UTC')
               AND ingested_at <= parseDateTime64BestEffort({ut:String}, 3, 'UTC')
               AND kind IN {kinds:Array(String)} AND event_id IN {ids:Array(String)}`,
              { t, ut: upper, ids: writes, kinds: ARGUMENT_KINDS },
            ),
          ),
        );
      return out;
    },

    /** Events stored after a watermark, not yet scored (all of them when there is none): the analyzer's backlog. */
    async unscored(after: Watermark | null): Promise<number> {
      const rows = await db.query<{ n: string }>(
        'analyzer.unscored',
        after
          ? `SELECT count() AS n FROM ${events}
             WHERE (ingested_at, event_id) > (parseDateTime64BestEffort({t:String}, 3, 'UTC'), {id:String})`
          : `SELECT count() AS n FROM ${events}`,
        after ? { t: after.ingestedAt, id: after.eventId } : {},
      );
      return Number(rows[0]?.n ?? 0);
    },

    /**
     * How far behind the analyzer is, for a hook's decision (the API's lane, not the analyzer's): the age of the
     * oldest event stored and not yet scored (past the watermark; null when there is none), by the engine's
     * clock, the one that stamped them. Read from the ingest times alone (the rows received at the watermark's own
     * time are few): over the ids too, a backlog of a million events took ~160 ms a read, every second, while an
     * agent's flood held the analyzer back.
     */
    async backlogAgeMs(after: Watermark | null): Promise<number | null> {
      const rows = await db.query<{ age: number | string | null }>(
        'hooks.backlog-age',
        after
          ? `SELECT dateDiff('millisecond', minOrNull(oldest), now64(3)) AS age FROM (
               SELECT min(ingested_at) AS oldest FROM ${events}
               WHERE ingested_at > parseDateTime64BestEffort({t:String}, 3, 'UTC') HAVING count() > 0
               UNION ALL
               SELECT min(ingested_at) AS oldest FROM ${events}
               WHERE ingested_at = parseDateTime64BestEffort({t:String}, 3, 'UTC') AND event_id > {id:String}
               HAVING count() > 0)`
          : `SELECT dateDiff('millisecond', minOrNull(ingested_at), now64(3)) AS age FROM ${events}`,
        after ? { t: after.ingestedAt, id: after.eventId } : {},
      );
      const age = rows[0]?.age;
      return age === null || age === undefined ? null : Number(age);
    },

    /** Whether a session has events the analyzer has not scored (past the watermark), for a hook's decision. */
    async sessionBehind(session: string, after: Watermark | null): Promise<boolean> {
      const rows = await db.query<{ n: number }>(
        'hooks.session-behind',
        `SELECT 1 AS n FROM ${events}
         WHERE session_id = {s:String} AND ${PAST_WATERMARK}
         LIMIT 1`,
        { s: session, ...pastWatermark(after) },
      );
      return rows.length > 0;
    },

    /**
     * Events of sessions received at or before a point (a session's history when its state is rebuilt), each with
     * when it was received, and when each session's first event was (of all its events, not only those replayed).
     */
    async sessionHistory(
      sessions: readonly string[],
      upTo: Watermark,
      cap: number,
    ): Promise<{ events: IngestedEvent[]; firstReceived: Map<string, string> }> {
      const firstReceived = new Map<string, string>();
      if (sessions.length === 0) return { events: [], firstReceived };
      const rows = await db.query<AgentEventRow & { ingested_at: string; first_received: string }>(
        'analyzer.session-history',
        `SELECT ${HISTORY_COLUMNS}, ingested_at, min(ingested_at) OVER (PARTITION BY session_id) AS first_received
         FROM ${events}
         WHERE session_id IN {s:Array(String)}
           AND (ingested_at, event_id) <= (parseDateTime64BestEffort({t:String}, 3, 'UTC'), {id:String})
         ORDER BY session_id, time DESC LIMIT {cap:UInt32} BY session_id`,
        { s: sessions, t: upTo.ingestedAt, id: upTo.eventId, cap },
      );
      for (const r of rows) firstReceived.set(r.session_id, clickhouseTimeToIso(r.first_received));
      const out = rows.map(({ first_received: _first, ...r }) => ({
        event: rowToEvent(r),
        ingestedAt: clickhouseTimeToIso(r.ingested_at),
      }));
      return { events: out.reverse(), firstReceived };
    },

    async putRisk(
      rows: readonly (SessionRisk & { agent: string; user_id: string; repo: string })[],
    ): Promise<void> {
      await db.insert(
        'analyzer.risk.put',
        'session_risk',
        // A risk that is not a number is stored as NaN (quoted: JSON has no NaN, and a null would be stored as the
        // column's default, 0), so it reads back as unknown, not as calm.
        rows.map((r) => ({
          ...r,
          risk: Number.isFinite(r.risk) ? r.risk : 'nan',
          factors: JSON.stringify(r.factors),
          updated_at: version(),
        })),
      );
    },
    async risk(session: string): Promise<SessionRisk | null> {
      const [row] = await db.query<{ session_id: string; risk: number | string | null; factors: string }>(
        'analyzer.risk.get',
        `SELECT session_id, risk, factors FROM "${database}".session_risk FINAL WHERE session_id = {s:String}`,
        { s: session },
      );
      if (!row) return null;
      let factors: SessionRisk['factors'] = [];
      try {
        const parsed = RiskFactor.array().safeParse(JSON.parse(row.factors));
        if (parsed.success) factors = parsed.data;
      } catch {
        // keep the number, drop unreadable factors
      }
      // ClickHouse writes a NaN or infinite Float64 as null in JSON, which Number() would read as 0: a risk that
      // is not a number stays NaN, and the gate takes it as unknown.
      const risk = row.risk === null ? Number.NaN : Number(row.risk);
      return { session_id: row.session_id, risk, factors };
    },
    /** The riskiest sessions active in a window. */
    async riskiest(from: string, to: string, limit: number) {
      const rows = await db.query<{
        session_id: string;
        agent: string;
        user_id: string;
        repo: string;
        risk: number;
      }>(
        'analyzer.risk.riskiest',
        `SELECT session_id, agent, user_id, repo, risk FROM "${database}".session_risk FINAL
         WHERE risk > 0
           AND ({from:String} = '' OR updated_at >= parseDateTime64BestEffortOrZero({from:String}, 6, 'UTC'))
           AND ({to:String} = '' OR updated_at < parseDateTime64BestEffortOrZero({to:String}, 6, 'UTC'))
         ORDER BY risk DESC LIMIT {limit:UInt32}`,
        { from, to, limit },
      );
      return rows.map((r) => ({
        session_id: r.session_id,
        agent: r.agent,
        user: r.user_id,
        repo: r.repo,
        risk: Number(r.risk),
      }));
    },

    async addSuppression(s: Suppression): Promise<void> {
      await db.insert('analyzer.suppressions.add', 'analyzer_suppressions', [
        { ...s, active: 1, updated_at: version() },
      ]);
    },
    async suppressions(): Promise<Suppression[]> {
      const rows = await db.query<SuppressionRow>(
        'analyzer.suppressions.list',
        `SELECT id, detector, scope, scope_value, value, created_by, created_at, reason, alert_id, active
         FROM "${database}".analyzer_suppressions FINAL WHERE active = 1 ORDER BY created_at LIMIT 10000`,
      );
      return rows.map(({ active: _a, ...r }) =>
        Suppression.parse({ ...r, created_at: clickhouseTimeToIso(r.created_at) }),
      );
    },

    /** Events per minute, agents and repos of a window (the overview), aggregated by ClickHouse. */
    async overview(from: string, to: string) {
      const params = { from, to };
      const where = `({from:String} = '' OR time >= parseDateTime64BestEffortOrZero({from:String}, 9, 'UTC'))
        AND ({to:String} = '' OR time < parseDateTime64BestEffortOrZero({to:String}, 9, 'UTC'))`;
      const [perMinute, agents, repos] = await Promise.all([
        db.query<{ t: string; n: string }>(
          'analyzer.overview.per-minute',
          `SELECT toStartOfMinute(time) AS t, count() AS n FROM ${events} WHERE ${where}
           GROUP BY t ORDER BY t DESC LIMIT 1440`,
          params,
        ),
        db.query<{ agent: string; n: string }>(
          'analyzer.overview.agents',
          `SELECT agent, uniqExact(session_id) AS n FROM ${events} WHERE ${where} GROUP BY agent ORDER BY n DESC LIMIT 50`,
          params,
        ),
        db.query<{ repo: string; n: string }>(
          'analyzer.overview.repos',
          `SELECT repo, uniqExact(session_id) AS n FROM ${events} WHERE ${where} AND repo != ''
           GROUP BY repo ORDER BY n DESC LIMIT 50`,
          params,
        ),
      ]);
      return {
        events_per_minute: perMinute.reverse().map((r) => ({ t: clickhouseTimeToIso(r.t), n: Number(r.n) })),
        agents: agents.map((r) => ({ agent: r.agent, n: Number(r.n) })),
        repos: repos.map((r) => ({ repo: r.repo, n: Number(r.n) })),
      };
    },
  };
}
/** The analyzer repo: what `store.analyzer` exposes. */
export type AnalyzerRepo = ReturnType<typeof createAnalyzerRepo>;
