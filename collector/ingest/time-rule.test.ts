import { describe, expect, it } from 'vitest';
import { createRedactor } from '../../schema/fast.js';
import type { OtlpLogsRequest, OtlpMetricsRequest, OtlpTracesRequest } from '../../schema/index.js';
import { decodeLogs, decodeMetrics, decodeTraces } from '../otlp/index.js';
import { prepareRequest } from './prepare.js';
import { applyTimeRule, timeWindow } from './time-rule.js';

const NOW = Date.parse('2026-12-01T12:00:00Z');
const nanos = (ms: number) => `${BigInt(ms) * 1_000_000n}`;
const OPTS = { maxFutureMs: 24 * 3600_000, maxPastMs: 30 * 86_400_000 };
// 2263-01-01: a valid fixed64 past the end of ClickHouse's DateTime64(9).
const Y2263 = '9246182400000000000';

const logs = (...times: [string, string][]) =>
  JSON.stringify({
    resourceLogs: [
      {
        resource: {},
        scopeLogs: [
          {
            logRecords: times.map(([t, o], i) => ({
              timeUnixNano: t,
              observedTimeUnixNano: o,
              body: { stringValue: `r${i}` },
            })),
          },
        ],
      },
    ],
  });

describe('the time rule (one for every signal)', () => {
  const w = timeWindow(NOW, OPTS);

  it('a missing time becomes the observed time, then the receive time', () => {
    const req = decodeLogs(
      new TextEncoder().encode(logs(['0', nanos(NOW - 1000)], ['0', '0'], [nanos(NOW - 5), nanos(NOW)])),
      'json',
    ) as OtlpLogsRequest;
    const r = applyTimeRule('logs', req, w, OPTS);
    expect(r.rejected).toBe(0);
    const times = req.resourceLogs[0]?.scopeLogs[0]?.logRecords.map((x) => x.timeUnixNano);
    expect(times).toEqual([nanos(NOW - 1000), nanos(NOW), nanos(NOW - 5)]);
  });

  it('refuses records past 2262, too far ahead or older than the retention, and says why', () => {
    const req = decodeLogs(
      new TextEncoder().encode(
        logs(
          [Y2263, '0'],
          [nanos(NOW + 2 * 86_400_000), '0'],
          [nanos(NOW - 40 * 86_400_000), '0'],
          [nanos(NOW), '0'],
          ['0', Y2263],
        ),
      ),
      'json',
    ) as OtlpLogsRequest;
    const r = applyTimeRule('logs', req, w, OPTS);
    expect(r.rejected).toBe(4);
    expect(r.message).toMatch(
      /4 log record\(s\) rejected: 3 stamped more than 24 h after.*1 older than the 30-day/,
    );
    expect(req.resourceLogs[0]?.scopeLogs[0]?.logRecords).toHaveLength(1);
  });

  it('spans: the start decides; an end, or an event, beyond the window takes the start', () => {
    const body = JSON.stringify({
      resourceSpans: [
        {
          scopeSpans: [
            {
              spans: [
                {
                  traceId: '0102030405060708090a0b0c0d0e0f10',
                  spanId: '0102030405060708',
                  name: 'ok',
                  startTimeUnixNano: nanos(NOW),
                  endTimeUnixNano: Y2263,
                  events: [{ name: 'e', timeUnixNano: '18446744073709551615' }],
                },
                { name: 'future', startTimeUnixNano: Y2263, endTimeUnixNano: Y2263 },
                { name: 'unset' },
              ],
            },
          ],
        },
      ],
    });
    const req = decodeTraces(new TextEncoder().encode(body), 'json') as OtlpTracesRequest;
    const r = applyTimeRule('traces', req, w, OPTS);
    expect(r.rejected).toBe(1);
    const spans = req.resourceSpans[0]?.scopeSpans[0]?.spans ?? [];
    expect(spans.map((s) => s.name)).toEqual(['ok', 'unset']);
    expect(spans[0]?.endTimeUnixNano).toBe(nanos(NOW));
    expect(spans[0]?.events[0]?.timeUnixNano).toBe(nanos(NOW));
    expect(spans[1]?.startTimeUnixNano).toBe(nanos(NOW));
  });

  it('metrics: every point type is judged by its time; a future start or exemplar is replaced', () => {
    const point = (t: string) => ({
      timeUnixNano: t,
      startTimeUnixNano: Y2263,
      asInt: '1',
      exemplars: [{ timeUnixNano: Y2263, asDouble: 1 }],
    });
    const body = JSON.stringify({
      resourceMetrics: [
        {
          scopeMetrics: [
            {
              metrics: [
                { name: 'g', gauge: { dataPoints: [point(nanos(NOW)), point(Y2263)] } },
                { name: 's', sum: { dataPoints: [point(Y2263)], aggregationTemporality: 2 } },
                { name: 'h', histogram: { dataPoints: [{ timeUnixNano: Y2263, count: '1' }] } },
                { name: 'x', exponentialHistogram: { dataPoints: [{ timeUnixNano: Y2263 }] } },
                { name: 'q', summary: { dataPoints: [{ timeUnixNano: '0' }] } },
              ],
            },
          ],
        },
      ],
    });
    const req = decodeMetrics(new TextEncoder().encode(body), 'json') as OtlpMetricsRequest;
    const r = applyTimeRule('metrics', req, w, OPTS);
    expect(r.rejected).toBe(4);
    expect(r.message).toMatch(/data point\(s\)/);
    const g = req.resourceMetrics[0]?.scopeMetrics[0]?.metrics[0]?.data;
    if (g?.type !== 'gauge') throw new Error('gauge expected');
    expect(g.points).toHaveLength(1);
    expect(g.points[0]?.startTimeUnixNano).toBe(nanos(NOW));
    expect(g.points[0]?.exemplars[0]?.timeUnixNano).toBe(nanos(NOW));
  });

  it('prepared RowBinary never throws on a hostile time: the record is a partial success instead', () => {
    const body = new TextEncoder().encode(logs([Y2263, '0'], [nanos(NOW), '0']));
    const out = prepareRequest(
      'logs',
      body,
      'json',
      createRedactor(),
      { codec: { rowBinary: true }, time: OPTS },
      NOW,
    );
    expect(out.records).toBe(1);
    expect(out.rejected).toBe(1);
    expect(out.message).toMatch(/rejected/);
  });

  it('a far-future event.timestamp attribute cannot move an agent event past 2262', () => {
    const body = new TextEncoder().encode(
      JSON.stringify({
        resourceLogs: [
          {
            resource: { attributes: [{ key: 'service.name', value: { stringValue: 'codex_exec' } }] },
            scopeLogs: [
              {
                logRecords: [
                  {
                    attributes: [
                      { key: 'event.name', value: { stringValue: 'codex.tool_decision' } },
                      { key: 'event.timestamp', value: { stringValue: '9999-01-01T00:00:00Z' } },
                    ],
                  },
                ],
              },
            ],
          },
        ],
      }),
    );
    const out = prepareRequest(
      'logs',
      body,
      'json',
      createRedactor(),
      { codec: { rowBinary: true }, time: OPTS },
      NOW,
    );
    expect(out.rejected).toBe(0);
    expect(out.records).toBe(1);
  });
});
