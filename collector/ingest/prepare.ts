import type { Redactor } from '../../schema/fast.js';
import type { AgentEvent, OtlpSignal } from '../../schema/index.js';
import {
  encodeAgentEventRows,
  encodeOtelLogRows,
  eventsToRows,
  logsToRows,
  METRIC_TABLES,
  metricsToRows,
  type OtelLogRow,
  type RawRowsRef,
  tracesToRows,
} from '../../store/fast.js';
import { normalizeLogs, normalizeMetrics, normalizeTraces } from '../normalize/index.js';
import {
  decodeLogs,
  decodeMetrics,
  decodeTraces,
  type OtlpDecodeOptions,
  type OtlpEncoding,
} from '../otlp/index.js';
import { redactEvents, redactRawRows } from './redact-rows.js';
import { applyTimeRule, DEFAULT_TIME_WINDOW, type TimeWindowOptions, timeWindow } from './time-rule.js';
import type { WriterPart } from './writer.js';

/** Rows of one table, already serialized (JSONEachRow: one JSON object per line, newline-terminated). */
export type TablePayload = WriterPart;

export interface PrepareOptions {
  /** Serialize otel_logs and agent_events as RowBinary (the embedded engine stores it faster). */
  rowBinary: boolean;
  /** The accepted time range around the receive time (collector/ingest/time-rule.ts). */
  time?: TimeWindowOptions;
  /** Decode limits (collector/otlp/limits.ts). */
  limits?: OtlpDecodeOptions;
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

// `raw`: the request's raw rows, so that long values they hold are stored once (store/rows/elide.ts).
function eventsPart(events: readonly AgentEvent[], opts: PrepareOptions, raw?: RawRowsRef): TablePayload {
  if (!opts.rowBinary) return part('agent_events', eventsToRows(events, raw));
  return {
    table: 'agent_events',
    format: 'RowBinary',
    payload: encodeAgentEventRows(events, raw),
    rows: events.length,
  };
}

function logsPart(rows: readonly OtelLogRow[], opts: PrepareOptions): TablePayload {
  if (!opts.rowBinary) return part('otel_logs', rows);
  return { table: 'otel_logs', format: 'RowBinary', payload: encodeOtelLogRows(rows), rows: rows.length };
}

/**
 * Short texts found clean, across requests (attribute keys, names, versions, hosts repeat in every export):
 * a clean text stays clean, so it is not scanned again. Bounded: cleared when full.
 */
const knownClean = new Set<string>();
const KNOWN_CLEAN_MAX = 100_000;
const KNOWN_CLEAN_LEN = 256;

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
      if (s.length < 8 || (s.length <= KNOWN_CLEAN_LEN && knownClean.has(s))) return s;
      let out = seen.get(s);
      if (out === undefined) {
        out = redactor.text(s);
        seen.set(s, out);
        // A redacted text is clean: the builder's output meets the row walk without a second scan.
        if (out !== s) seen.set(out, out);
        else if (s.length <= KNOWN_CLEAN_LEN) {
          if (knownClean.size >= KNOWN_CLEAN_MAX) knownClean.clear();
          knownClean.add(s);
        }
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
  nowMs: number = Date.now(),
): PreparedRequest {
  const redactor = memoize(base);
  const timeOpts = opts.time ?? DEFAULT_TIME_WINDOW;
  const window = timeWindow(nowMs, timeOpts);
  const ctx = { redact: redactor };
  if (signal === 'logs') {
    const req = decodeLogs(body, encoding, opts.limits);
    const time = applyTimeRule(signal, req, window, timeOpts);
    const rows = redactRawRows(logsToRows(req), redactor);
    const events = redactEvents(normalizeLogs(req, ctx), redactor);
    return {
      parts: [logsPart(rows, opts), eventsPart(events, opts, { table: 'otel_logs', rows })],
      records: rows.length,
      rejected: time.rejected,
      message: time.message,
    };
  }
  if (signal === 'traces') {
    const req = decodeTraces(body, encoding, opts.limits);
    const time = applyTimeRule(signal, req, window, timeOpts);
    const rows = redactRawRows(tracesToRows(req), redactor);
    const events = redactEvents(normalizeTraces(req, ctx), redactor);
    return {
      parts: [part('otel_traces', rows), eventsPart(events, opts, { table: 'otel_traces', rows })],
      records: rows.length,
      rejected: time.rejected,
      message: time.message,
    };
  }
  const req = decodeMetrics(body, encoding, opts.limits);
  const time = applyTimeRule(signal, req, window, timeOpts);
  const byTable = metricsToRows(req);
  const parts = METRIC_TABLES.map((t) => part(t, redactRawRows(byTable[t], redactor)));
  const records = parts.reduce((s, p) => s + p.rows, 0);
  parts.push(eventsPart(redactEvents(normalizeMetrics(req, ctx), redactor), opts));
  return { parts, records, rejected: time.rejected, message: time.message };
}
