import { ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { SeverityNumber } from '@opentelemetry/api-logs';
import { AggregationType } from '@opentelemetry/sdk-metrics';
import { describe, expect, it } from 'vitest';
import type { OtlpMetric, OtlpMetricData } from '../../schema/otlp.js';
import {
  type CapturedRequest,
  captureLogsPayload,
  captureMetricsPayload,
  captureTracesPayload,
} from '../../test/helpers/otel-capture.js';
import { decodeLogs, decodeMetrics, decodeTraces, readOtlpBody } from './index.js';

const TRACE_ID = '5b8efff798038103d269b633813fc60c';
const SPAN_ID = 'eee19b7ec3c1b174';

function asRequest(captured: CapturedRequest): Request {
  const headers = new Headers();
  for (const [k, v] of Object.entries(captured.headers)) {
    if (k === 'content-type' || k === 'content-encoding' || k === 'content-length') headers.set(k, v);
  }
  return new Request(`http://127.0.0.1${captured.path}`, { method: 'POST', headers, body: captured.body });
}

function dataOf<T extends OtlpMetricData['type']>(metrics: OtlpMetric[], name: string, type: T) {
  const m = metrics.find((x) => x.name === name);
  expect(m, `metric ${name}`).toBeDefined();
  expect(m!.data.type).toBe(type);
  return m!.data as Extract<OtlpMetricData, { type: T }>;
}

describe.each(['protobuf', 'json'] as const)('payloads of the official %s exporters', (encoding) => {
  it('logs: ids, times, severity, bodies, attributes and eventName round-trip', async () => {
    const captured = await captureLogsPayload(
      [
        {
          timestamp: [1795731649, 706526730],
          observedTimestamp: [1795731650, 1],
          severityNumber: SeverityNumber.WARN,
          severityText: 'WARN',
          eventName: 'codex.tool_decision',
          body: { cmd: 'ls -la', args: ['-l', 2, true, { nested: 1.5 }] },
          attributes: {
            'event.name': 'codex.tool_decision',
            'tool.count': 42,
            ratio: 0.25,
            ok: false,
            tags: ['a', 'b'],
            'ünïcode.key': 'naïve ☃ 🚀',
          },
          context: trace.setSpanContext(ROOT_CONTEXT, { traceId: TRACE_ID, spanId: SPAN_ID, traceFlags: 1 }),
        },
        { timestamp: [1, 0], body: new Uint8Array([0, 1, 2, 255]) },
        { body: 'plain text' },
      ],
      encoding,
      {
        resource: { 'service.name': 'ward-test', 'host.cpus': 8 },
        scope: { name: 'ward.scope', version: '1.2.3' },
      },
    );
    expect(captured.headers['content-type']).toContain(
      encoding === 'json' ? 'application/json' : 'x-protobuf',
    );
    const { body, encoding: detected } = await readOtlpBody(asRequest(captured), { maxBytes: 1 << 20 });
    expect(detected).toBe(encoding);

    const req = decodeLogs(body, encoding);
    expect(req.resourceLogs).toHaveLength(1);
    const rl = req.resourceLogs[0]!;
    expect(rl.resource.attributes['service.name']).toBe('ward-test');
    expect(rl.resource.attributes['host.cpus']).toBe(8);
    const sl = rl.scopeLogs[0]!;
    expect(sl.scope).toMatchObject({ name: 'ward.scope', version: '1.2.3' });
    const [first, second, third] = sl.logRecords;
    expect(first).toMatchObject({
      timeUnixNano: '1795731649706526730',
      observedTimeUnixNano: '1795731650000000001',
      severityNumber: 13,
      severityText: 'WARN',
      eventName: 'codex.tool_decision',
      traceId: TRACE_ID,
      spanId: SPAN_ID,
      flags: 1,
    });
    expect(first!.body).toEqual({ cmd: 'ls -la', args: ['-l', 2, true, { nested: 1.5 }] });
    expect(first!.attributes).toEqual({
      'event.name': 'codex.tool_decision',
      'tool.count': 42,
      ratio: 0.25,
      ok: false,
      tags: ['a', 'b'],
      'ünïcode.key': 'naïve ☃ 🚀',
    });
    expect(second!.timeUnixNano).toBe('1000000000');
    expect(second!.body).toBe(Buffer.from([0, 1, 2, 255]).toString('base64'));
    expect(second!.traceId).toBe('');
    expect(third!.body).toBe('plain text');
    // The SDK fills observedTimestamp with "now" when absent: a real time, not zero.
    expect(BigInt(third!.observedTimeUnixNano)).toBeGreaterThan(1_600_000_000_000_000_000n);
  });

  it('traces: span tree, kinds, times, events, links and status round-trip', async () => {
    const start = [1795731649, 100] as [number, number];
    const end = [1795731651, 999999999] as [number, number];
    const captured = await captureTracesPayload(
      (tracer) => {
        const root = tracer.startSpan('claude_code.interaction', {
          kind: SpanKind.SERVER,
          startTime: start,
          attributes: { 'session.id': 's-1', attempt: 3 },
        });
        const ctx = trace.setSpan(ROOT_CONTEXT, root);
        const child = tracer.startSpan(
          'claude_code.tool',
          {
            kind: SpanKind.CLIENT,
            startTime: start,
            links: [
              {
                context: { traceId: TRACE_ID, spanId: SPAN_ID, traceFlags: 1 },
                attributes: { why: 'retry' },
              },
            ],
          },
          ctx,
        );
        child.addEvent('exec', { cmd: 'ls' }, [1795731650, 5]);
        child.setStatus({ code: SpanStatusCode.ERROR, message: 'exit 1' });
        child.end(end);
        root.end(end);
        return { root: root.spanContext(), child: child.spanContext() };
      },
      encoding,
      { gzip: true },
    );
    expect(captured.headers['content-encoding']).toBe('gzip');
    const { body } = await readOtlpBody(asRequest(captured), { maxBytes: 1 << 20 });
    const spans = decodeTraces(body, encoding).resourceSpans[0]!.scopeSpans[0]!.spans;
    const root = spans.find((s) => s.name === 'claude_code.interaction')!;
    const child = spans.find((s) => s.name === 'claude_code.tool')!;
    expect(root).toMatchObject({
      traceId: captured.result.root.traceId,
      spanId: captured.result.root.spanId,
      parentSpanId: '',
      kind: 2,
      startTimeUnixNano: '1795731649000000100',
      endTimeUnixNano: '1795731651999999999',
      attributes: { 'session.id': 's-1', attempt: 3 },
      status: { code: 0, message: '' },
    });
    expect(child).toMatchObject({
      traceId: captured.result.root.traceId,
      spanId: captured.result.child.spanId,
      parentSpanId: captured.result.root.spanId,
      kind: 3,
      status: { code: 2, message: 'exit 1' },
    });
    expect(child.events).toEqual([
      { timeUnixNano: '1795731650000000005', name: 'exec', attributes: { cmd: 'ls' } },
    ]);
    expect(child.links).toEqual([
      { traceId: TRACE_ID, spanId: SPAN_ID, traceState: '', attributes: { why: 'retry' } },
    ]);
  });

  it('metrics: sums, gauges, histograms and exponential histograms round-trip', async () => {
    const captured = await captureMetricsPayload(
      (meter) => {
        const counter = meter.createCounter('ward.requests', { unit: '{request}', description: 'requests' });
        counter.add(5, { route: '/v1/logs' });
        counter.add(2, { route: '/v1/logs' });
        meter.createUpDownCounter('ward.queue').add(-3);
        meter.createGauge('ward.temp').record(21.5, { room: 'a' });
        const h = meter.createHistogram('ward.latency', {
          advice: { explicitBucketBoundaries: [1, 10, 100] },
        });
        for (const v of [0.5, 5, 50, 500]) h.record(v);
        const e = meter.createHistogram('ward.exp');
        for (const v of [1, 2, 4, 8]) e.record(v);
      },
      encoding,
      {
        temporality: 'delta',
        views: [{ instrumentName: 'ward.exp', aggregation: { type: AggregationType.EXPONENTIAL_HISTOGRAM } }],
      },
    );
    const metrics = decodeMetrics(captured.body, encoding).resourceMetrics[0]!.scopeMetrics[0]!.metrics;

    const sum = dataOf(metrics, 'ward.requests', 'sum');
    expect(sum).toMatchObject({ aggregationTemporality: 1, isMonotonic: true });
    expect(sum.points).toHaveLength(1);
    expect(sum.points[0]).toMatchObject({ value: 7, attributes: { route: '/v1/logs' } });
    expect(BigInt(sum.points[0]!.timeUnixNano)).toBeGreaterThanOrEqual(
      BigInt(sum.points[0]!.startTimeUnixNano),
    );
    expect(metrics.find((m) => m.name === 'ward.requests')).toMatchObject({
      unit: '{request}',
      description: 'requests',
    });

    const upDown = dataOf(metrics, 'ward.queue', 'sum');
    expect(upDown.isMonotonic).toBe(false);
    expect(upDown.points[0]!.value).toBe(-3);

    const gauge = dataOf(metrics, 'ward.temp', 'gauge');
    expect(gauge.points[0]).toMatchObject({ value: 21.5, attributes: { room: 'a' } });

    const hist = dataOf(metrics, 'ward.latency', 'histogram');
    expect(hist.points[0]).toMatchObject({
      count: 4,
      sum: 555.5,
      min: 0.5,
      max: 500,
      explicitBounds: [1, 10, 100],
      bucketCounts: [1, 1, 1, 1],
    });

    const exp = dataOf(metrics, 'ward.exp', 'exponentialHistogram');
    const p = exp.points[0]!;
    expect(p).toMatchObject({ count: 4, sum: 15, min: 1, max: 8, zeroCount: 0 });
    expect(p.positive.bucketCounts.reduce((a, b) => a + b, 0)).toBe(4);
    expect(p.negative.bucketCounts.reduce((a, b) => a + b, 0)).toBe(0);
  });
});
