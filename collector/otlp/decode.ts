import type protobuf from 'protobufjs';
import type {
  OtlpLogsRequest,
  OtlpMetricsRequest,
  OtlpSignal,
  OtlpTracesRequest,
} from '../../schema/fast.js';
import { logsRequest } from './convert-logs.js';
import { metricsRequest } from './convert-metrics.js';
import { tracesRequest } from './convert-traces.js';
import { createDecodeContext, type DecodeContext } from './decode-context.js';
import { OtlpDecodeError } from './errors.js';
import { jsonReader, jsonRoot } from './json-reader.js';
import { type OtlpDecodeLimits, type OtlpDecodeOptions, resolveLimits } from './limits.js';
import { type OtlpProtoTypes, otlpProtoTypes } from './otlp-proto.js';
import { protobufReader } from './protobuf-reader.js';
import { OtlpTooLargeError, scanJson, scanProtobuf } from './scan.js';
import type { WireReader } from './wire-reader.js';
import { utf8 } from './wire-values.js';

/** Wire encodings of OTLP/HTTP bodies. */
export type OtlpEncoding = 'protobuf' | 'json';

function decodeProtobuf(type: protobuf.Type, body: Uint8Array): unknown {
  // protobufjs reads Buffers natively (no copies for bytes fields); wrap without copying.
  const buf = Buffer.isBuffer(body) ? body : Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  try {
    return type.decode(buf);
  } catch (e) {
    const why = e instanceof RangeError ? 'nesting too deep' : (e as Error).message;
    throw new OtlpDecodeError(`invalid protobuf: ${why}`);
  }
}

const SURROGATE_ESCAPE = /\\u[dD][89a-fA-F]/;

function parseJson(body: Uint8Array, c: DecodeContext, limits: OtlpDecodeLimits): unknown {
  let text: string;
  try {
    text = utf8(body);
  } catch {
    throw new OtlpDecodeError('invalid UTF-8 in JSON body');
  }
  scanJson(text, limits);
  c.surrogateEscapes = text.includes('\\u') && SURROGATE_ESCAPE.test(text);
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new OtlpDecodeError(`invalid JSON: ${(e as Error).message}`);
  }
}

/**
 * Both encodings go through the same converter: protobuf is scanned (counting records before anything is
 * allocated) and decoded by protobufjs, JSON is scanned and parsed; each is then read by its WireReader.
 */
function decode<M, R>(
  signal: OtlpSignal,
  body: Uint8Array,
  encoding: OtlpEncoding,
  opts: OtlpDecodeOptions | undefined,
  type: (t: OtlpProtoTypes) => protobuf.Type,
  convert: (rd: WireReader, m: M, c: DecodeContext) => R,
  records: (r: R) => number,
): R {
  const limits = resolveLimits(opts);
  const c = createDecodeContext(limits);
  if (encoding === 'json') {
    const req = convert(jsonReader, jsonRoot<M>(parseJson(body, c, limits)), c);
    // The JSON scan bounds the values; records are counted once converted.
    if (records(req) > limits.maxRecords)
      throw new OtlpTooLargeError(
        `request holds more than ${limits.maxRecords} records: split it into smaller requests`,
      );
    return req;
  }
  scanProtobuf(signal, body, limits);
  return convert(protobufReader, decodeProtobuf(type(otlpProtoTypes()), body) as M, c);
}

function logRecords(r: OtlpLogsRequest): number {
  let n = 0;
  for (const rl of r.resourceLogs) for (const sl of rl.scopeLogs) n += sl.logRecords.length;
  return n;
}

function spans(r: OtlpTracesRequest): number {
  let n = 0;
  for (const rs of r.resourceSpans) for (const ss of rs.scopeSpans) n += ss.spans.length;
  return n;
}

function dataPoints(r: OtlpMetricsRequest): number {
  let n = 0;
  for (const rm of r.resourceMetrics)
    for (const sm of rm.scopeMetrics)
      for (const m of sm.metrics) n += m.data.type === 'empty' ? 0 : m.data.points.length;
  return n;
}

/** Decodes an ExportLogsServiceRequest body. Throws OtlpDecodeError saying what is wrong and where. */
export function decodeLogs(
  body: Uint8Array,
  encoding: OtlpEncoding,
  opts?: OtlpDecodeOptions,
): OtlpLogsRequest {
  return decode('logs', body, encoding, opts, (t) => t.logsRequest, logsRequest, logRecords);
}

/** Decodes an ExportTraceServiceRequest body. Throws OtlpDecodeError saying what is wrong and where. */
export function decodeTraces(
  body: Uint8Array,
  encoding: OtlpEncoding,
  opts?: OtlpDecodeOptions,
): OtlpTracesRequest {
  return decode('traces', body, encoding, opts, (t) => t.tracesRequest, tracesRequest, spans);
}

/** Decodes an ExportMetricsServiceRequest body. Throws OtlpDecodeError saying what is wrong and where. */
export function decodeMetrics(
  body: Uint8Array,
  encoding: OtlpEncoding,
  opts?: OtlpDecodeOptions,
): OtlpMetricsRequest {
  return decode('metrics', body, encoding, opts, (t) => t.metricsRequest, metricsRequest, dataPoints);
}
