import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Attributes, Meter, Tracer } from '@opentelemetry/api';
import type { LogRecord } from '@opentelemetry/api-logs';
import { OTLPLogExporter as JsonLogExporter } from '@opentelemetry/exporter-logs-otlp-http';
import { OTLPLogExporter as ProtoLogExporter } from '@opentelemetry/exporter-logs-otlp-proto';
import {
  AggregationTemporalityPreference,
  OTLPMetricExporter as JsonMetricExporter,
} from '@opentelemetry/exporter-metrics-otlp-http';
import { OTLPMetricExporter as ProtoMetricExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import { OTLPTraceExporter as JsonTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as ProtoTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchLogRecordProcessor, LoggerProvider } from '@opentelemetry/sdk-logs';
import { MeterProvider, PeriodicExportingMetricReader, type ViewOptions } from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';

/**
 * Produces real OTLP/HTTP request bodies with the official OpenTelemetry JS exporters, by pointing them at a
 * capture server on 127.0.0.1. Tests use the bodies as ground truth for Ward's decoders and receiver.
 */

export type CaptureEncoding = 'protobuf' | 'json';

export interface CapturedRequest {
  path: string;
  /** Lowercase header names; repeated headers joined with ", ". */
  headers: Record<string, string>;
  /** The body exactly as sent (still gzip-compressed when `gzip` was asked for), ready for `new Request()`. */
  body: Uint8Array<ArrayBuffer>;
}

export interface CaptureOptions {
  /** Resource attributes (service.name defaults to "otel-capture"). */
  resource?: Attributes;
  /** Instrumentation scope name and version. */
  scope?: { name: string; version?: string };
  /** Let the exporter gzip the body. */
  gzip?: boolean;
}

export interface CaptureServer {
  url: string;
  requests: CapturedRequest[];
  close(): Promise<void>;
}

function flatHeaders(h: IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(h)) if (v !== undefined) out[k] = Array.isArray(v) ? v.join(', ') : v;
  return out;
}

/** An HTTP server on 127.0.0.1:<free port> that records every request and answers 200 with an empty message. */
export async function startCaptureServer(): Promise<CaptureServer> {
  const requests: CapturedRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      requests.push({
        path: req.url ?? '',
        headers: flatHeaders(req.headers),
        body: new Uint8Array(Buffer.concat(chunks)),
      });
      const json = (req.headers['content-type'] ?? '').includes('json');
      res.writeHead(200, { 'content-type': json ? 'application/json' : 'application/x-protobuf' });
      res.end(json ? '{}' : '');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}

type ExporterConfig = NonNullable<ConstructorParameters<typeof ProtoLogExporter>[0]>;

function exporterConfig(
  server: CaptureServer,
  signal: string,
  opts: CaptureOptions | undefined,
): ExporterConfig {
  // CompressionAlgorithm is a string enum of otlp-exporter-base ('gzip' | 'none').
  const compression = (opts?.gzip ? 'gzip' : 'none') as ExporterConfig['compression'];
  return { url: `${server.url}/v1/${signal}`, compression, timeoutMillis: 10_000 };
}

function resourceOf(opts: CaptureOptions | undefined) {
  return resourceFromAttributes({ 'service.name': 'otel-capture', ...opts?.resource });
}

function onlyRequest(server: CaptureServer, what: string): CapturedRequest {
  const [first] = server.requests;
  if (!first) throw new Error(`the ${what} exporter sent nothing`);
  return first;
}

/** Emits `records` through the official logs exporter and returns the single request it sent. */
export async function captureLogsPayload(
  records: LogRecord[],
  encoding: CaptureEncoding,
  opts?: CaptureOptions,
): Promise<CapturedRequest> {
  const server = await startCaptureServer();
  try {
    const config = exporterConfig(server, 'logs', opts);
    const exporter = encoding === 'protobuf' ? new ProtoLogExporter(config) : new JsonLogExporter(config);
    const batch = Math.max(records.length, 1);
    const provider = new LoggerProvider({
      resource: resourceOf(opts),
      processors: [
        new BatchLogRecordProcessor({
          exporter,
          maxExportBatchSize: batch,
          maxQueueSize: batch,
          scheduledDelayMillis: 3_600_000,
        }),
      ],
    });
    const logger = provider.getLogger(opts?.scope?.name ?? 'otel-capture', opts?.scope?.version);
    for (const r of records) logger.emit(r);
    await provider.forceFlush();
    await provider.shutdown();
    return onlyRequest(server, 'logs');
  } finally {
    await server.close();
  }
}

/** Runs `build` with a tracer (end the spans you start), exports them once and returns the request. */
export async function captureTracesPayload<T>(
  build: (tracer: Tracer) => T,
  encoding: CaptureEncoding,
  opts?: CaptureOptions,
): Promise<CapturedRequest & { result: T }> {
  const server = await startCaptureServer();
  try {
    const config = exporterConfig(server, 'traces', opts);
    const exporter = encoding === 'protobuf' ? new ProtoTraceExporter(config) : new JsonTraceExporter(config);
    const provider = new BasicTracerProvider({
      resource: resourceOf(opts),
      spanProcessors: [
        new BatchSpanProcessor(exporter, {
          maxExportBatchSize: 4096,
          maxQueueSize: 4096,
          scheduledDelayMillis: 3_600_000,
        }),
      ],
    });
    const result = build(provider.getTracer(opts?.scope?.name ?? 'otel-capture', opts?.scope?.version));
    await provider.forceFlush();
    await provider.shutdown();
    return { ...onlyRequest(server, 'traces'), result };
  } finally {
    await server.close();
  }
}

export interface MetricsCaptureOptions extends CaptureOptions {
  temporality?: 'delta' | 'cumulative';
  /** SDK views, e.g. to select an exponential histogram aggregation for an instrument. */
  views?: ViewOptions[];
}

/** Runs `build` with a meter (record your measurements), collects once and returns the request. */
export async function captureMetricsPayload(
  build: (meter: Meter) => void,
  encoding: CaptureEncoding,
  opts?: MetricsCaptureOptions,
): Promise<CapturedRequest> {
  const server = await startCaptureServer();
  try {
    const config = {
      ...exporterConfig(server, 'metrics', opts),
      temporalityPreference:
        opts?.temporality === 'delta'
          ? AggregationTemporalityPreference.DELTA
          : AggregationTemporalityPreference.CUMULATIVE,
    };
    const exporter =
      encoding === 'protobuf' ? new ProtoMetricExporter(config) : new JsonMetricExporter(config);
    const provider = new MeterProvider({
      resource: resourceOf(opts),
      views: opts?.views ?? [],
      readers: [new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 3_600_000 })],
    });
    build(provider.getMeter(opts?.scope?.name ?? 'otel-capture', opts?.scope?.version));
    await provider.forceFlush();
    const request = onlyRequest(server, 'metrics');
    await provider.shutdown();
    return request;
  } finally {
    await server.close();
  }
}
