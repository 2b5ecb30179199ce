/**
 * Fuzz (issue 7): mutated OTLP payloads (protobuf, JSON, gzip) from real agent captures and exporter-made
 * batches against a real `ward serve` (workers, embedded ClickHouse): most through the app in-process, a slice
 * over real sockets. Every answer is 2xx/4xx or 503 back-pressure, the server is up afterwards and memory stays
 * bounded. 25k here: 100k took ~340 CPU-seconds, an eighth of the suite's. `npm run fuzz:ingest` runs the
 * campaign (1M mutants by default, `-- --count N` for another size).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FuzzRequest, loadSeeds, mutants, runFuzz } from '../bench/lib/otlp-fuzz.js';
import { startServer, type WardServer } from '../collector/server.js';
import { AGENT_FIXTURES } from './helpers/shared.js';

const IN_PROCESS = 25_000;
const OVER_SOCKETS = 2_000;
const TOKEN = 'fuzz-runner-token-0123456789';
/** The README's bound (RSS growth under any input with the defaults), here for the test process itself. */
const BOUND_MIB = 640;

let server: WardServer;
let rssBefore = 0;

beforeAll(async () => {
  server = await startServer(
    {
      port: 0,
      dataDir: mkdtempSync(join(tmpdir(), 'ward-fuzz-')),
      store: { database: 'ward_fuzz' },
      time: { maxPastDays: 0 },
    },
    () => {},
    { prepareWorkerScript: new URL('../dist/collector/ingest/prepare-worker.js', import.meta.url) },
  );
  await server.store.tokens.add(TOKEN, 'fuzz', 'runner');
  rssBefore = process.memoryUsage().rss / 2 ** 20;
}, 60_000);
afterAll(async () => {
  await server?.close();
});

const seeds = () => loadSeeds(AGENT_FIXTURES, Date.now());

describe('OTLP fuzz against the real server', () => {
  it(`${IN_PROCESS} mutants in-process: always 2xx/4xx or 503`, async () => {
    const send = async (req: FuzzRequest) => {
      const res = await server.app.request(req.path, {
        method: 'POST',
        headers: { ...req.headers, authorization: `Bearer ${TOKEN}` },
        body: new Uint8Array(req.body),
      });
      await res.arrayBuffer();
      return res.status;
    };
    const stats = await runFuzz({ send, requests: mutants(seeds(), IN_PROCESS, 1), concurrency: 16 });
    expect(stats.failures).toEqual([]);
    expect(stats.sent).toBe(IN_PROCESS);
    // The run exercised both sides: refusals and stored requests.
    expect(stats.byStatus[200] ?? 0).toBeGreaterThan(IN_PROCESS * 0.03);
    expect(stats.byStatus[400] ?? 0).toBeGreaterThan(IN_PROCESS * 0.3);
  }, 600_000);

  it(`${OVER_SOCKETS} mutants over real sockets (token-free loopback)`, async () => {
    const send = async (req: FuzzRequest) => {
      const res = await fetch(`${server.url}${req.path}`, {
        method: 'POST',
        headers: req.headers,
        body: new Uint8Array(req.body),
      });
      await res.arrayBuffer();
      return res.status;
    };
    const stats = await runFuzz({ send, requests: mutants(seeds(), OVER_SOCKETS, 2), concurrency: 8 });
    expect(stats.failures).toEqual([]);
    expect(stats.sent).toBe(OVER_SOCKETS);
  }, 300_000);

  it('the server is up afterwards, still storing, and memory stayed bounded', async () => {
    const health = await fetch(`${server.url}/healthz`);
    expect(health.status).toBe(200);
    const body = JSON.stringify({
      resourceLogs: [
        {
          scopeLogs: [
            {
              logRecords: [{ timeUnixNano: `${Date.now()}000000`, body: { stringValue: 'after the fuzz' } }],
            },
          ],
        },
      ],
    });
    const res = await fetch(`${server.url}/v1/logs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    });
    expect(res.status).toBe(200);
    const growth = process.memoryUsage().rss / 2 ** 20 - rssBefore;
    expect(growth).toBeLessThan(BOUND_MIB);
  });
});
