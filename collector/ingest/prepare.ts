import type { Redactor } from '../../schema/fast.js';
import type { AgentEvent, OtlpSignal } from '../../schema/index.js';
import {
  encodeAgentEventRows,
  encodeOtelLogRows,
  eventToRow,
  logsToRows,
  METRIC_TABLES,
  metricsToRows,
  type OtelLogRow,
  tracesToRows,
} from '../../store/fast.js';
import { normalizeLogs, normalizeMetrics, normalizeTraces } from '../normalize/index.js';
import { decodeLogs, decodeMetrics, decodeTraces, type OtlpEncoding } from '../otlp/index.js';
import { redactRawRows } from './redact-rows.js';
import type { WriterPart } from './writer.js';

/** Rows of one table, already serialized (JSONEachRow: one JSON object per line, newline-terminated). */
export type TablePayload = WriterPart;

export interface PrepareOptions {
  /** Serialize otel_logs and agent_events as RowBinary (the embedded engine stores it faster). */
  rowBinary: boolean;
}

/** Everything one OTLP request turns into, ready for the writer. */
export interface PreparedRequest {
  parts: TablePayload[];
  /** OTel records accepted (log records, spans or metric points). */
  records: number;
  /** Records refused (reported as OTLP partial success). */
  rejected: number;
  message: string;
}

// ClickHouse DateTime64(9) holds up to 2262-04-11; later records are refused (partial success).
const MAX_NANOS = 9_223_372_036_000_000_000n;

const encoder = new TextEncoder();

/** Serializes rows as JSONEachRow. */
export function toJsonEachRow(rows: readonly object[]): Uint8Array {
  if (rows.length === 0) return new Uint8Array(0);
  let text = '';
  for (const r of rows) text += `${JSON.stringify(r)}\n`;
  return encoder.encode(text);
}

function part(table: string, rows: readonly object[]): TablePayload {
  return { table, format: 'JSONEachRow', payload: toJsonEachRow(rows), rows: rows.length };
}

function eventsPart(events: readonly AgentEvent[], opts: PrepareOptions): TablePayload {
  if (!opts.rowBinary) return part('agent_events', events.map(eventToRow));
  return {
    table: 'agent_events',
    format: 'RowBinary',
    payload: encodeAgentEventRows(events),
    rows: events.length,
  };
}

function logsPart(rows: readonly OtelLogRow[], opts: PrepareOptions): TablePayload {
  if (!opts.rowBinary) return part('otel_logs', rows);
  return { table: 'otel_logs', format: 'RowBinary', payload: encodeOtelLogRows(rows), rows: rows.length };
}

/**
 * The same text is often redacted twice (a raw attribute and the event field drawn from it): remember the
 * answers for the length of one request.
 */
function memoize(redactor: Redactor): Redactor {
  const seen = new Map<string, string>();
  return {
    get hits() {
      return redactor.hits;
    },
    text(s: string): string {
      if (s.length < 8) return s;
      let out = seen.get(s);
      if (out === undefined) {
        out = redactor.text(s);
        seen.set(s, out);
      }
      return out;
    },
  };
}

/**
 * Decode, redact, normalize and serialize one OTLP request. Pure CPU work with no I/O, so it can run in a
 * worker thread. Throws OtlpDecodeError for malformed input.
 */
export function prepareRequest(
  signal: OtlpSignal,
  body: Uint8Array,
  encoding: OtlpEncoding,
  base: Redactor,
  opts: PrepareOptions,
): PreparedRequest {
  const redactor = memoize(base);
  const ctx = { redact: redactor };
  if (signal === 'logs') {
    const req = decodeLogs(body, encoding);
    const rows = redactRawRows(logsToRows(req), redactor);
    const events = normalizeLogs(req, ctx);
    return {
      parts: [logsPart(rows, opts), eventsPart(events, opts)],
      records: rows.length,
      rejected: 0,
      message: '',
    };
  }
  if (signal === 'traces') {
    const req = decodeTraces(body, encoding);
    let rejected = 0;
    for (const rs of req.resourceSpans) {
      for (const ss of rs.scopeSpans) {
        const before = ss.spans.length;
        ss.spans = ss.spans.filter((s) => BigInt(s.startTimeUnixNano || '0') < MAX_NANOS);
        rejected += before - ss.spans.length;
      }
    }
    const rows = redactRawRows(tracesToRows(req), redactor);
    const events = normalizeTraces(req, ctx);
    return {
      parts: [part('otel_traces', rows), eventsPart(events, opts)],
      records: rows.length,
      rejected,
      message: rejected ? `${rejected} span(s) rejected: start time beyond 2262-04-11` : '',
    };
  }
  const req = decodeMetrics(body, encoding);
  const byTable = metricsToRows(req);
  const parts = METRIC_TABLES.map((t) => part(t, redactRawRows(byTable[t], redactor)));
  const records = parts.reduce((s, p) => s + p.rows, 0);
  parts.push(eventsPart(normalizeMetrics(req, ctx), opts));
  return { parts, records, rejected: 0, message: '' };
}
