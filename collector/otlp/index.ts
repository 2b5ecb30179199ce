/** The OTLP/HTTP edge: request bodies in, Ward's plain OTLP interfaces (schema/otlp.ts) out, responses encoded. */
export { decodeLogs, decodeMetrics, decodeTraces, type OtlpEncoding } from './decode.js';
export { type EncodedBody, encodeExportResponse, encodeStatus, RPC_CODE } from './encode-response.js';
export { OtlpBodyError, OtlpDecodeError } from './errors.js';
export {
  DEFAULT_OTLP_DECODE_LIMITS,
  type OtlpDecodeLimits,
  type OtlpDecodeOptions,
  otlpDecodeLimitsSchema,
} from './limits.js';
export { discardBody, readOtlpBody } from './read-body.js';
export { OtlpTooLargeError } from './scan.js';
