import {
  type AgentEvent,
  type EventsPage,
  type EventsQuery,
  LOOPBACK_SENDER,
  type SessionSummary,
  type SessionsQuery,
  type SessionTimeline,
} from '../schema/index.js';
import type { Db } from './db.js';
import { readEventsPage } from './events-page.js';
import { restoreElidedAttributes } from './raw-attributes.js';
import {
  type AgentEventRow,
  EVENT_READ_COLUMNS,
  eventToRow,
  RECEIVED_EVENT_COLUMNS,
  rowToEvent,
  rowToReceivedEvent,
} from './rows/agent-events.js';
import { clickhouseTimeToIso } from './rows/common.js';
import { summarizeTimeline } from './session-summary.js';

const COLUMNS = EVENT_READ_COLUMNS;

const TIMELINE_LIMIT = 5000;

interface Cursor {
  t: string;
  id: string;
}

function encodeCursor(c: Cursor): string {
  return Buffer.from(JSON.stringify(c)).toString('base64url');
}

/** Throws a RangeError (the API answers 400) for a cursor it did not issue. */
function decodeCursor(s: string): Cursor {
  try {
    const c = JSON.parse(Buffer.from(s, 'base64url').toString('utf8')) as Partial<Cursor>;
    if (typeof c.t === 'string' && typeof c.id === 'string' && !Number.isNaN(Date.parse(c.t)))
      return { t: c.t, id: c.id };
  } catch {
    // fall through
  }
  throw new RangeError('cursor is not one this server issued');
}

interface SessionRow {
  session_id: string;
  s_agent: string;
  s_user: string;
  s_host: string;
  s_repo: string;
  first_time: string;
  last_time: string;
  events: string | number;
  commands: string | number;
  denied: string | number;
  kinds: Record<string, string | number>;
  senders: string[];
}

function rowToSession(r: SessionRow): SessionSummary {
  return {
    session_id: r.session_id,
    agent: r.s_agent,
    user_id: r.s_user,
    host: r.s_host,
    repo: r.s_repo,
    first_time: clickhouseTimeToIso(r.first_time),
    last_time: clickhouseTimeToIso(r.last_time),
    events: Number(r.events),
    commands: Number(r.commands),
    denied: Number(r.denied),
    kinds: Object.fromEntries(Object.entries(r.kinds).map(([k, v]) => [k, Number(v)])),
    senders: r.senders,
  };
}

