import type { Db } from './db.js';

/** Hashes of OTLP request bodies already stored and acknowledged (retry de-duplication). */
export function createReceiptsRepo(db: Db, database: string) {
  const table = `"${database}".ingest_receipts`;
  return {
    async record(receipts: readonly { body_hash: string; signal: string; records: number }[]): Promise<void> {
      const now = new Date().toISOString();
      await db.insert(
        'receipts.record',
        'ingest_receipts',
        receipts.map((r) => ({ ...r, acked_at: now })),
      );
    },
    /** Hashes acknowledged in the last `hours` (to warm the in-memory set at start). */
    async recent(hours: number, limit: number): Promise<string[]> {
      const rows = await db.query<{ body_hash: string }>(
        'receipts.recent',
        `SELECT body_hash FROM ${table} WHERE acked_at > now64(3) - toIntervalHour({h:UInt32})
         ORDER BY acked_at DESC LIMIT {limit:UInt32}`,
        { h: hours, limit },
      );
      return rows.map((r) => r.body_hash);
    },
    async has(hash: string): Promise<boolean> {
      const rows = await db.query<{ n: string }>(
        'receipts.has',
        `SELECT count() AS n FROM ${table} WHERE body_hash = {h:String}`,
        { h: hash },
      );
      return Number(rows[0]?.n ?? 0) > 0;
    },
  };
}
export type ReceiptsRepo = ReturnType<typeof createReceiptsRepo>;
