/**
 * Memory amplification (issue 7): bodies that are tiny on the wire and huge once decoded, sent to a real
 * `ward serve` process (token-free loopback, as any local process can). Every one is refused with a 4xx (or
 * 503 back-pressure), the server keeps answering, and its RSS never grows past the bound the README states.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  deepKvlist,
  emptyGaugePoints,
  emptyLogRecords,
  emptySpans,
  gzip,
  hugeAttributeArray,
  jsonDeepArrays,
  jsonEmptyRecords,
  jsonNumberArray,
  manyAttributes,
  packedBuckets,
} from './helpers/hostile-bodies.js';
import { startWardProcess, type WardProcess } from './helpers/ward-process.js';

/** The README's bound: RSS growth above the idle server under any input, with the defaults. */
const BOUND_MIB = 560;

let ward: WardProcess;
let baseline = 0;
let peak = 0;
let sampler: NodeJS.Timeout;

const legit = () =>
  JSON.stringify({
    resourceLogs: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: 'memory-test' } }] },
        scopeLogs: [
          {
            logRecords: Array.from({ length: 50 }, (_, i) => ({
              timeUnixNano: `${Date.now()}000000`,
              body: { stringValue: `ordinary record ${i} ${Math.random()}` },
              attributes: [{ key: 'i', value: { intValue: String(i) } }],
            })),
          },
        ],
      },
    ],
  });

async function send(path: string, body: Buffer | string, json: boolean, gz: boolean): Promise<number> {
  const headers: Record<string, string> = {
    'content-type': json ? 'application/json' : 'application/x-protobuf',
  };
  if (gz) headers['content-encoding'] = 'gzip';
  const res = await fetch(`${ward.url}${path}`, {
    method: 'POST',
    headers,
    body: typeof body === 'string' ? body : new Uint8Array(body),
  });
  await res.arrayBuffer();
  return res.status;
}

beforeAll(async () => {
  ward = await startWardProcess();
  // Steady state first: workers loaded and JIT-compiled, the engine's first parts written.
  for (let i = 0; i < 20; i++) expect(await send('/v1/logs', legit(), true, false)).toBe(200);
  baseline = ward.rssMiB();
  peak = baseline;
  sampler = setInterval(() => {
    peak = Math.max(peak, ward.rssMiB());
  }, 10);
}, 120_000);

afterAll(async () => {
  clearInterval(sampler);
  await ward?.stop();
});

describe('hostile OTLP bodies against a real server', () => {
  // [name, path, body, json, gzip, accepted statuses]
  const cases: [string, string, () => Buffer, boolean, boolean][] = [
    [
      '2.1M empty log records (4 MiB, gzip ~4 KiB)',
      '/v1/logs',
      () => emptyLogRecords(2_100_000),
      false,
      true,
    ],
    [
      '8M empty log records (16 MiB at the body limit)',
      '/v1/logs',
      () => emptyLogRecords(8_000_000 - 8),
      false,
      true,
    ],
    ['2M empty spans', '/v1/traces', () => emptySpans(2_000_000), false, true],
    ['2M empty gauge points', '/v1/metrics', () => emptyGaugePoints(2_000_000), false, true],
    [
      'one attribute: an array of 4M empty values',
      '/v1/logs',
      () => hugeAttributeArray(4_000_000),
      false,
      true,
    ],
    ['one record with 4M empty attributes', '/v1/logs', () => manyAttributes(4_000_000), false, true],
    ['a body 5000 kvlist levels deep', '/v1/logs', () => deepKvlist(5_000), false, true],
    ['2M packed histogram buckets', '/v1/metrics', () => packedBuckets(1_900_000), false, true],
    ['JSON: 5M empty records (`{},`)', '/v1/logs', () => jsonEmptyRecords(5_000_000), true, true],
    ['JSON: 100k nested arrays', '/v1/logs', () => jsonDeepArrays(100_000), true, true],
    ['JSON: an attribute of 8M numbers', '/v1/logs', () => jsonNumberArray(7_000_000), true, true],
  ];

  it.each(cases)(
    '%s: refused with a 4xx, nothing like its decoded size in memory',
    async (_n, path, make, json, gz) => {
      const raw = make();
      const status = await send(path, gz ? gzip(raw) : raw, json, gz);
      expect([400, 413]).toContain(status);
      expect(await send('/v1/logs', legit(), true, false)).toBe(200);
    },
  );

  it('heavy bodies inside the limits are stored (200), several at once', async () => {
    const big = (n: number, attrs: number) =>
      JSON.stringify({
        resourceLogs: [
          {
            scopeLogs: [
              {
                logRecords: Array.from({ length: n }, (_, i) => ({
                  timeUnixNano: `${Date.now()}000000`,
                  body: { stringValue: `r${i}` },
                  attributes: Array.from({ length: attrs }, (_, k) => ({
                    key: `a${k}`,
                    value: { stringValue: `v${i}-${k}` },
                  })),
                })),
              },
            ],
          },
        ],
      });
    const oneString = JSON.stringify({
      resourceLogs: [{ scopeLogs: [{ logRecords: [{ body: { stringValue: 'x'.repeat(15 * 2 ** 20) } }] }] }],
    });
    const statuses = await Promise.all([
      send('/v1/logs', gzip(emptyLogRecords(99_000)), false, true),
      send('/v1/logs', gzip(Buffer.from(big(15_000, 10))), true, true),
      send('/v1/logs', gzip(Buffer.from(big(15_000, 10))), true, true),
      send('/v1/logs', gzip(Buffer.from(oneString)), true, true),
      send('/v1/logs', gzip(Buffer.from(big(60_000, 2))), true, true),
    ]);
    for (const s of statuses) expect([200, 503]).toContain(s);
    expect(statuses.filter((s) => s === 200).length).toBeGreaterThan(0);
  }, 180_000);

  it('64 such bodies at once: each refused (4xx) or deferred (503), never a crash', async () => {
    const bodies = [
      gzip(emptyLogRecords(2_000_000)),
      gzip(hugeAttributeArray(4_000_000)),
      gzip(jsonEmptyRecords(4_000_000)),
    ];
    const statuses = await Promise.all(
      Array.from({ length: 64 }, (_, i) =>
        send(i % 3 === 1 ? '/v1/logs' : '/v1/logs', bodies[i % 3] as Buffer, i % 3 === 2, true),
      ),
    );
    for (const s of statuses) expect([400, 413, 503]).toContain(s);
    expect(await send('/v1/logs', legit(), true, false)).toBe(200);
  }, 120_000);

  it(`RSS growth stayed under ${BOUND_MIB} MiB and the server still answers`, async () => {
    const health = await fetch(`${ward.url}/healthz`);
    expect(health.status).toBe(200);
    process.stdout.write(
      `ingest-memory: idle RSS ${baseline.toFixed(0)} MiB, peak ${peak.toFixed(0)} MiB, growth ${(peak - baseline).toFixed(0)} MiB (bound ${BOUND_MIB})\n`,
    );
    expect(peak - baseline).toBeLessThan(BOUND_MIB);
  });
});
