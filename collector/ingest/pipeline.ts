import { createHash } from 'node:crypto';
import type { AgentEvent, OtlpSignal } from '../../schema/index.js';
import { logsToRows, METRIC_TABLES, metricsToRows, tracesToRows } from '../../store/index.js';
import { normalizeLogs, normalizeMetrics, normalizeTraces } from '../normalize/index.js';
import { decodeLogs, decodeMetrics, decodeTraces, type OtlpEncoding } from '../otlp/index.js';
import type { Redactor } from '../redact/index.js';
import type { ReceiptSet } from './receipts.js';
import { redactRawRows } from './redact-rows.js';
import type { BatchingWriter } from './writer.js';

export interface IngestResult {
  accepted: number;
  rejected: number;
  message: string;
  duplicate: boolean;
}

export interface IngestDeps {
  writer: BatchingWriter;
  redactor: Redactor;
  receipts: ReceiptSet;
  /** Persists a receipt once a request is fully stored (best effort: memory already has it). */
  recordReceipt: (hash: string, signal: OtlpSignal, records: number) => void;
}

interface Prepared {
  parts: { table: string; rows: readonly object[] }[];
  records: number;
  rejected: number;
  message: string;
}

// ClickHouse DateTime64(9) holds 1900-01-01 .. 2262-04-11; records outside are rejected (partial success).
const MAX_NANOS = 9_223_372_036_000_000_000n;

function prepare(signal: OtlpSignal, body: Uint8Array, encoding: OtlpEncoding, redactor: Redactor): Prepared {
  const ctx = { redact: redactor };
  if (signal === 'logs') {
    const req = decodeLogs(body, encoding);
    const rows = redactRawRows(logsToRows(req), redactor);
    const events: AgentEvent[] = normalizeLogs(req, ctx);
    return { parts: [{ table: 'otel_logs', rows }, { table: 'agent_events', rows: events }], records: rows.length, rejected: 0, message: '' };
  }
  if (signal === 'traces') {
    const req = decodeTraces(body, encoding);
    let rejected = 0;
    for (const rs of req.resourceSpans)
      for (const ss of rs.scopeSpans) {
        const before = ss.spans.length;
        ss.spans = ss.spans.filter((s) => BigInt(s.startTimeUnixNano || '0') < MAX_NANOS);
        rejected += before - ss.spans.length;
      }
    const rows = redactRawRows(tracesToRows(req), redactor);
    const events = normalizeTraces(req, ctx);
    return {
      parts: [{ table: 'otel_traces', rows }, { table: 'agent_events', rows: events }],
      records: rows.length,
      rejected,
      message: rejected ? `${rejected} span(s) rejected: start time beyond 2262-04-11` : '',
    };
  }
  const req = decodeMetrics(body, encoding);
  const byTable = metricsToRows(req);
  const parts: Prepared['parts'] = METRIC_TABLES.map((t) => ({ table: t, rows: redactRawRows(byTable[t], redactor) }));
  const records = parts.reduce((s, p) => s + p.rows.length, 0);
  parts.push({ table: 'agent_events', rows: normalizeMetrics(req, ctx) });
  return { parts, records, rejected: 0, message: '' };
}

/** Decode, redact, normalize and store one OTLP request; resolves once everything is durably stored. */
export function createIngest(deps: IngestDeps) {
  return async function ingest(signal: OtlpSignal, body: Uint8Array, encoding: OtlpEncoding): Promise<IngestResult> {
    const hash = createHash('sha256').update(signal).update(body).digest('hex');
    if (deps.receipts.has(hash)) return { accepted: 0, rejected: 0, message: '', duplicate: true };
    const prepared = prepare(signal, body, encoding, deps.redactor);
    await deps.writer.enqueue(prepared.parts);
    deps.receipts.add(hash);
    deps.recordReceipt(hash, signal, prepared.records);
    return { accepted: prepared.records, rejected: prepared.rejected, message: prepared.message, duplicate: false };
  };
}
export type Ingest = ReturnType<typeof createIngest>;
