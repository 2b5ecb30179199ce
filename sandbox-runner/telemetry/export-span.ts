import { WARD_SPANS } from '../../schema/fast.js';
import { redactSpanRecord } from './redact-span.js';
import type { CommandSpanRecord } from './span-record.js';
import { createSpool, drainSpool } from './spool.js';

export interface ExportOptions {
  /** Server base URL, e.g. http://127.0.0.1:4318 (spans go to /v1/traces). */
  server: string;
  token?: string;
  spoolDir: string;
  serviceVersion: string;
  hostName: string;
  /** Longest wait for the server before spooling (the exporter retries within it). */
  flushTimeoutMs?: number;
  warn: (message: string) => void;
}

/**
 * Sends one span with the OTel SDK and OTLP/HTTP exporter (loaded here, lazily, so commands start fast).
 * The request is spooled to disk before sending and removed once accepted: a down server never loses it.
 */
export async function exportCommandSpan(
  unredacted: CommandSpanRecord,
  opts: ExportOptions,
): Promise<'sent' | 'spooled'> {
  const [api, sdk, resources, exporterMod, transformer, redaction] = await Promise.all([
    import('@opentelemetry/api'),
    import('@opentelemetry/sdk-trace-base'),
    import('@opentelemetry/resources'),
    import('@opentelemetry/exporter-trace-otlp-http'),
    import('@opentelemetry/otlp-transformer'),
    import('../../schema/fast.js'),
  ]);
  // Redacted before it is spooled or sent: nothing Ward writes holds a secret in clear.
  const record = redactSpanRecord(unredacted, redaction.createRedactor());
  const base = opts.server.replace(/\/+$/, '');
  const headers: Record<string, string> = opts.token ? { authorization: `Bearer ${opts.token}` } : {};
  const timeoutMs = opts.flushTimeoutMs ?? 3000;
  const spool = createSpool(opts.spoolDir);
  const inner = new exporterMod.OTLPTraceExporter({
    url: `${base}/v1/traces`,
    headers,
    timeoutMillis: timeoutMs,
  });
  let spooledFile: string | undefined;
  let sent = false;
  const exporter: import('@opentelemetry/sdk-trace-base').SpanExporter = {
    export(spans, done) {
      const body = transformer.JsonTraceSerializer.serializeRequest(spans);
      if (body) spooledFile = spool.save(body);
      inner.export(spans, (result) => {
        if (result.code === 0 && spooledFile) {
          spool.done(spooledFile);
          sent = true;
        }
        done(result);
      });
    },
    shutdown: () => inner.shutdown(),
    forceFlush: () => inner.forceFlush(),
  };
  const provider = new sdk.BasicTracerProvider({
    resource: resources.resourceFromAttributes({
      'service.name': 'ward',
      'service.version': opts.serviceVersion,
      'host.name': opts.hostName,
    }),
    spanProcessors: [new sdk.SimpleSpanProcessor(exporter)],
    // The SDK keeps the last 128 events and drops the oldest: a command's 128 network attempts would push its
    // violations out. The record is bounded where it is made (span-record.ts), so keep every event of it.
    spanLimits: { eventCountLimit: Math.max(128, record.events.length) },
  });
  const span = provider.getTracer('ward.sandbox-runner', opts.serviceVersion).startSpan(WARD_SPANS.command, {
    kind: api.SpanKind.INTERNAL,
    startTime: record.startTimeMs,
    attributes: record.attributes,
  });
  for (const e of record.events) span.addEvent(e.name, e.attributes, e.timeMs);
  if (record.error) span.setStatus({ code: api.SpanStatusCode.ERROR });
  span.end(record.endTimeMs);

  const drained = drainSpool(spool, `${base}/v1/traces`, headers, { timeoutMs, except: spooledFile });
  await Promise.race([
    provider.forceFlush().catch(() => {}),
    new Promise((r) => setTimeout(r, timeoutMs).unref()),
  ]);
  await drained.catch(() => {});
  void provider.shutdown().catch(() => {});
  if (sent) return 'sent';
  opts.warn(
    `could not send the span to ${base} within ${timeoutMs} ms; saved in ${spooledFile ?? opts.spoolDir}, sent with the next command`,
  );
  return 'spooled';
}
