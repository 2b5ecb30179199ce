import type { Db } from './db.js';
import { insertRowBinary } from './rowbinary/insert.js';
import type { RowBinaryTable } from './rowbinary/tables.js';
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
    /** otel_logs or agent_events from a RowBinary payload (store/rowbinary; embedded engine only). */
    async insertRowBinaryPayload(table: RowBinaryTable, payload: Uint8Array): Promise<void> {
      await insertRowBinary(db, `raw.rowbinary.${table}`, table, payload);
    },
    /**
     * The raw row(s) an agent event links back to: otel_logs by timestamp and trace/span ids (several records
     * can share them: up to 10 come back), otel_traces by trace and span id.
     */
    async linked(link: { table: string; time: string; traceId: string; spanId: string }): Promise<object[]> {
      if (link.table === 'otel_logs') {
        return db.query<object>(
          'raw.linked.logs',
          `SELECT * FROM "${database}".otel_logs
           WHERE Timestamp = parseDateTime64BestEffortOrZero({t:String}, 9, 'UTC')
             AND TraceId = {trace:String} AND SpanId = {span:String}
           LIMIT 10`,
          { t: link.time, trace: link.traceId, span: link.spanId },
        );
      }
      if (link.table === 'otel_traces') {
        return db.query<object>(
          'raw.linked.traces',
          `SELECT * FROM "${database}".otel_traces
           WHERE TraceId = {trace:String} AND SpanId = {span:String}
             AND Timestamp = parseDateTime64BestEffortOrZero({t:String}, 9, 'UTC')
           LIMIT 1`,
          { t: link.time, trace: link.traceId, span: link.spanId },
        );
      }
      return [];
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
