import { mkdtempSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { encodeBatches, withSeq } from '../bench/lib/batches.js';
import { startServer, type WardServer } from '../collector/server.js';

// The embedded engine's thread fails in the middle of ingest. Whatever was acknowledged must be stored
// after all (stored, or spooled and replayed at the next start); the rest is answered with a retryable
// 503, never a 500, a hang or a crash of the server.

const REQUESTS = 30;
const RECORDS = 512;

function post(url: string, agent: Agent, body: Buffer): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${url}/v1/logs`,
      {
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/x-protobuf', 'content-length': body.length },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

describe('engine thread failure during ingest', () => {
  it('loses no acknowledged record and answers the rest 503', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'ward-engine-crash-'));
    const config = { port: 0, dataDir, store: { database: 'ward_crash_test' } };
    const [batch] = encodeBatches(1, RECORDS, Date.now() - 60_000);
    if (!batch) throw new Error('no batch');
    let server: WardServer = await startServer(config);
    const engine = server.store.engine;
    if (!engine) throw new Error('expected the embedded engine');
    const agent = new Agent({ maxSockets: REQUESTS });
    const sent = Array.from({ length: REQUESTS }, (_, i) =>
      post(server.url, agent, withSeq(batch, 5_000 + i)),
    );
    for (let i = 0; engine.stats().bulkInFlight === 0; i++) {
      if (i > 100_000) throw new Error('ingest never reached the engine');
      await new Promise((r) => setImmediate(r));
    }
    await engine.crash();
    const statuses = await Promise.all(sent);
    for (const s of statuses) expect([200, 503]).toContain(s);
    const acked = statuses.filter((s) => s === 200).length * RECORDS;
    expect(engine.stats().restarts).toBe(1);
    await server.close();

    // A new start on the same data dir replays whatever was spooled.
    server = await startServer(config);
    try {
      expect(await server.store.raw.count('otel_logs')).toBeGreaterThanOrEqual(acked);
    } finally {
      await server.close();
    }
  }, 300_000);
});
