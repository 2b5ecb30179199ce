import type { Db } from './db.js';

/** A secret a session read, as the hook endpoint noted it. */
export interface SessionRead {
  session_id: string;
  /** The token id that noted it. */
  caller: string;
  /** When, in ms since the epoch. */
  atMs: number;
  what: string;
}

/**
 * The secrets sessions read lately (gate/read-then-send.ts), shared by every instance on this ClickHouse and
 * kept across restarts. Each instance remembers its own in memory first; this is what the others noted.
 */
export function createSessionReadsRepo(db: Db, database: string) {
  const table = `"${database}".session_secret_reads`;
  const toRead = (r: { session_id: string; caller: string; at_ms: string | number; what: string }) => ({
    session_id: r.session_id,
    caller: r.caller,
    atMs: Number(r.at_ms),
    what: r.what,
  });
  return {
    /** Stores reads, one insert for all of them. */
    async note(reads: readonly SessionRead[]): Promise<void> {
      if (reads.length === 0) return;
      await db.insert(
        'session-reads.note',
        'session_secret_reads',
        reads.map((r) => ({
          session_id: r.session_id,
          caller: r.caller,
          at: new Date(r.atMs).toISOString(),
          what: r.what,
        })),
      );
    },
    /** The newest read of `session` at or after `sinceMs`, or null. */
    async latest(session: string, sinceMs: number): Promise<SessionRead | null> {
      const rows = await db.query<{ session_id: string; caller: string; at_ms: string; what: string }>(
        'session-reads.latest',
        `SELECT session_id, caller, toUnixTimestamp64Milli(at) AS at_ms, substringUTF8(what, 1, 240) AS what
         FROM ${table} WHERE session_id = {s:String} AND at >= fromUnixTimestamp64Milli({since:Int64}, 'UTC')
         ORDER BY at DESC LIMIT 1`,
        { s: session, since: Math.floor(sinceMs) },
      );
      return rows[0] ? toRead(rows[0]) : null;
    },
    /**
     * Reads at or after `sinceMs`, oldest first (to warm an instance's memory when it starts): each session's
     * newest, at most `perCaller` of one token's (as the memory keeps), at most `limit` in all, 240 characters of
     * each. One token's rows, however many, cannot push another's out.
     */
    async since(sinceMs: number, limit: number, perCaller = 1_000): Promise<SessionRead[]> {
      const rows = await db.query<{ session_id: string; caller: string; at_ms: string; what: string }>(
        'session-reads.since',
        `SELECT session_id, caller, at_ms, what FROM (
           SELECT session_id, caller, at, toUnixTimestamp64Milli(at) AS at_ms, substringUTF8(what, 1, 240) AS what
           FROM ${table} WHERE at >= fromUnixTimestamp64Milli({since:Int64}, 'UTC')
           ORDER BY at DESC LIMIT 1 BY session_id
         ) ORDER BY at DESC LIMIT {per:UInt32} BY caller LIMIT {limit:UInt32}`,
        { since: Math.floor(sinceMs), limit, per: perCaller },
      );
      return rows.map(toRead).reverse();
    },
  };
}
export type SessionReadsRepo = ReturnType<typeof createSessionReadsRepo>;
