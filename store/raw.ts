import type { Db } from './db.js';
import type { OtelLogRow } from './rows/otel-logs.js';
import type { MetricTable } from './rows/otel-metrics.js';
import type { OtelTraceRow } from './rows/otel-traces.js';

export type RawTable = 'otel_logs' | 'otel_traces' | MetricTable;

/** Writes and reads of the raw OTel tables. */
export function createRawRepo(db: Db, database: string) {
  return {
    async insert(table: RawTable, rows: readonly (OtelLogRow | OtelTraceRow | object)[]): Promise<void> {
      await db.insert(`raw.insert.${table}`, table, rows);
    },
    /** Any Ward table from a JSONEachRow payload (the ingest writer's sink). */
    async insertPayload(
      table: RawTable | 'agent_events' | 'ingest_receipts',
      payload: Uint8Array,
    ): Promise<void> {
      await db.insertJsonEachRow(`raw.payload.${table}`, table, payload);
    },
    async count(table: RawTable): Promise<number> {
      const [row] = await db.query<{ n: string }>(
        'raw.count',
        `SELECT count() AS n FROM "${database}"."${table}"`,
      );
      return Number(row?.n ?? 0);
    },
  };
}
export type RawRepo = ReturnType<typeof createRawRepo>;
