import type {
  AgentEvent,
  OtlpLogsRequest,
  OtlpMetricsRequest,
  OtlpSignal,
  OtlpTracesRequest,
} from '../../schema/index.js';
import { encodeAgentEventRows, encodeOtelLogRows } from '../rowbinary/tables.js';
import { eventsToRows } from '../rows/agent-events.js';
import type { RawRowsRef } from '../rows/elide.js';
import { logsToRows } from '../rows/otel-logs.js';
import { METRIC_TABLES, metricsToRows } from '../rows/otel-metrics.js';
import { tracesToRows } from '../rows/otel-traces.js';
import { rewriteRowText } from './row-text.js';

/** The only tables the ingest path (and so the spool) may write: never tokens, approvals, grants or audit. */
const INGEST_TABLE =
  /^(?:otel_logs|otel_traces|otel_metrics_(?:gauge|sum|histogram|exponential_histogram|summary)|agent_events|ingest_receipts)$/;

/** True for a table the ingest path may write. */
export function isIngestTable(table: string): boolean {
  return INGEST_TABLE.test(table);
}

/** How a part is serialized: newline-terminated JSONEachRow, or RowBinary in the table's layout. */
export type IngestFormat = 'JSONEachRow' | 'RowBinary';

/** Rows of one ingest table, serialized and ready for `store.ingest.write`. */
export interface IngestPart {
  table: string;
  format: IngestFormat;
  payload: Uint8Array;
  rows: number;
}

/** The store's choice of wire format, handed to ingest workers as it is (`store.ingest.codec`). */
export interface IngestCodec {
  /** otel_logs and agent_events as RowBinary (the embedded engine stores it fastest). */
  rowBinary: boolean;
}

/** One decoded OTLP request, its normalized (and redacted) events, and the hash of the body it came in. */
export type IngestInput = (
  | { signal: 'logs'; request: OtlpLogsRequest }
  | { signal: 'traces'; request: OtlpTracesRequest }
  | { signal: 'metrics'; request: OtlpMetricsRequest }
) & { events: readonly AgentEvent[]; bodyHash: string };

export interface EncodedIngest {
  /** The raw rows, the events and the receipt row: stored together, acknowledged together. */
  parts: IngestPart[];
  /** OTel records stored (log records, spans or metric points). */
  records: number;
}

const encoder = new TextEncoder();

/** Serializes rows as JSONEachRow. */
export function toJsonEachRow(rows: readonly object[]): Uint8Array {
  if (rows.length === 0) return new Uint8Array(0);
  let text = '';
  for (const r of rows) text += `${JSON.stringify(r)}\n`;
  return encoder.encode(text);
}

const json = (table: string, rows: readonly object[]): IngestPart => ({
  table,
  format: 'JSONEachRow',
  payload: toJsonEachRow(rows),
  rows: rows.length,
});

/**
 * The one ingest call into the store, pure (ingest worker threads run it): lays one request out as Ward's
 * rows, passes every text column through `redact`, encodes them in the store's format, and adds the
 * receipt row that lets a retried body be recognised after a restart.
 */
export function encodeIngest(
  input: IngestInput,
  opts: { codec: IngestCodec; redact: (text: string) => string; receivedAtMs?: number },
): EncodedIngest {
  const { codec, redact } = opts;
  const receivedAtMs = opts.receivedAtMs ?? Date.now();
  const parts: IngestPart[] = [];
  // The request's raw rows: long event values they hold are stored once, there (store/rows/elide.ts).
  let raw: RawRowsRef | undefined;
  if (input.signal === 'logs') {
    const rows = rewriteRowText(logsToRows(input.request), redact);
    raw = { table: 'otel_logs', rows, receivedAtMs };
    parts.push(
      codec.rowBinary
        ? { table: 'otel_logs', format: 'RowBinary', payload: encodeOtelLogRows(rows), rows: rows.length }
        : json('otel_logs', rows),
    );
  } else if (input.signal === 'traces') {
    const rows = rewriteRowText(tracesToRows(input.request), redact);
    raw = { table: 'otel_traces', rows, receivedAtMs };
    parts.push(json('otel_traces', rows));
  } else {
    const byTable = metricsToRows(input.request);
    for (const t of METRIC_TABLES) parts.push(json(t, rewriteRowText(byTable[t], redact)));
  }
  const records = parts.reduce((n, p) => n + p.rows, 0);
  const events = input.events;
  parts.push(
    codec.rowBinary
      ? {
          table: 'agent_events',
          format: 'RowBinary',
          payload: encodeAgentEventRows(events, raw),
          rows: events.length,
        }
      : json('agent_events', eventsToRows(events, raw)),
  );
  parts.push(json('ingest_receipts', [receiptRow(input.bodyHash, input.signal, records)]));
  return { parts, records };
}

function receiptRow(hash: string, signal: OtlpSignal, records: number) {
  return { body_hash: hash, signal, records, acked_at: new Date().toISOString() };
}
