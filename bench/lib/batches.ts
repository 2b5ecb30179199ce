import { ProtobufLogsSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { InMemoryLogRecordExporter, LoggerProvider, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import { buildDemo, emitLogs, type LogSpec } from '../../demo/index.js';

/** Fixed-width session id on the resource; each request overwrites it in place, so no two bodies are equal. */
const SEQ_PREFIX = 'bench-';
const SEQ_DIGITS = 12;
const PLACEHOLDER = `${SEQ_PREFIX}${'0'.repeat(SEQ_DIGITS)}`;

export interface EncodedBatch {
  body: Uint8Array;
  /** Byte offset of the sequence digits inside `body`. */
  seqOffset: number;
  records: number;
}

/**
 * `count` distinct OTLP/protobuf log requests of `size` Codex records each (the demo's Codex sessions,
 * encoded by the official serializer). The session id moves from the records to the resource so that one
 * in-place write per request gives every request its own session (and body hash).
 */
export function encodeBatches(count: number, size: number, nowMs: number): EncodedBatch[] {
  const out: EncodedBatch[] = [];
  let seed = 1;
  for (let b = 0; b < count; b++) {
    const logs: LogSpec[] = [];
    let resource: Record<string, unknown> | undefined;
    while (logs.length < size) {
      for (const t of buildDemo(seed++, nowMs)) {
        if (t.plan.agent !== 'codex') continue;
        resource ??= t.resource;
        for (const l of t.logs) {
          const { 'conversation.id': _session, ...attributes } = l.attributes;
          logs.push({ ...l, attributes });
        }
      }
    }
    logs.length = size;
    const exporter = new InMemoryLogRecordExporter();
    const provider = new LoggerProvider({
      resource: resourceFromAttributes({ ...resource, 'session.id': PLACEHOLDER } as Record<string, string>),
      processors: [new SimpleLogRecordProcessor({ exporter })],
    });
    emitLogs(provider, logs);
    const body = ProtobufLogsSerializer.serializeRequest(exporter.getFinishedLogRecords());
    if (!body) throw new Error('the OTLP serializer returned no body');
    const at = Buffer.from(body.buffer, body.byteOffset, body.byteLength).indexOf(PLACEHOLDER);
    if (at < 0) throw new Error('sequence placeholder not found in the encoded batch');
    out.push({ body, seqOffset: at + SEQ_PREFIX.length, records: size });
  }
  return out;
}

/** A copy of the batch with `seq` written into its session id. */
export function withSeq(batch: EncodedBatch, seq: number): Buffer {
  const buf = Buffer.from(batch.body);
  buf.write(String(seq).padStart(SEQ_DIGITS, '0').slice(-SEQ_DIGITS), batch.seqOffset, 'latin1');
  return buf;
}
