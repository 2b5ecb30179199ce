import { type AgentEvent, toCanonicalIso } from '../../schema/index.js';
import { elideAttributes, type RawRowsRef } from '../rows/elide.js';
import type { OtelLogRow } from '../rows/otel-logs.js';
import { isoToTicks, secondsDotNanosToTicks } from './times.js';
import { RowBinaryWriter } from './writer.js';

/** How one table is stored from RowBinary: the columns written (in order) and their types for file(). */
export interface RowBinaryLayout {
  table: 'otel_logs' | 'agent_events';
  columns: readonly string[];
  /** The `file()` structure: `name Type, …` in column order. */
  structure: string;
}

function layout(table: RowBinaryLayout['table'], cols: readonly [string, string][]): RowBinaryLayout {
  return {
    table,
    columns: cols.map(([name]) => name),
    structure: cols.map(([name, type]) => `${name} ${type}`).join(', '),
  };
}

const MAP = 'Map(LowCardinality(String), String)';
const LC = 'LowCardinality(String)';

// TimestampTime (DEFAULT toDateTime(Timestamp)) is left out so ClickHouse fills it.
export const OTEL_LOGS_LAYOUT = layout('otel_logs', [
  ['Timestamp', 'DateTime64(9)'],
  ['TraceId', 'String'],
  ['SpanId', 'String'],
  ['TraceFlags', 'UInt8'],
  ['SeverityText', LC],
  ['SeverityNumber', 'UInt8'],
  ['ServiceName', LC],
  ['Body', 'String'],
  ['ResourceSchemaUrl', LC],
  ['ResourceAttributes', MAP],
  ['ScopeSchemaUrl', LC],
  ['ScopeName', 'String'],
  ['ScopeVersion', LC],
  ['ScopeAttributes', MAP],
  ['LogAttributes', MAP],
  ['EventName', 'String'],
]);

// ingested_at (DEFAULT now64(3)) is left out so ClickHouse fills it; sender and arrival_rank are MATERIALIZED (an
// insert cannot name them) and computed from attributes and ingested_at.
const AGENT_EVENTS_COLUMNS: readonly [string, string][] = [
  ['event_id', 'String'],
  ['time', "DateTime64(9, 'UTC')"],
  ['agent', LC],
  ['agent_version', LC],
  ['session_id', 'String'],
  ['user_id', 'String'],
  ['host', LC],
  ['repo', 'String'],
  ['cwd', 'String'],
  ['kind', LC],
  ['event_name', LC],
  ['tool', LC],
  ['call_id', 'String'],
  ['command', 'String'],
  ['target', 'String'],
  ['decision', LC],
  ['decision_source', LC],
  ['exit_code', 'Nullable(Int32)'],
  ['duration_ms', 'Nullable(Float64)'],
  ['bytes_in', 'Nullable(UInt64)'],
  ['bytes_out', 'Nullable(UInt64)'],
  ['success', 'Nullable(Bool)'],
  ['trace_id', 'String'],
  ['span_id', 'String'],
  ['raw_table', LC],
  ['raw_time', "DateTime64(9, 'UTC')"],
  ['attributes', MAP],
  ['missing', 'Array(LowCardinality(String))'],
  ['attributes_ref', 'Map(LowCardinality(String), UInt64)'],
];
export const AGENT_EVENTS_LAYOUT = layout('agent_events', AGENT_EVENTS_COLUMNS);

/**
 * agent_events as written before attributes_ref (migration 45): payloads a spool kept across the upgrade. The
 * store falls back to it when a payload does not parse in the current layout.
 */
export const AGENT_EVENTS_LEGACY_LAYOUT = layout('agent_events', AGENT_EVENTS_COLUMNS.slice(0, -1));

/** Tables the embedded engine stores from RowBinary. */
export const ROW_BINARY_LAYOUTS = {
  otel_logs: OTEL_LOGS_LAYOUT,
  agent_events: AGENT_EVENTS_LAYOUT,
  /** Only the fallback of store/rowbinary/insert.ts uses it (never an ingest or spool table name). */
  agent_events_legacy: AGENT_EVENTS_LEGACY_LAYOUT,
} as const satisfies Record<string, RowBinaryLayout>;
export type RowBinaryTable = keyof typeof ROW_BINARY_LAYOUTS;

/** otel_logs rows → RowBinary in OTEL_LOGS_LAYOUT column order. */
export function encodeOtelLogRows(rows: readonly OtelLogRow[]): Uint8Array {
  const w = new RowBinaryWriter();
  for (const r of rows) {
    w.int64(secondsDotNanosToTicks(r.Timestamp));
    w.string(r.TraceId);
    w.string(r.SpanId);
    w.uint8(r.TraceFlags);
    w.string(r.SeverityText);
    w.uint8(r.SeverityNumber);
    w.string(r.ServiceName);
    w.string(r.Body);
    w.string(r.ResourceSchemaUrl);
    w.map(r.ResourceAttributes);
    w.string(r.ScopeSchemaUrl);
    w.string(r.ScopeName);
    w.string(r.ScopeVersion);
    w.map(r.ScopeAttributes);
    w.map(r.LogAttributes);
    w.string(r.EventName);
  }
  return w.finish();
}

// Event times are canonical already (normalizers emit toCanonicalIso); anything else is canonicalized first.
function eventTimeTicks(t: string): bigint {
  if (t.length === 30) {
    try {
      return isoToTicks(t);
    } catch {
      // not canonical after all: canonicalize below
    }
  }
  return isoToTicks(toCanonicalIso(t));
}

// JS numbers into 64-bit unsigned columns: whole part, wrapped like ClickHouse's own integer conversion.
const toUInt64 = (n: number): bigint => BigInt.asUintN(64, BigInt(Math.trunc(n)));

/**
 * Agent events → agent_events RowBinary in AGENT_EVENTS_LAYOUT column order. With `raw` (the raw rows of the
 * same request), long attribute values those rows hold are stored once, there (store/rows/elide.ts).
 */
export function encodeAgentEventRows(events: readonly AgentEvent[], raw?: RawRowsRef): Uint8Array {
  const w = new RowBinaryWriter();
  const stored = elideAttributes(events, raw);
  for (let i = 0; i < events.length; i++) {
    const e = events[i] as AgentEvent;
    const s = stored[i] as (typeof stored)[number];
    w.string(e.event_id);
    w.int64(eventTimeTicks(e.time));
    w.string(e.agent);
    w.string(e.agent_version);
    w.string(e.session_id);
    w.string(e.user_id);
    w.string(e.host);
    w.string(e.repo);
    w.string(e.cwd);
    w.string(e.kind);
    w.string(e.event_name);
    w.string(e.tool);
    w.string(e.call_id);
    w.string(e.command);
    w.string(e.target);
    w.string(e.decision);
    w.string(e.decision_source);
    if (w.present(e.exit_code)) w.int32(e.exit_code as number);
    if (w.present(e.duration_ms)) w.float64(e.duration_ms as number);
    if (w.present(e.bytes_in)) w.uint64(toUInt64(e.bytes_in as number));
    if (w.present(e.bytes_out)) w.uint64(toUInt64(e.bytes_out as number));
    if (w.present(e.success)) w.uint8(e.success ? 1 : 0);
    w.string(e.trace_id);
    w.string(e.span_id);
    w.string(e.raw_table);
    w.int64(eventTimeTicks(e.raw_time));
    w.map(s.attributes);
    w.strings(e.missing);
    w.mapUInt64(s.refs);
  }
  return w.finish();
}
