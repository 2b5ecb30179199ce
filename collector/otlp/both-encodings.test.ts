import { ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { SeverityNumber } from '@opentelemetry/api-logs';
import { describe, expect, it } from 'vitest';
import {
  captureLogsPayload,
  captureMetricsPayload,
  captureTracesPayload,
} from '../../test/helpers/otel-capture.js';
import { decodeLogs, decodeMetrics, decodeTraces, OtlpDecodeError } from './index.js';
import { otlpProtoTypes } from './otlp-proto.js';

/**
 * One converter reads both encodings: the same data sent as protobuf and as JSON decodes to the same
 * value (key order included), and the same fault is reported at the same field path.
 */

/** Numbers ids (random per export) by first appearance and blanks times (`now` per export). */
function stable(v: unknown): string {
  const ids = new Map<string, string>();
  return JSON.stringify(v, (k, x) => {
    if (typeof x !== 'string' || x === '') return x;
    if (/timeUnixNano$/i.test(k)) return 'time';
    if (!/Id$/.test(k)) return x;
    if (!ids.has(x)) ids.set(x, `id#${ids.size}`);
    return ids.get(x);
  });
}

describe('the official exporters: protobuf and JSON decode to the same value', () => {
  it('logs (ids and times fixed by the records): identical, key order included', async () => {
    const context = trace.setSpanContext(ROOT_CONTEXT, {
      traceId: '5b8efff798038103d269b633813fc60c',
      spanId: 'eee19b7ec3c1b174',
      traceFlags: 1,
    });
    const records = [
      {
        timestamp: [1795731649, 706526730] as [number, number],
        observedTimestamp: [1795731650, 1] as [number, number],
        severityNumber: SeverityNumber.WARN,
        severityText: 'WARN',
        eventName: 'codex.tool_decision',
        body: { cmd: 'ls -la', args: ['-l', 2, true, { nested: 1.5 }], big: 2 ** 40 },
        attributes: { 'event.name': 'codex.tool_decision', n: 42, r: 0.25, ok: false, tags: ['a', 'b'] },
        context,
      },
      {
        timestamp: [1, 0] as [number, number],
        observedTimestamp: [2, 0] as [number, number],
        body: new Uint8Array([0, 1, 2, 255]),
      },
    ];
    const opts = { resource: { 'service.name': 'ward-test' }, scope: { name: 's', version: '1' } };
    const pb = decodeLogs((await captureLogsPayload(records, 'protobuf', opts)).body, 'protobuf');
    const json = decodeLogs((await captureLogsPayload(records, 'json', opts)).body, 'json');
    expect(json).toStrictEqual(pb);
    expect(JSON.stringify(json)).toBe(JSON.stringify(pb));
    expect(pb.resourceLogs[0]!.scopeLogs[0]!.logRecords[0]!.attributes.n).toBe(42);
  });

  it('traces: identical once ids and times (random per export) are numbered', async () => {
    const build = (tracer: import('@opentelemetry/api').Tracer) => {
      const root = tracer.startSpan('root', { kind: SpanKind.SERVER, attributes: { a: 1 } });
      const child = tracer.startSpan('child', {}, trace.setSpan(ROOT_CONTEXT, root));
      child.addEvent('e', { cmd: 'ls' });
      child.setStatus({ code: SpanStatusCode.ERROR, message: 'exit 1' });
      child.end();
      root.end();
    };
    const pb = decodeTraces((await captureTracesPayload(build, 'protobuf')).body, 'protobuf');
    const json = decodeTraces((await captureTracesPayload(build, 'json')).body, 'json');
    expect(stable(json)).toBe(stable(pb));
    expect(pb.resourceSpans[0]!.scopeSpans[0]!.spans).toHaveLength(2);
  });

  it('metrics (sums, gauges, histograms): identical once times are numbered', async () => {
    const build = (meter: import('@opentelemetry/api').Meter) => {
      meter.createCounter('c').add(5, { route: '/v1/logs' });
      meter.createUpDownCounter('u').add(-3);
      meter.createGauge('g').record(21.5);
      const h = meter.createHistogram('h', { advice: { explicitBucketBoundaries: [1, 10] } });
      for (const v of [0.5, 5, 50]) h.record(v);
    };
    const pb = decodeMetrics((await captureMetricsPayload(build, 'protobuf')).body, 'protobuf');
    const json = decodeMetrics((await captureMetricsPayload(build, 'json')).body, 'json');
    expect(stable(json)).toBe(stable(pb));
    expect(pb.resourceMetrics[0]!.scopeMetrics[0]!.metrics).toHaveLength(4);
  });
});

const enc = new TextEncoder();
const types = otlpProtoTypes();
const pbLogs = (record: object, scope: object = {}) =>
  types.logsRequest
    .encode(
      types.logsRequest.fromObject({ resourceLogs: [{ scopeLogs: [{ scope, logRecords: [record] }] }] }),
    )
    .finish();
const jsonLogs = (record: object, scope: object = {}) =>
  enc.encode(JSON.stringify({ resourceLogs: [{ scopeLogs: [{ scope, logRecords: [record] }] }] }));

function errorOf(fn: () => unknown): OtlpDecodeError {
  try {
    fn();
  } catch (e) {
    if (e instanceof OtlpDecodeError) return e;
    throw e;
  }
  throw new Error('decoding succeeded');
}

/** AnyValue { arrayValue { values: [<inner>] } }, `depth` levels deep. */
function nested(depth: number, pb: boolean): object {
  let v: object = pb ? { stringValue: enc.encode('leaf') } : { stringValue: 'leaf' };
  for (let i = 0; i < depth; i++) {
    const list = { values: [v] };
    v = { arrayValue: pb ? types.arrayValue.encode(types.arrayValue.fromObject(list)).finish() : list };
  }
  return v;
}

describe('a fault is reported at the same path in both encodings', () => {
  const REC = 'resourceLogs[0].scopeLogs[0].logRecords[0]';
  const cases: [string, Uint8Array, Uint8Array, string][] = [
    [
      'a trace id of the wrong length',
      pbLogs({ traceId: new Uint8Array(5) }),
      jsonLogs({ traceId: 'abcd' }),
      `${REC}.traceId`,
    ],
    [
      'a string that is not Unicode (invalid UTF-8 / a lone surrogate)',
      pbLogs({}, { name: new Uint8Array([0xff]) }),
      jsonLogs({}, { name: '\ud800' }),
      'resourceLogs[0].scopeLogs[0].scope.name',
    ],
    [
      'a bad attribute value',
      pbLogs({ attributes: [{ key: enc.encode('k'), value: { stringValue: new Uint8Array([0xc3]) } }] }),
      jsonLogs({ attributes: [{ key: 'k', value: { intValue: '1.5' } }] }),
      `${REC}.attributes[0]`,
    ],
    [
      'a body nested past the limit',
      // 32 levels: past the converter's limit, within the wire scans' (they give no path).
      pbLogs({ body: nested(32, true) }),
      jsonLogs({ body: nested(32, false) }),
      `${REC}.body${'.arrayValue.values[0]'.repeat(31)}`,
    ],
  ];
  it.each(cases)('%s', (_name, pb, json, path) => {
    const a = errorOf(() => decodeLogs(pb, 'protobuf'));
    const b = errorOf(() => decodeLogs(json, 'json'));
    expect(a.path).toBe(path);
    expect(b.path).toBe(path);
  });

  it('too many attributes: same path and same message', () => {
    const n = 20;
    const pb = pbLogs({
      attributes: Array.from({ length: n }, (_, i) => ({
        key: enc.encode(`k${i}`),
        value: { boolValue: true },
      })),
    });
    const json = jsonLogs({
      attributes: Array.from({ length: n }, (_, i) => ({ key: `k${i}`, value: { boolValue: true } })),
    });
    const a = errorOf(() => decodeLogs(pb, 'protobuf', { maxAttributes: 10 }));
    const b = errorOf(() => decodeLogs(json, 'json', { maxAttributes: 10 }));
    expect(a.message).toBe(`${REC}.attributes: 20 attributes exceed the limit of 10`);
    expect(b.message).toBe(a.message);
  });
});
