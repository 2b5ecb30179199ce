import type { Db } from './db.js';
import { AGENT_EVENTS_LEGACY_LAYOUT, ROW_BINARY_LAYOUTS, type RowBinaryTable } from './rowbinary/tables.js';
import type { OtelLogRow } from './rows/otel-logs.js';
import type { MetricTable } from './rows/otel-metrics.js';
import type { OtelTraceRow } from './rows/otel-traces.js';

// What the engine says when a RowBinary payload does not match the structure it was read with.
const UNREADABLE =
  /CANNOT_READ_ALL_DATA|Cannot read all data|CANNOT_PARSE|Cannot parse|TOO_LARGE|too large|ATTEMPT_TO_READ_AFTER_EOF/i;

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
    /** otel_logs or agent_events from a RowBinary payload (store/rowbinary; embedded engine only). */
    async insertRowBinaryPayload(table: RowBinaryTable, payload: Uint8Array): Promise<void> {
      const { columns, structure } = ROW_BINARY_LAYOUTS[table];
      try {
        await db.insertRowBinary(`raw.rowbinary.${table}`, table, columns, structure, payload);
      } catch (err) {
        // A payload spooled by a version before migration 45 lacks the last column: it reads short.
        if (table !== 'agent_events' || !UNREADABLE.test(String(err))) throw err;
        const legacy = AGENT_EVENTS_LEGACY_LAYOUT;
        await db
          .insertRowBinary(`raw.rowbinary.${table}.legacy`, table, legacy.columns, legacy.structure, payload)
          .catch(() => {
            throw err;
          });
      }
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
