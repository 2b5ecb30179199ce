import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { haveShared, sharedPath } from '../../test/helpers/shared.js';
import { decodeLogs, decodeMetrics, decodeTraces, OtlpDecodeError } from './index.js';

/** Minimal protobuf writer for hand-made hostile payloads (field numbers from otlp-proto.ts). */
function varint(n: number): number[] {
  const out: number[] = [];
  while (n > 0x7f) {
    out.push((n & 0x7f) | 0x80);
    n = Math.floor(n / 128);
  }
  out.push(n);
  return out;
}
const enc = new TextEncoder();
function field(num: number, payload: Uint8Array | string): Uint8Array {
  const bytes = typeof payload === 'string' ? enc.encode(payload) : payload;
  return new Uint8Array([...varint((num << 3) | 2), ...varint(bytes.length), ...bytes]);
}
const cat = (...parts: Uint8Array[]) => new Uint8Array(Buffer.concat(parts));
/** ExportLogsServiceRequest with one record made of `recordFields`. */
const logsWith = (...recordFields: Uint8Array[]) => field(1, field(2, field(2, cat(...recordFields))));
const keyValue = (key: Uint8Array | string, value: Uint8Array) =>
  field(6, cat(field(1, key), field(2, value)));
const stringValue = (s: Uint8Array | string) => field(1, s);

/** An AnyValue nested `depth` kvlists deep: {k: {k: ... 'leaf'}}. Built from length prefixes, in linear time. */
function nestedKvlist(depth: number): Uint8Array {
  const leaf = stringValue('leaf');
  const prefixes: number[][] = [];
  let size = leaf.length;
  for (let i = 0; i < depth; i++) {
    // KeyValue { key = 'k'; value = <inner> } inside KeyValueList.values inside AnyValue.kvlist_value
    const kv = [...varint((1 << 3) | 2), 1, 0x6b, ...varint((2 << 3) | 2), ...varint(size)];
    const kvSize = kv.length + size;
    const list = [...varint((1 << 3) | 2), ...varint(kvSize)];
    const listSize = list.length + kvSize;
    const any = [...varint((6 << 3) | 2), ...varint(listSize)];
    prefixes.push([...any, ...list, ...kv]);
    size = any.length + listSize;
  }
  const out: number[] = [];
  for (let i = prefixes.length - 1; i >= 0; i--) for (const b of prefixes[i]!) out.push(b);
  return cat(new Uint8Array(out), leaf);
}

const json = (v: unknown) => enc.encode(JSON.stringify(v));
const logsJson = (record: unknown) => json({ resourceLogs: [{ scopeLogs: [{ logRecords: [record] }] }] });

function decodeError(fn: () => unknown): OtlpDecodeError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(OtlpDecodeError);
    return e as OtlpDecodeError;
  }
  throw new Error('expected an OtlpDecodeError, decoding succeeded');
}

const REC = 'resourceLogs[0].scopeLogs[0].logRecords[0]';

