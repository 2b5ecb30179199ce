import {
  type Context,
  type HrTime,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  TraceFlags,
  type Tracer,
  trace,
} from '@opentelemetry/api';
import { OTLPLogExporter as JsonLogExporter } from '@opentelemetry/exporter-logs-otlp-http';
import { OTLPLogExporter as ProtoLogExporter } from '@opentelemetry/exporter-logs-otlp-proto';
import { OTLPTraceExporter as JsonTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as ProtoTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BatchLogRecordProcessor,
  LoggerProvider,
  type LogRecordExporter,
  type ReadableLogRecord,
} from '@opentelemetry/sdk-logs';
import { BasicTracerProvider, BatchSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import type { LogSpec, SessionTelemetry, SpanSpec } from './types.js';

/** Where to send and how to authenticate (OTLP from loopback needs no token). */
export interface Target {
  server: string;
  token?: string;
}

/** Records the server acknowledged, and the errors of exports it did not. */
interface Tally {
  acked: number;
  errors: string[];
}

type ExportCallback = Parameters<LogRecordExporter['export']>[1];

/** The shape both official exporters (logs, traces) share. */
interface Exporter<T> {
  export(items: T[], done: ExportCallback): void;
  shutdown(): Promise<void>;
  forceFlush?(): Promise<void>;
}

/** Wraps an official exporter to count what the server really accepted. */
function counted<T>(inner: Exporter<T>, tally: Tally, signal: string): Required<Exporter<T>> {
  return {
    export: (items, done) =>
      inner.export(items, (result) => {
        if (result.code === 0) tally.acked += items.length;
        else tally.errors.push(`${signal}: ${result.error?.message ?? 'export failed'}`);
        done(result);
      }),
    shutdown: () => inner.shutdown(),
    forceFlush: () => inner.forceFlush?.() ?? Promise.resolve(),
  };
}

function hr(ms: number): HrTime {
  const whole = Math.floor(ms);
  return [Math.floor(whole / 1000), (whole % 1000) * 1_000_000 + Math.round((ms - whole) * 1_000_000)];
}

function emitSpan(tracerFor: (scope: string) => Tracer, spec: SpanSpec, parent: Context): void {
  const span = tracerFor(spec.scope).startSpan(
    spec.name,
    { kind: SpanKind.INTERNAL, startTime: hr(spec.startMs), attributes: spec.attributes },
    parent,
  );
  for (const e of spec.events ?? []) span.addEvent(e.name, e.attributes, hr(e.timeMs));
  if (spec.error) span.setStatus({ code: SpanStatusCode.ERROR });
  const ctx = trace.setSpan(parent, span);
  for (const child of spec.children ?? []) emitSpan(tracerFor, child, ctx);
  span.end(hr(spec.endMs));
}

function countSpans(specs: readonly SpanSpec[]): number {
  return specs.reduce((n, s) => n + 1 + countSpans(s.children ?? []), 0);
}

/** Emits log specs through an SDK LoggerProvider exactly as an agent's SDK would (scopes, times, trace context). */
export function emitLogs(provider: LoggerProvider, logs: readonly LogSpec[]): void {
  for (const l of logs) {
    provider.getLogger(l.scope, l.scopeVersion).emit({
      // Codex sends timeUnixNano 0; a literal 0 would be read as "now" by the SDK, an HrTime is not.
      timestamp: l.timeMs === 0 ? [0, 0] : hr(l.timeMs),
      observedTimestamp: hr(l.observedMs),
      eventName: l.eventName,
      severityNumber: l.severity?.number,
      severityText: l.severity?.text,
      body: l.body,
      attributes: l.attributes,
      context: l.trace
        ? trace.setSpanContext(ROOT_CONTEXT, {
            traceId: l.trace.traceId,
            spanId: l.trace.spanId,
            traceFlags: TraceFlags.SAMPLED,
          })
        : ROOT_CONTEXT,
    });
  }
}

/**
 * Sends one session through the official OpenTelemetry SDK: one resource, its own exporters (protobuf or
 * JSON as the agent does). Resolves with the number of records the server acknowledged; throws if any
 * export failed, so a demo never silently reports data that is not there.
 */
export async function sendSession(t: SessionTelemetry, target: Target): Promise<number> {
  const base = target.server.replace(/\/+$/, '');
  const headers: Record<string, string> = target.token ? { authorization: `Bearer ${target.token}` } : {};
  const resource = resourceFromAttributes(t.resource);
  const tally: Tally = { acked: 0, errors: [] };
  const proto = t.encoding === 'protobuf';
  const batch = { maxExportBatchSize: 512, maxQueueSize: 16_384, scheduledDelayMillis: 60_000 };
  const flushes: Promise<unknown>[] = [];
  const shutdowns: (() => Promise<void>)[] = [];

  if (t.logs.length > 0) {
    const opts = { url: `${base}/v1/logs`, headers };
    const exporter = counted<ReadableLogRecord>(
      proto ? new ProtoLogExporter(opts) : new JsonLogExporter(opts),
      tally,
      'logs',
    );
    const provider = new LoggerProvider({
      resource,
      processors: [new BatchLogRecordProcessor({ exporter, ...batch })],
    });
    emitLogs(provider, t.logs);
    flushes.push(provider.forceFlush());
    shutdowns.push(() => provider.shutdown());
  }
  if (t.spans.length > 0) {
    const opts = { url: `${base}/v1/traces`, headers };
    const exporter = counted<ReadableSpan>(
      proto ? new ProtoTraceExporter(opts) : new JsonTraceExporter(opts),
      tally,
      'traces',
    );
    const { rng } = t.plan;
    const provider = new BasicTracerProvider({
      resource,
      idGenerator: { generateTraceId: () => rng.hex(32), generateSpanId: () => rng.hex(16) },
      spanProcessors: [new BatchSpanProcessor(exporter, batch)],
    });
    const tracerFor = (scope: string) => provider.getTracer(scope);
    for (const spec of t.spans) emitSpan(tracerFor, spec, ROOT_CONTEXT);
    flushes.push(provider.forceFlush());
    shutdowns.push(() => provider.shutdown());
  }
  await Promise.allSettled(flushes);
  await Promise.allSettled(shutdowns.map((s) => s()));
  const expected = t.logs.length + countSpans(t.spans);
  if (tally.errors.length > 0 || tally.acked !== expected) {
    const why = tally.errors[0] ?? `${tally.acked} of ${expected} records acknowledged`;
    throw new Error(`sending ${t.plan.agent} session ${t.plan.sessionId} to ${base} failed: ${why}`);
  }
  return tally.acked;
}
