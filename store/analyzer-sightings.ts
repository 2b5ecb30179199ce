import type { Db } from './db.js';

/**
 * Where one token saw a value: [agent, user, repo, when the first such sighting's event was received (ms), the
 * session it came from].
 */
export type SightingPlace = [string, string, string, number, string];

/** What novelty needs to know about a value: how many sending tokens saw it, and a sample of where. */
export interface Sighting {
  key: string;
  /** Distinct tokens whose events showed the value. */
  senders: number;
  /** Up to 50 of those tokens, each with up to 20 places it saw the value (the earliest received first). */
  sample: [string, SightingPlace[]][];
}

/** One session's first sighting of a value, sent by `sender`. */
export interface SightingRow {
  key: string;
  session_id: string;
  sender: string;
  agent: string;
  user_id: string;
  repo: string;
  time: string;
  /** When the store received the event that showed the value (ISO). */
  received: string;
}

/**
 * Novelty's memory (analyzer_sightings), counted by sending token: one token's sessions, however many, are one
 * sighting and one entry of the sample, so a token's own sessions cannot crowd the others out of it.
 */
export function createSightingQueries(db: Db, database: string, events: string) {
  const table = `"${database}".analyzer_sightings`;
  return {
    /** Records that sessions saw values; repeated sightings of a session collapse. */
    async addSightings(rows: readonly SightingRow[]): Promise<void> {
      // One ready JSONEachRow payload: the embedded engine takes it without copying it into the SQL text.
      let payload = '';
      for (const r of rows) {
        payload += `${JSON.stringify({
          key: r.key,
          session_id: r.session_id,
          sender: r.sender,
          agent: r.agent,
          user_id: r.user_id,
          repo: r.repo,
          time: r.time,
          received: r.received,
        })}\n`;
      }
      await db.insertJsonEachRow('analyzer.sightings.add', 'analyzer_sightings', Buffer.from(payload));
    },

    async sightings(keys: readonly string[]): Promise<Sighting[]> {
      if (keys.length === 0) return [];
      type Place = [string, string, string, string | number, string];
      const rows = await db.query<{ key: string; senders: string; sample: [string, Place[]][] }>(
        'analyzer.sightings.get',
        `SELECT key, count() AS senders, groupArray(50)((sender, places)) AS sample
         FROM (
           SELECT key, sender, arraySlice(arraySort(p -> p.4, groupArray(1000)(place)), 1, 20) AS places
           FROM (
             SELECT key, toString(sender) AS sender,
               (toString(agent), user_id, repo, toUnixTimestamp64Milli(min(received)), argMin(session_id, received))
                 AS place
             FROM ${table} FINAL WHERE key IN {k:Array(String)} GROUP BY key, sender, agent, user_id, repo
           ) GROUP BY key, sender
         ) GROUP BY key`,
        { k: keys },
      );
      return rows.map((r) => ({
        key: r.key,
        senders: Number(r.senders),
        sample: r.sample.map(([sender, places]) => [
          sender,
          places.map(([a, u, repo, at, session]): SightingPlace => [a, u, repo, Number(at), session]),
        ]),
      }));
    },

    /**
     * Distinct sessions the store holds, and the tokens novelty has sightings from (its warm-up; tokens are
     * minted by an admin, so the list is short).
     */
    async fleetSize(): Promise<{ sessions: number; senders: string[] }> {
      const [[s], t] = await Promise.all([
        db.query<{ n: string }>(
          'analyzer.session-count',
          `SELECT uniq(session_id) AS n FROM ${events} WHERE session_id != ''`,
        ),
        db.query<{ sender: string }>(
          'analyzer.sightings.senders',
          `SELECT DISTINCT toString(sender) AS sender FROM ${table} LIMIT 100000`,
        ),
      ]);
      return { sessions: Number(s?.n ?? 0), senders: t.map((r) => r.sender) };
    },
  };
}