describe('malformed input gives OtlpDecodeError with the field path', () => {
  const cases: [string, () => unknown, RegExp][] = [
    [
      'JSON: attributes not an array',
      () => decodeLogs(logsJson({ attributes: {} }), 'json'),
      /logRecords\[0\]\.attributes: expected an array, got an object/,
    ],
    [
      'JSON: timeUnixNano an object',
      () => decodeLogs(logsJson({ timeUnixNano: {} }), 'json'),
      /logRecords\[0\]\.timeUnixNano: expected an integer/,
    ],
    [
      'JSON: timeUnixNano not digits',
      () => decodeLogs(logsJson({ timeUnixNano: '12a' }), 'json'),
      /timeUnixNano: expected an unsigned 64-bit/,
    ],
    [
      'JSON: timeUnixNano beyond 64 bits',
      () => decodeLogs(logsJson({ timeUnixNano: '18446744073709551616' }), 'json'),
      /exceeds 64 bits/,
    ],
    [
      'JSON: resourceLogs a string',
      () => decodeLogs(json({ resourceLogs: 'x' }), 'json'),
      /^resourceLogs: expected an array/,
    ],
    ['JSON: top level an array', () => decodeLogs(json([]), 'json'), /^request: expected an object/],
    ['JSON: syntax error', () => decodeLogs(enc.encode('{"resourceLogs":['), 'json'), /^invalid JSON/],
    [
      'JSON: traceId not hex',
      () => decodeLogs(logsJson({ traceId: 'zz'.repeat(16) }), 'json'),
      /traceId: id must be hex/,
    ],
    [
      'JSON: traceId of the wrong length',
      () => decodeLogs(logsJson({ traceId: 'abcd' }), 'json'),
      /traceId: id must be 32 hex digits/,
    ],
    [
      'JSON: unknown enum name',
      () => decodeLogs(logsJson({ severityNumber: 'SEVERITY_NUMBER_LOUD' }), 'json'),
      /severityNumber: expected an integer/,
    ],
    [
      'JSON: intValue not an integer',
      () => decodeLogs(logsJson({ attributes: [{ key: 'n', value: { intValue: '1.5' } }] }), 'json'),
      /attributes\[0\]: expected a 64-bit integer/,
    ],
    [
      'JSON: key not a string',
      () => decodeLogs(logsJson({ attributes: [{ key: 5, value: {} }] }), 'json'),
      /attributes\[0\]: key: expected a string/,
    ],
    [
      'JSON: body a bare string',
      () => decodeLogs(logsJson({ body: 'text' }), 'json'),
      /logRecords\[0\]\.body: expected an object/,
    ],
    [
      'JSON: record null',
      () => decodeLogs(logsJson(null), 'json'),
      /logRecords\[0\]: expected an object, got null/,
    ],
    [
      'JSON: bytesValue not base64',
      () => decodeLogs(logsJson({ body: { bytesValue: 'not base64!' } }), 'json'),
      /bytesValue must be base64/,
    ],
    [
      'JSON: span kind a boolean',
      () => decodeTraces(json({ resourceSpans: [{ scopeSpans: [{ spans: [{ kind: true }] }] }] }), 'json'),
      /spans\[0\]\.kind: expected an integer/,
    ],
    [
      'JSON: gauge point asDouble an object',
      () =>
        decodeMetrics(
          json({
            resourceMetrics: [
              { scopeMetrics: [{ metrics: [{ name: 'm', gauge: { dataPoints: [{ asDouble: {} }] } }] }] },
            ],
          }),
          'json',
        ),
      /metrics\[0\]\.gauge\.dataPoints\[0\]\.asDouble: expected a number/,
    ],
    [
      'JSON: invalid UTF-8',
      () =>
        decodeLogs(
          new Uint8Array([...enc.encode('{"resourceLogs":[],"x":"'), 0xff, 0xfe, ...enc.encode('"}')]),
          'json',
        ),
      /invalid UTF-8/,
    ],
    [
      'JSON: lone surrogate escape',
      () => decodeLogs(logsJson({ severityText: '\ud800' }), 'json'),
      /severityText: string contains an unpaired surrogate/,
    ],
    [
      'protobuf: invalid UTF-8 in a key',
      () => decodeLogs(logsWith(keyValue(new Uint8Array([0xc3, 0x28]), stringValue('v'))), 'protobuf'),
      new RegExp(`^${escapeRegExp(REC)}\\.attributes\\[0\\]: invalid UTF-8`),
    ],
    [
      'protobuf: invalid UTF-8 in a string value',
      () => decodeLogs(logsWith(keyValue('k', stringValue(new Uint8Array([0xed, 0xa0, 0x80])))), 'protobuf'),
      /attributes\[0\]: invalid UTF-8/,
    ],
    [
      'protobuf: invalid UTF-8 in severity text',
      () => decodeLogs(logsWith(field(3, new Uint8Array([0xff]))), 'protobuf'),
      /logRecords\[0\]\.severityText: invalid UTF-8/,
    ],
    [
      'protobuf: trace id of 5 bytes',
      () => decodeLogs(logsWith(field(9, new Uint8Array(5))), 'protobuf'),
      /logRecords\[0\]\.traceId: id must be 16 bytes, got 5/,
    ],
    [
      'protobuf: garbage',
      () => decodeLogs(new Uint8Array([0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f]), 'protobuf'),
      /^invalid protobuf/,
    ],
    [
      'protobuf: bad wire type',
      () => decodeLogs(new Uint8Array([0x0f, 0x01]), 'protobuf'),
      /^invalid protobuf/,
    ],
  ];
  it.each(cases)('%s', (_name, run, message) => {
    expect(decodeError(run).message).toMatch(message);
  });
});

function escapeRegExp(s: string): string {
  return s.replace(/[.[\]]/g, '\\$&');
}

