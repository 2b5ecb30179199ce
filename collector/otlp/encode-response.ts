import type { OtlpSignal } from '../../schema/fast.js';
import type { OtlpEncoding } from './decode.js';
import { otlpProtoTypes } from './otlp-proto.js';

/** google.rpc.Code values an OTLP/HTTP error body typically carries. */
export const RPC_CODE = {
  INVALID_ARGUMENT: 3,
  RESOURCE_EXHAUSTED: 8,
  UNAUTHENTICATED: 16,
  PERMISSION_DENIED: 7,
  UNAVAILABLE: 14,
  INTERNAL: 13,
} as const;

export interface EncodedBody {
  /** Backed by a plain ArrayBuffer so it can be passed to `new Response()` as is. */
  body: Uint8Array<ArrayBuffer>;
  contentType: string;
}

const CONTENT_TYPE: Record<OtlpEncoding, string> = {
  protobuf: 'application/x-protobuf',
  json: 'application/json',
};

/** The partial-success count field of each signal's Export*ServiceResponse. */
const REJECTED_FIELD: Record<OtlpSignal, string> = {
  logs: 'rejectedLogRecords',
  traces: 'rejectedSpans',
  metrics: 'rejectedDataPoints',
};

const json = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));

/**
 * Encodes an Export{Logs,Trace,Metrics}ServiceResponse. Without `partial` the body is the empty message
 * (full success); with it, `partialSuccess` carries the rejected count and the message.
 */
export function encodeExportResponse(
  signal: OtlpSignal,
  encoding: OtlpEncoding,
  partial?: { rejected: number; message: string },
): EncodedBody {
  const contentType = CONTENT_TYPE[encoding];
  if (encoding === 'json') {
    // proto3 JSON writes int64 as a string; OTLP receivers accept both.
    const body = partial
      ? {
          partialSuccess: {
            [REJECTED_FIELD[signal]]: String(partial.rejected),
            errorMessage: partial.message,
          },
        }
      : {};
    return { body: json(body), contentType };
  }
  if (!partial) return { body: new Uint8Array(0), contentType };
  const types = otlpProtoTypes();
  const type =
    signal === 'logs'
      ? types.logsResponse
      : signal === 'traces'
        ? types.tracesResponse
        : types.metricsResponse;
  // proto3 leaves default values off the wire; protobufjs writes whatever is set, so set only non-defaults.
  const partialSuccess: Record<string, number | string> = {};
  if (partial.rejected !== 0) partialSuccess[REJECTED_FIELD[signal]] = partial.rejected;
  if (partial.message !== '') partialSuccess.errorMessage = partial.message;
  const message = { partialSuccess };
  return { body: new Uint8Array(type.encode(type.fromObject(message)).finish()), contentType };
}

/** Encodes a google.rpc.Status (the body of OTLP/HTTP 4xx/5xx answers); `code` is a google.rpc.Code. */
export function encodeStatus(encoding: OtlpEncoding, code: number, message: string): EncodedBody {
  const contentType = CONTENT_TYPE[encoding];
  if (encoding === 'json') return { body: json({ code, message }), contentType };
  const type = otlpProtoTypes().rpcStatus;
  return { body: new Uint8Array(type.encode(type.fromObject({ code, message })).finish()), contentType };
}
