import type { EventsQuery } from '../schema/index.js';
import type { Db, Params } from './db.js';
import { type AgentEventRow, RECEIVED_EVENT_COLUMNS } from './rows/agent-events.js';

// The page's keys first, from the key and filter columns only: agent_events is sorted by (time, event_id), so
// newest-first reads in order and stops at the page. Then the page's full rows, found by their key range. No
// FINAL: it would read and merge every row before the limit. A retried export or a re-sent copy not merged away
// yet shows as a repeated key, dropped here; its first arrival is the row kept, as merges keep it (they differ
// only in their receive time).
const FILTERS = `({agent:String} = '' OR agent = {agent:String})
  AND ({session:String} = '' OR session_id = {session:String})
  AND ({kind:String} = '' OR kind = {kind:String})
  AND ({from:String} = '' OR time >= parseDateTime64BestEffortOrZero({from:String}, 9, 'UTC'))
  AND ({to:String} = '' OR time < parseDateTime64BestEffortOrZero({to:String}, 9, 'UTC'))
  AND ({text:String} = '' OR positionCaseInsensitiveUTF8(command, {text:String}) > 0
       OR positionCaseInsensitiveUTF8(target, {text:String}) > 0
       OR positionCaseInsensitiveUTF8(event_name, {text:String}) > 0)
  AND ({ct:String} = '' OR time <= parseDateTime64BestEffortOrZero({ct:String}, 9, 'UTC'))
  AND ({ct:String} = '' OR (time, event_id) < (parseDateTime64BestEffortOrZero({ct:String}, 9, 'UTC'), {cid:String}))`;

/** Most key rounds when repeated keys (unmerged retries) leave a page short. */
const ROUNDS = 4;

/** Up to `want` rows of a filtered newest-first listing after a cursor, each key once, newest first. */
export async function readEventsPage(
  db: Db,
  table: string,
  q: EventsQuery,
  cursor: { t: string; id: string },
  want: number,
): Promise<AgentEventRow[]> {
  const params: Params = {
    agent: q.agent ?? '',
    session: q.session ?? '',
    kind: q.kind ?? '',
    from: q.from ?? '',
    to: q.to ?? '',
    text: q.text ?? '',
    ct: cursor.t,
    cid: cursor.id,
  };
  let keys: { t: string; id: string }[] = [];
  for (let round = 0, n = want; round < ROUNDS; round++, n *= 4) {
    const found = await db.query<{ t: string; id: string }>(
      'events.query.keys',
      `SELECT toString(time) AS t, event_id AS id FROM ${table} WHERE ${FILTERS}
       ORDER BY time DESC, event_id DESC LIMIT {n:UInt32}`,
      { ...params, n },
    );
    keys = found.filter((k, i) => i === 0 || k.id !== found[i - 1]?.id || k.t !== found[i - 1]?.t);
    if (keys.length >= want || found.length < n) break;
  }
  keys = keys.slice(0, want);
  const first = keys[0];
  const last = keys[keys.length - 1];
  if (!first || !last) return [];
  return db.query<AgentEventRow>(
    'events.query.rows',
    `SELECT ${RECEIVED_EVENT_COLUMNS} FROM ${table}
     WHERE time >= {lo:DateTime64(9, 'UTC')} AND time <= {hi:DateTime64(9, 'UTC')} AND event_id IN {ids:Array(String)}
     ORDER BY time DESC, event_id DESC, ingested_at LIMIT 1 BY time, event_id`,
    { lo: last.t, hi: first.t, ids: keys.map((k) => k.id) },
  );
}