describe('limits: deep nesting and huge attribute counts never exhaust the stack', () => {
  it('protobuf: kvlist nesting beyond maxDepth (default 32) is rejected; within it decodes', () => {
    const ok = decodeLogs(logsWith(keyValue('a', nestedKvlist(31))), 'protobuf');
    let v = ok.resourceLogs[0]!.scopeLogs[0]!.logRecords[0]!.attributes.a;
    for (let i = 0; i < 31; i++) v = (v as Record<string, unknown>).k as typeof v;
    expect(v).toBe('leaf');
    expect(
      decodeError(() => decodeLogs(logsWith(keyValue('a', nestedKvlist(32))), 'protobuf')).message,
    ).toMatch(/attributes\[0\].*nested deeper than 32 levels/);
    expect(() =>
      decodeLogs(logsWith(keyValue('a', nestedKvlist(32))), 'protobuf', { maxDepth: 64 }),
    ).not.toThrow();
  });

  it('protobuf: 100k levels of nesting fail cleanly', () => {
    expect(
      decodeError(() => decodeLogs(logsWith(keyValue('a', nestedKvlist(100_000))), 'protobuf')).message,
    ).toMatch(/nested deeper than 32/);
  });

  it('protobuf: 200k nested unknown groups fail cleanly (protobufjs skips groups recursively)', () => {
    const depth = 200_000;
    const start = varint((99 << 3) | 3);
    const end = varint((99 << 3) | 4);
    const groups = new Uint8Array(depth * (start.length + end.length));
    let o = 0;
    for (let i = 0; i < depth; i++) for (const b of start) groups[o++] = b;
    for (let i = 0; i < depth; i++) for (const b of end) groups[o++] = b;
    expect(decodeError(() => decodeLogs(groups, 'protobuf')).message).toMatch(/^invalid protobuf/);
  });

  it('JSON: array nesting beyond maxDepth is rejected, 100k levels fail cleanly', () => {
    const body = (n: number) =>
      enc.encode(
        `{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"body":${'{"arrayValue":{"values":['.repeat(n)}{"stringValue":"x"}${']}}'.repeat(n)}}]}]}]}`,
      );
    const ok = decodeLogs(body(31), 'json');
    expect(JSON.stringify(ok.resourceLogs[0]!.scopeLogs[0]!.logRecords[0]!.body)).toBe(
      `${'['.repeat(31)}"x"${']'.repeat(31)}`,
    );
    expect(decodeError(() => decodeLogs(body(32), 'json')).message).toMatch(
      /body.*nested deeper than 32 levels/,
    );
    expect(decodeError(() => decodeLogs(body(100_000), 'json')).message).toMatch(
      /nested deeper|invalid JSON/,
    );
  });

  it('more attributes than maxAttributes (default 4096) are rejected in both encodings', () => {
    const many = (n: number) =>
      Array.from({ length: n }, (_, i) => ({ key: `k${i}`, value: { intValue: i } }));
    expect(
      decodeLogs(logsJson({ attributes: many(4096) }), 'json').resourceLogs[0]!.scopeLogs[0]!.logRecords[0]!
        .attributes.k4095,
    ).toBe(4095);
    expect(decodeError(() => decodeLogs(logsJson({ attributes: many(5000) }), 'json')).message).toMatch(
      /logRecords\[0\]\.attributes: 5000 attributes exceed the limit of 4096/,
    );
    const pb = logsWith(...Array.from({ length: 5000 }, (_, i) => keyValue(`k${i}`, stringValue('v'))));
    expect(decodeError(() => decodeLogs(pb, 'protobuf')).message).toMatch(
      /attributes: 5000 attributes exceed the limit/,
    );
    expect(
      Object.keys(
        decodeLogs(pb, 'protobuf', { maxAttributes: 5000 }).resourceLogs[0]!.scopeLogs[0]!.logRecords[0]!
          .attributes,
      ),
    ).toHaveLength(5000);
  });
});

describe('truncated protobuf', () => {
  it.runIf(haveShared('fixtures', 'agents'))(
    'every cut of a real Codex logs body fails with OtlpDecodeError (needs ../shared)',
    () => {
      const full = readFileSync(sharedPath('fixtures', 'agents', 'codex-protobuf', '0008-logs.bin'));
      // The body is one ResourceLogs field: any cut inside it leaves a length prefix that overruns.
      for (let cut = 1; cut < full.length; cut += 997) {
        expect(decodeError(() => decodeLogs(full.subarray(0, cut), 'protobuf')).message).toMatch(
          /^invalid protobuf/,
        );
      }
      expect(decodeError(() => decodeLogs(full.subarray(0, full.length - 1), 'protobuf')).message).toMatch(
        /^invalid protobuf/,
      );
    },
  );
});

