import type { Db } from './db.js';
import { clickhouseTimeToIso } from './rows/common.js';

/**
 * The analyzer state key that holds when the analyzer began keeping sessions' first steps (the store's ingest
 * clock): a session received whole after it has every step it took in analyzer_steps.
 */
export const STEPS_FROM_STATE = 'steps-from';

/** One first step of a sequence a session took, as the analyzer marked it (analyzer/session-steps.ts). */
export interface StepRow {
  session_id: string;
  /** The family of the mark's list (`denied`, `storage-endpoint:`…). */
  family: string;
  /** Its number among the session's steps of the family, from 0; the analyzer writes a bounded number. */
  seq: number;
  /** The mark's list. */
  list: string;
  /** When the action was (ISO). */
  time: string;
  /** The mark as the analyzer keeps it (JSON), or '' for the row that says the family overflowed its bound. */
  mark: string;
}

/** Sessions' first steps (analyzer_steps): written by the analyzer only, read when it rebuilds a session. */
export function createStepQueries(db: Db, database: string, version: () => string) {
  const table = `"${database}".analyzer_steps`;
  return {
    async addSteps(rows: readonly StepRow[]): Promise<void> {
      if (rows.length === 0) return;
      let payload = '';
      for (const r of rows) payload += `${JSON.stringify(r)}\n`;
      await db.insertJsonEachRow('analyzer.steps.add', 'analyzer_steps', Buffer.from(payload));
    },

    /** The steps of some sessions, oldest first per session and family, at most `perFamily` of each. */
    async sessionSteps(sessions: readonly string[], perFamily: number): Promise<StepRow[]> {
      if (sessions.length === 0) return [];
      const rows = await db.query<Omit<StepRow, 'seq'> & { seq: number | string }>(
        'analyzer.steps.get',
        `SELECT session_id, toString(family) AS family, seq, list, time, mark FROM ${table} FINAL
         WHERE session_id IN {s:Array(String)}
         ORDER BY session_id, family, seq LIMIT {n:UInt32} BY session_id, family`,
        { s: sessions, n: perFamily },
      );
      return rows.map((r) => ({ ...r, seq: Number(r.seq), time: clickhouseTimeToIso(r.time) }));
    },

    /**
     * When the analyzer began keeping first steps (ISO, the store's clock). Set on first asking: to the start of
     * time when nothing was scored yet (`fresh`), else to now (what was scored before had its steps unkept).
     */
    async stepsFrom(fresh: boolean): Promise<string> {
      const state = `"${database}".analyzer_state`;
      const [row] = await db.query<{ value: string }>(
        'analyzer.steps-from.get',
        `SELECT value FROM ${state} FINAL WHERE key = {key:String} LIMIT 1`,
        { key: STEPS_FROM_STATE },
      );
      if (row) return row.value;
      let value = '1970-01-01T00:00:00.000Z';
      if (!fresh) {
        const [now] = await db.query<{ now: string }>('analyzer.steps-from.now', 'SELECT now64(3) AS now');
        value = now ? clickhouseTimeToIso(now.now) : new Date().toISOString();
      }
      await db.insert('analyzer.steps-from.set', 'analyzer_state', [
        { key: STEPS_FROM_STATE, value, updated_at: version() },
      ]);
      return value;
    },
  };
}
