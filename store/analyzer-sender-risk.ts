import { LOOPBACK_SENDER } from '../schema/index.js';
import { HISTORY_COLUMNS, type IngestedEvent } from './analyzer-events.js';
import type { Db } from './db.js';
import { type AgentEventRow, rowToEvent } from './rows/agent-events.js';
import { clickhouseTimeToIso } from './rows/common.js';

/** One token's risk of one session: the risk of the events it sent there (with the tokenless ones). */
export interface SenderRisk {
  session_id: string;
  sender: string;
  risk: number;
}

/**
 * Session risk per sending token (session_sender_risk): what a runner reads of a session its token sent into, and
 * the history the analyzer replays to score one token's events of a session apart from another's.
 */
export function createSenderRiskQueries(db: Db, database: string, version: () => string) {
  const events = `"${database}".agent_events`;
  const table = `"${database}".session_sender_risk`;
  return {
    async putSenderRisk(rows: readonly SenderRisk[]): Promise<void> {
      if (rows.length === 0) return;
      // Not a number is stored as NaN (quoted), so it reads back as unknown, as in session_risk.
      await db.insert(
        'analyzer.sender-risk.put',
        'session_sender_risk',
        rows.map((r) => ({ ...r, risk: Number.isFinite(r.risk) ? r.risk : 'nan', updated_at: version() })),
      );
    },

    /**
     * The risk of each token's part of a session as the analyzer wrote it: the only token's whole risk, or each
     * token's part of a contested session.
     */
    async senderRisks(session: string): Promise<Map<string, number>> {
      const rows = await db.query<{ sender: string; risk: number | string | null }>(
        'analyzer.sender-risk.get',
        `SELECT toString(sender) AS sender, risk FROM ${table} FINAL WHERE session_id = {s:String}`,
        { s: session },
      );
      // ClickHouse writes a NaN Float64 as null in JSON: a risk that is not a number stays NaN (unknown).
      return new Map(rows.map((r) => [r.sender, r.risk === null ? Number.NaN : Number(r.risk)]));
    },

    /**
     * Events of sessions sent by the given tokens or by none (loopback ingest, the server's own), received at or
     * before a point: the newest `cap` per session and sender, oldest first. Each token's history is capped apart,
     * so one sender's flood does not push another's events out of it.
     */
    async senderHistory(
      sessions: readonly string[],
      senders: readonly string[],
      upTo: { ingestedAt: string; eventId: string },
      cap: number,
    ): Promise<{ events: IngestedEvent[]; firstReceived: Map<string, string> }> {
      const firstReceived = new Map<string, string>();
      if (sessions.length === 0) return { events: [], firstReceived };
      const rows = await db.query<AgentEventRow & { ingested_at: string; first_received: string }>(
        'analyzer.sender-history',
        `SELECT ${HISTORY_COLUMNS}, ingested_at, first_received FROM (
           SELECT ${HISTORY_COLUMNS}, ingested_at, sender,
                  min(ingested_at) OVER (PARTITION BY session_id) AS first_received
           FROM ${events}
           WHERE session_id IN {s:Array(String)}
             AND (ingested_at, event_id) <= (parseDateTime64BestEffort({t:String}, 3, 'UTC'), {id:String})
         )
         WHERE sender IN {senders:Array(String)}
         ORDER BY session_id, sender, time DESC LIMIT {cap:UInt32} BY session_id, sender`,
        {
          s: sessions,
          senders: [...senders, '', LOOPBACK_SENDER],
          t: upTo.ingestedAt,
          id: upTo.eventId,
          cap,
        },
      );
      for (const r of rows) firstReceived.set(r.session_id, clickhouseTimeToIso(r.first_received));
      const out = rows.map(({ first_received: _first, ...r }) => ({
        event: rowToEvent(r),
        ingestedAt: clickhouseTimeToIso(r.ingested_at),
      }));
      return { events: out.reverse(), firstReceived };
    },
  };
}