describe('lenient where the OTLP JSON mapping allows', () => {
  it('accepts enum names, snake_case keys, int64 as numbers or strings, and ignores unknown fields', () => {
    const body = json({
      resource_logs: [
        {
          resource: { attributes: [{ key: 'service.name', value: { string_value: 'x' } }], futureField: 1 },
          scope_logs: [
            {
              log_records: [
                {
                  time_unix_nano: 1795731649706526,
                  observedTimeUnixNano: '001795731649706526730',
                  severity_number: 'SEVERITY_NUMBER_INFO',
                  trace_id: '5B8EFFF798038103D269B633813FC60C',
                  attributes: [
                    { key: 'big', value: { intValue: '9223372036854775807' } },
                    { key: 'neg', value: { int_value: -5 } },
                    { key: 'inf', value: { doubleValue: 'Infinity' } },
                    { key: 'emoji', value: { stringValue: '\ud83d\ude80' } },
                    { key: '__proto__', value: { boolValue: true } },
                    { key: 'empty', value: {} },
                  ],
                  somethingNew: { nested: true },
                },
              ],
            },
          ],
        },
      ],
    });
    const rec = decodeLogs(body, 'json').resourceLogs[0]!.scopeLogs[0]!.logRecords[0]!;
    expect(rec.timeUnixNano).toBe('1795731649706526');
    expect(rec.observedTimeUnixNano).toBe('1795731649706526730');
    expect(rec.severityNumber).toBe(9);
    expect(rec.traceId).toBe('5b8efff798038103d269b633813fc60c');
    // Base64 ids (plain protobuf JSON mapping, sent by some exporters) are converted to hex.
    const b64 = decodeLogs(logsJson({ traceId: 'W47/95gDgQPSabYzgT/GDA==', spanId: '7uGbfsPBsXQ=' }), 'json');
    expect(b64.resourceLogs[0]!.scopeLogs[0]!.logRecords[0]).toMatchObject({
      traceId: '5b8efff798038103d269b633813fc60c',
      spanId: 'eee19b7ec3c1b174',
    });
    expect(rec.attributes.big).toBe('9223372036854775807');
    expect(rec.attributes.neg).toBe(-5);
    expect(rec.attributes.inf).toBe(Number.POSITIVE_INFINITY);
    expect(rec.attributes.emoji).toBe('🚀');
    expect(Object.hasOwn(rec.attributes, '__proto__')).toBe(true);
    expect(Object.getPrototypeOf(rec.attributes)).toBe(Object.prototype);
    expect(rec.attributes.empty).toBeNull();
  });

  it('accepts span kind and status code names', () => {
    const body = json({
      resourceSpans: [
        {
          scopeSpans: [
            { spans: [{ name: 's', kind: 'SPAN_KIND_CONSUMER', status: { code: 'STATUS_CODE_ERROR' } }] },
          ],
        },
      ],
    });
    const span = decodeTraces(body, 'json').resourceSpans[0]!.scopeSpans[0]!.spans[0]!;
    expect(span).toMatchObject({
      kind: 5,
      status: { code: 2, message: '' },
      traceId: '',
      startTimeUnixNano: '0',
    });
  });

  it('decodes a JSON summary point (the JS SDK cannot produce one)', () => {
    const body = json({
      resourceMetrics: [
        {
          scopeMetrics: [
            {
              metrics: [
                {
                  name: 'rpc.latency',
                  summary: {
                    dataPoints: [
                      {
                        timeUnixNano: '5',
                        count: '3',
                        sum: 6,
                        quantileValues: [
                          { quantile: 0.5, value: 2 },
                          { quantile: 1, value: 3 },
                        ],
                      },
                    ],
                  },
                },
              ],
            },
          ],
        },
      ],
    });
    const m = decodeMetrics(body, 'json').resourceMetrics[0]!.scopeMetrics[0]!.metrics[0]!;
    expect(m.data).toEqual({
      type: 'summary',
      points: [
        {
          attributes: {},
          startTimeUnixNano: '0',
          timeUnixNano: '5',
          count: 3,
          sum: 6,
          quantileValues: [
            { quantile: 0.5, value: 2 },
            { quantile: 1, value: 3 },
          ],
          flags: 0,
        },
      ],
    });
  });

  it('an empty protobuf body is an empty request', () => {
    expect(decodeLogs(new Uint8Array(0), 'protobuf')).toEqual({ resourceLogs: [] });
    expect(decodeMetrics(new Uint8Array(0), 'protobuf')).toEqual({ resourceMetrics: [] });
  });
});
