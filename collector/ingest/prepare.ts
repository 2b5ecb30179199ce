import type { Redactor } from '../../schema/fast.js';
import type { OtlpSignal } from '../../schema/index.js';
import { encodeIngest, type IngestCodec, type IngestPart } from '../../store/fast.js';
import {
  type NormalizeContext,
  normalizeLogs,
  normalizeMetrics,
  normalizeTraces,
} from '../normalize/index.js';
import {
  decodeLogs,
  decodeMetrics,
  decodeTraces,
  type OtlpDecodeOptions,
  type OtlpEncoding,
} from '../otlp/index.js';
import { redactEvents } from './redact-rows.js';
import { applyTimeRule, DEFAULT_TIME_WINDOW, type TimeWindowOptions, timeWindow } from './time-rule.js';

export { toJsonEachRow } from '../../store/fast.js';

/** Rows of one table, already serialized by the store's codec. */
export type TablePayload = IngestPart;

export interface PrepareOptions {
  /** The store's wire format (`store.ingest.codec`): the collector passes it on, never chooses it. */
  codec: IngestCodec;
  /** The accepted time range around the receive time (collector/ingest/time-rule.ts). */
  time?: TimeWindowOptions;
  /** Decode limits (collector/otlp/limits.ts). */
  limits?: OtlpDecodeOptions;
}

/** Everything one OTLP request turns into, ready for the writer (its receipt row included). */
export interface PreparedRequest {
  parts: TablePayload[];
  /** OTel records accepted (log records, spans or metric points). */
  records: number;
  /** Records refused (reported as OTLP partial success). */
  rejected: number;
  message: string;
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
 * Decode, apply the time rule, normalize and redact one OTLP request, then hand the request and its events
 * to the store's one ingest call (layout, redaction of every stored text column, format, receipt row). Pure
 * CPU work with no I/O, so it can run in a worker thread. Throws OtlpDecodeError for malformed input.
 */
export function prepareRequest(
  signal: OtlpSignal,
  body: Uint8Array,
  encoding: OtlpEncoding,
  base: Redactor,
  opts: PrepareOptions,
  nowMs: number = Date.now(),
  bodyHash = '',
  /** The token the request came with: stamped on its events (collector/normalize/build.ts). */
  sender?: NormalizeContext['sender'],
): PreparedRequest {
  const redactor = memoize(base);
  const timeOpts = opts.time ?? DEFAULT_TIME_WINDOW;
  const window = timeWindow(nowMs, timeOpts);
  const ctx: NormalizeContext = { redact: redactor, sender };
  const store = { codec: opts.codec, redact: (s: string) => redactor.text(s), receivedAtMs: nowMs };
  let out: { encoded: ReturnType<typeof encodeIngest>; time: { rejected: number; message: string } };
  if (signal === 'logs') {
    const request = decodeLogs(body, encoding, opts.limits);
    const time = applyTimeRule(signal, request, window, timeOpts);
    const events = redactEvents(normalizeLogs(request, ctx), redactor);
    out = { encoded: encodeIngest({ signal, request, events, bodyHash }, store), time };
  } else if (signal === 'traces') {
    const request = decodeTraces(body, encoding, opts.limits);
    const time = applyTimeRule(signal, request, window, timeOpts);
    const events = redactEvents(normalizeTraces(request, ctx), redactor);
    out = { encoded: encodeIngest({ signal, request, events, bodyHash }, store), time };
  } else {
    const request = decodeMetrics(body, encoding, opts.limits);
    const time = applyTimeRule(signal, request, window, timeOpts);
    const events = redactEvents(normalizeMetrics(request, ctx), redactor);
    out = { encoded: encodeIngest({ signal, request, events, bodyHash }, store), time };
  }
  return {
    parts: out.encoded.parts,
    records: out.encoded.records,
    rejected: out.time.rejected,
    message: out.time.message,
  };
}