/** Reads and writes of normalized agent events. */
export function createEventsRepo(db: Db, database: string) {
  const table = `"${database}".agent_events`;
  // Aliases differ from column names: ClickHouse would otherwise resolve WHERE's `agent` to the aggregate.
  const sessionSelect = `SELECT session_id, any(agent) AS s_agent, anyIf(user_id, user_id != '') AS s_user, anyIf(host, host != '') AS s_host,
      anyIf(repo, repo != '') AS s_repo, min(time) AS first_time, max(time) AS last_time, count() AS events,
      countIf(kind = 'command') AS commands, countIf(decision = 'deny') AS denied,
      sumMap(map(kind, toUInt64(1))) AS kinds,
      arraySort(groupUniqArrayIf(toString(sender), sender NOT IN ('', {loopback:String}))) AS senders
    FROM ${table} FINAL`;

  /**
   * The tokens that sent events into a session, each once (not tokenless loopback ingest, not the server's own
   * events): more than one, and the session is contested (session ids are the clients' to choose). `actionsOnly`
   * leaves out the approval records a request wrote there.
   */
  async function tokenSenders(session: string, actionsOnly = false): Promise<string[]> {
    // `actionsOnly`: not the approval records the server writes into the session a request names (stamped with
    // the requester), only what the tokens sent.
    const rows = await db.query<{ sender: string }>(
      'events.token-senders',
      `SELECT DISTINCT toString(sender) AS sender FROM ${table}
       WHERE session_id = {s:String} AND sender NOT IN ('', {loopback:String})
         AND ({actions:UInt8} = 0 OR kind != 'approval')`,
      { s: session, loopback: LOOPBACK_SENDER, actions: actionsOnly ? 1 : 0 },
    );
    return rows.map((r) => r.sender);
  }

  return {
    /**
     * Stores events. `from`: 'approvals' (the default) runs on the approval path's engine lane, where an approval
     * waits on its event row; 'hooks' runs beside the API, for the hook decisions recorded in batches.
     */
    async insert(events: readonly AgentEvent[], from: 'approvals' | 'hooks' = 'approvals'): Promise<void> {
      const tag = from === 'hooks' ? 'hooks.events-insert' : 'events.insert';
      await db.insert(tag, 'agent_events', events.map(eventToRow));
    },

    async query(q: EventsQuery): Promise<EventsPage> {
      const cursor = q.cursor ? decodeCursor(q.cursor) : { t: '', id: '' };
      const rows = await readEventsPage(db, table, q, cursor, q.limit + 1);
      const page = rows.slice(0, q.limit);
      await restoreElidedAttributes(db, database, page);
      const events = page.map(rowToReceivedEvent);
      const last = events[events.length - 1];
      const next = rows.length > q.limit && last ? encodeCursor({ t: last.time, id: last.event_id }) : null;
      return { events, next_cursor: next };
    },

    async byId(id: string): Promise<AgentEvent | null> {
      const [row] = await db.query<AgentEventRow>(
        'events.by-id',
        `SELECT ${COLUMNS} FROM ${table} FINAL WHERE event_id = {id:String} LIMIT 1`,
        { id },
      );
      if (!row) return null;
      await restoreElidedAttributes(db, database, [row]);
      return rowToEvent(row);
    },

    tokenSenders,

    async sessions(q: SessionsQuery): Promise<SessionSummary[]> {
      const rows = await db.query<SessionRow>(
        'events.sessions',
        `${sessionSelect}
         WHERE session_id != ''
           AND ({agent:String} = '' OR agent = {agent:String})
           AND ({from:String} = '' OR time >= parseDateTime64BestEffortOrZero({from:String}, 9, 'UTC'))
           AND ({to:String} = '' OR time < parseDateTime64BestEffortOrZero({to:String}, 9, 'UTC'))
         GROUP BY session_id
         ORDER BY last_time DESC
         LIMIT {limit:UInt32}`,
        {
          agent: q.agent ?? '',
          from: q.from ?? '',
          to: q.to ?? '',
          limit: q.limit,
          loopback: LOOPBACK_SENDER,
        },
      );
      return rows.map(rowToSession);
    },

    async session(id: string): Promise<SessionTimeline | null> {
      const [rows, senders] = await Promise.all([
        db.query<AgentEventRow>(
          'events.session.timeline',
          `SELECT ${RECEIVED_EVENT_COLUMNS} FROM ${table} FINAL WHERE session_id = {id:String}
           ORDER BY time ASC, event_id ASC LIMIT {limit:UInt32}`,
          { id, limit: TIMELINE_LIMIT + 1 },
        ),
        tokenSenders(id),
      ]);
      const truncated = rows.length > TIMELINE_LIMIT;
      const timeline = rows.slice(0, TIMELINE_LIMIT);
      // The whole session is in hand unless it was cut: summarize it here instead of reading it again.
      let session = truncated ? null : summarizeTimeline(id, timeline, senders.sort());
      if (truncated) {
        const [summary] = await db.query<SessionRow>(
          'events.session.summary',
          `${sessionSelect} WHERE session_id = {id:String} GROUP BY session_id`,
          { id, loopback: LOOPBACK_SENDER },
        );
        session = summary ? rowToSession(summary) : null;
      }
      if (!session) return null;
      await restoreElidedAttributes(db, database, timeline);
      return { session, events: timeline.map(rowToReceivedEvent), truncated };
    },
  };
}
export type EventsRepo = ReturnType<typeof createEventsRepo>;
