import { z } from 'zod';

/** Limits the decoders apply so that hostile payloads fail with a clear error instead of exhausting the process. */
export const otlpDecodeLimitsSchema = z.object({
  maxDepth: z
    .number()
    .int()
    .min(1)
    .max(256)
    .default(32)
    .describe('Deepest nesting of array/kvlist attribute values accepted; deeper payloads are rejected.'),
  maxAttributes: z
    .number()
    .int()
    .min(1)
    .default(4096)
    .describe(
      'Most keys accepted in one attribute list or kvlist value (per record, resource, scope or point).',
    ),
  maxRecords: z
    .number()
    .int()
    .min(1)
    .default(100_000)
    .describe('Most log records, spans or data points in one request; more is a 413 (split the batch).'),
  maxValues: z
    .number()
    .int()
    .min(1)
    .default(2_000_000)
    .describe(
      'Most values (messages, fields, array elements) one request may decode to, counted before decoding: ' +
        'bounds the memory a small body can expand into.',
    ),
});

export type OtlpDecodeLimits = z.infer<typeof otlpDecodeLimitsSchema>;
export type OtlpDecodeOptions = Partial<OtlpDecodeLimits>;

export const DEFAULT_OTLP_DECODE_LIMITS: OtlpDecodeLimits = Object.freeze(otlpDecodeLimitsSchema.parse({}));

/** Fills in defaults without a zod parse on the hot path (options come from validated config). */
export function resolveLimits(opts: OtlpDecodeOptions | undefined): OtlpDecodeLimits {
  if (!opts) return DEFAULT_OTLP_DECODE_LIMITS;
  return {
    maxDepth: opts.maxDepth ?? DEFAULT_OTLP_DECODE_LIMITS.maxDepth,
    maxAttributes: opts.maxAttributes ?? DEFAULT_OTLP_DECODE_LIMITS.maxAttributes,
    maxRecords: opts.maxRecords ?? DEFAULT_OTLP_DECODE_LIMITS.maxRecords,
    maxValues: opts.maxValues ?? DEFAULT_OTLP_DECODE_LIMITS.maxValues,
  };
}
