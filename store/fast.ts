/**
 * Store's fast entry: the pure row codecs (OTel rows, agent-event rows, RowBinary encoding), importable by
 * ingest worker threads without loading @clickhouse/client or the migrations. Everything else imports
 * ./index.ts.
 */

export {
  type EncodedIngest,
  encodeIngest,
  type IngestCodec,
  type IngestFormat,
  type IngestInput,
  type IngestPart,
  isIngestTable,
  toJsonEachRow,
} from './ingest/codec.js';
export {
  AGENT_EVENTS_LAYOUT,
  AGENT_EVENTS_LEGACY_LAYOUT,
  encodeAgentEventRows,
  encodeOtelLogRows,
  OTEL_LOGS_LAYOUT,
  ROW_BINARY_LAYOUTS,
  type RowBinaryLayout,
  type RowBinaryTable,
} from './rowbinary/tables.js';
export { eventsToRows, eventToRow } from './rows/agent-events.js';
export { ELIDE_MIN_CHARS, ELIDED_MARK, type RawRowsRef } from './rows/elide.js';
export { logsToRows, type OtelLogRow } from './rows/otel-logs.js';
export { METRIC_TABLES, type MetricRows, type MetricTable, metricsToRows } from './rows/otel-metrics.js';
export { type OtelTraceRow, tracesToRows } from './rows/otel-traces.js';
