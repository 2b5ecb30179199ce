import type protobuf from 'protobufjs';
import type { OtlpLogsRequest, OtlpMetricsRequest, OtlpTracesRequest } from '../../schema/fast.js';
import { createDecodeContext, type DecodeContext } from './decode-context.js';
import { OtlpDecodeError } from './errors.js';
import { jsonLogsRequest } from './json-logs.js';
import { jsonMetricsRequest } from './json-metrics.js';
import { jsonTracesRequest } from './json-traces.js';
import { type OtlpDecodeOptions, resolveLimits } from './limits.js';
import { otlpProtoTypes } from './otlp-proto.js';
import { type PbLogsRequest, pbLogsRequest } from './pb-logs.js';
import { type PbMetricsRequest, pbMetricsRequest } from './pb-metrics.js';
import { type PbTracesRequest, pbTracesRequest } from './pb-traces.js';
import { utf8 } from './wire-values.js';

/** Wire encodings of OTLP/HTTP bodies. */
export type OtlpEncoding = 'protobuf' | 'json';

function decodeProtobuf<T>(type: protobuf.Type, body: Uint8Array): T {
  // protobufjs reads Buffers natively (no copies for bytes fields); wrap without copying.
  const buf = Buffer.isBuffer(body) ? body : Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  try {
    return type.decode(buf) as unknown as T;
  } catch (e) {
    const why = e instanceof RangeError ? 'nesting too deep' : (e as Error).message;
    throw new OtlpDecodeError(`invalid protobuf: ${why}`);
  }
}

const SURROGATE_ESCAPE = /\\u[dD][89a-fA-F]/;

function parseJson(body: Uint8Array, c: DecodeContext): unknown {
  let text: string;
  try {
    text = utf8(body);
  } catch {
    throw new OtlpDecodeError('invalid UTF-8 in JSON body');
  }
  c.surrogateEscapes = text.includes('\\u') && SURROGATE_ESCAPE.test(text);
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new OtlpDecodeError(`invalid JSON: ${(e as Error).message}`);
  }
}

function context(opts: OtlpDecodeOptions | undefined): DecodeContext {
  return createDecodeContext(resolveLimits(opts));
}

/** Decodes an ExportLogsServiceRequest body. Throws OtlpDecodeError saying what is wrong and where. */
export function decodeLogs(
  body: Uint8Array,
  encoding: OtlpEncoding,
  opts?: OtlpDecodeOptions,
): OtlpLogsRequest {
  const c = context(opts);
  if (encoding === 'json') return jsonLogsRequest(parseJson(body, c), c);
  return pbLogsRequest(decodeProtobuf<PbLogsRequest>(otlpProtoTypes().logsRequest, body), c);
}

/** Decodes an ExportTraceServiceRequest body. Throws OtlpDecodeError saying what is wrong and where. */
export function decodeTraces(
  body: Uint8Array,
  encoding: OtlpEncoding,
  opts?: OtlpDecodeOptions,
): OtlpTracesRequest {
  const c = context(opts);
  if (encoding === 'json') return jsonTracesRequest(parseJson(body, c), c);
  return pbTracesRequest(decodeProtobuf<PbTracesRequest>(otlpProtoTypes().tracesRequest, body), c);
}

/** Decodes an ExportMetricsServiceRequest body. Throws OtlpDecodeError saying what is wrong and where. */
export function decodeMetrics(
  body: Uint8Array,
  encoding: OtlpEncoding,
  opts?: OtlpDecodeOptions,
): OtlpMetricsRequest {
  const c = context(opts);
  if (encoding === 'json') return jsonMetricsRequest(parseJson(body, c), c);
  return pbMetricsRequest(decodeProtobuf<PbMetricsRequest>(otlpProtoTypes().metricsRequest, body), c);
}
