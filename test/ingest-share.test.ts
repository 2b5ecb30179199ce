import { mkdtempSync } from 'node:fs';
import { type ClientRequest, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { encodeBatches, withSeq } from '../bench/lib/batches.js';
import { startServer, type WardServer } from '../collector/server.js';

// A hostile agent with its runner token opens every OTLP request slot the server has and trickles each body, or
// sends enough at once to fill the byte budget. Without a share per sender, every other sender's telemetry is
// refused for as long as it keeps doing so, and exporters drop what they cannot send: the activity of every
// other agent goes unseen. With it, the flooder's own requests are refused and the others still get in.

const HOSTILE = 'runner-share-hostile-0123456789';
const VICTIM = 'runner-share-victim-0123456789';
const ADMITTED = 8; // one sender may hold 6 of them
let server: WardServer;
const held: ClientRequest[] = [];

beforeAll(async () => {
  server = await startServer({
    port: 0,
    dataDir: mkdtempSync(join(tmpdir(), 'ward-share-')),
    store: { database: 'ward_share_test' },
    ingestLimits: { maxInflightRequests: ADMITTED },
    // Tokens tell senders apart only where ingest needs one: with open loopback ingest, an agent holding a token
    // could also send without it, as a second sender.
    requireIngestToken: true,
  });
  await server.store.tokens.add(HOSTILE, 'hostile', 'runner');
  await server.store.tokens.add(VICTIM, 'victim', 'runner');
}, 120_000);
afterAll(async () => {
  for (const r of held) r.destroy();
  await server?.close();
});

async function inflight(): Promise<{ requests: number; refusedShare: number; senders: number }> {
  const res = await fetch(`${server.url}/healthz`);
  return ((await res.json()) as { inflight: { requests: number; refusedShare: number; senders: number } })
    .inflight;
}

async function send(token: string, body: Buffer): Promise<{ status: number; text: string }> {
  const res = await fetch(`${server.url}/v1/logs`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/x-protobuf' },
    body: new Uint8Array(body),
  });
  return { status: res.status, text: await res.text() };
}

describe("one sender's share of OTLP ingest", () => {
  it('a token trickling bodies on every slot keeps only its share; another token is still stored', async () => {
    const url = new URL(`${server.url}/v1/logs`);
    for (let i = 0; i < ADMITTED; i++) {
      const req = request({
        host: url.hostname,
        port: url.port,
        path: url.pathname,
        method: 'POST',
        headers: {
          authorization: `Bearer ${HOSTILE}`,
          'content-type': 'application/x-protobuf',
          'content-length': 1_000_000,
        },
      });
      req.on('error', () => {});
      req.write(Buffer.alloc(16)); // and never the rest
      held.push(req);
    }
    await vi.waitFor(
      async () => {
        const s = await inflight();
        expect(s.requests).toBe(ADMITTED - 2);
        expect(s.refusedShare).toBe(2);
      },
      { timeout: 20_000, interval: 25 },
    );

    const [batch] = encodeBatches(1, 20, Date.now() - 60_000);
    if (!batch) throw new Error('no batch');
    // The flooder's next request is refused at once, and says why.
    const more = await send(HOSTILE, withSeq(batch, 1));
    expect(more.status).toBe(503);
    expect(more.text).toContain('from this sender');
    // Another sender's telemetry is taken and stored.
    const victim = await send(VICTIM, withSeq(batch, 2));
    expect(victim.status).toBe(200);
  }, 60_000);
});
