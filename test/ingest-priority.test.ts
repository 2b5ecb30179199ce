import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeBatches, withSeq } from '../bench/lib/batches.js';
import { startServer, type WardServer } from '../collector/server.js';

// A hostile local process floods OTLP ingest (loopback ingest needs no token) to starve the approval path:
// an analyst's decision that waits behind the flood keeps a runner blocked, or times it out into a deny
// that the attacker can then blame on Ward. What must hold, whatever the timing: the approval path is not
// subject to ingest admission (never a 503 while the flood is refused), and it does not queue behind ingest
// that arrived before it (the runner proceeds while earlier ingest requests are still unanswered).

const RUNNER = 'runner-priority-token-0123456789';
const ANALYST = 'analyst-priority-token-0123456789';
const ADMITTED = 12;
const RECORDS = 5_000;
let server: WardServer;

beforeAll(async () => {
  server = await startServer({
    port: 0,
    dataDir: mkdtempSync(join(tmpdir(), 'ward-priority-')),
    store: { database: 'ward_priority_test' },
    ingestLimits: { maxInflightRequests: ADMITTED },
    // Acknowledged once stored, where ingest requests wait longest (on the engine): the case in which an
    // approval could queue behind them. With the journal (the default) this flood is over as the approval's
    // round trip ends (measured: 36 of the 40 answered when the runner proceeded after 2.65 s, the last 7 ms
    // later), so the ordering below cannot be observed there.
    batch: { ack: 'stored' },
  });
  await server.store.tokens.add(RUNNER, 'runner', 'runner');
  await server.store.tokens.add(ANALYST, 'analyst', 'analyst');
}, 120_000);
afterAll(async () => {
  await server?.close();
});

async function api(path: string, token: string, body?: unknown) {
  const res = await fetch(`${server.url}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

/** Sends every body at once, one socket each, and posts each answer's status back. */
const FLOOD = `
const { parentPort, workerData } = require('node:worker_threads');
const { Agent, request } = require('node:http');
const agent = new Agent({ maxSockets: 40 });
for (const body of workerData.bodies) {
  const req = request(workerData.url, {
    method: 'POST', agent,
    headers: { 'content-type': 'application/x-protobuf', 'content-length': body.length },
  }, (res) => {
    res.resume();
    res.on('end', () => parentPort.postMessage({ status: res.statusCode, retryAfter: res.headers['retry-after'] }));
  });
  req.on('error', (err) => { throw err; });
  req.end(Buffer.from(body));
}
`;

describe('ingest flood against the approval path', () => {
  it('a decision reaches the waiting runner while earlier ingest is unanswered; only ingest is refused', async () => {
    // 40 distinct 5,000-record requests at once: more than admission lets in, and seconds of work for the
    // two ingest workers and the engine.
    const [batch] = encodeBatches(1, RECORDS, Date.now() - 60_000);
    if (!batch) throw new Error('no batch');
    let answered = 0;
    // One socket per request, all at once, as 40 hostile exporters would, from a thread of their own: an
    // exporter is another process, and sending 90 MB from this thread would slow the server's event loop (the
    // server runs in this process) before any request of the test reached it.
    const bodies = Array.from({ length: 40 }, (_, i) => withSeq(batch, 1_000 + i));
    const worker = new Worker(FLOOD, { eval: true, workerData: { url: `${server.url}/v1/logs`, bodies } });
    const results: { status: number; retryAfter: string | undefined }[] = [];
    const flood = new Promise<void>((resolve, reject) => {
      worker.on('message', (r: { status: number; retryAfter: string | undefined } | 'sent') => {
        if (r === 'sent') return;
        results.push(r);
        answered++;
        if (answered === 40) resolve();
      });
      worker.on('error', reject);
    });
    // The flood is in: admission holds requests, or the writer or the engine holds their rows.
    // Asked of the server object, not over HTTP: /healthz itself waits behind the flood's bodies on this
    // process's one event loop, long enough for much of the flood to be answered first.
    while (!server.ingestBusy()) {
      if (answered === 40) throw new Error('the flood never showed up as in flight');
      await new Promise((r) => setImmediate(r));
    }

    const asked = await api('/api/approvals', RUNNER, {
      session_id: 'flooded',
      agent: 'codex',
      command: 'git push origin main',
      risk: 0.5,
    });
    expect(asked.status).toBe(201);
    const id = asked.body.id as string;
    const waiting = api(`/api/approvals/${id}/wait?timeout_s=120`, RUNNER);
    const decided = await api(`/api/approvals/${id}/decision`, ANALYST, { decision: 'approve' });
    expect(decided.status).toBe(200);
    const proceeded = await waiting;
    const unansweredWhenRunnerProceeded = 40 - answered;
    expect(proceeded.status).toBe(200);
    expect(proceeded.body.status).toBe('approved');

    await flood;
    await worker.terminate();
    // Admission refused part of the flood with a retryable answer, never the approval path.
    const refused = results.filter((r) => r.status === 503);
    expect(refused.length).toBeGreaterThan(0);
    for (const r of refused) expect(r.retryAfter).toBeTruthy();
    for (const r of results) expect([200, 503]).toContain(r.status);
    // Ordering: the runner went on while ingest requests sent before the approval still waited.
    expect(unansweredWhenRunnerProceeded).toBeGreaterThan(0);
    // Nothing acknowledged was lost on the way.
    const acked = results.filter((r) => r.status === 200).length * RECORDS;
    await server.flushIngest();
    await server.flushIngest();
    expect(await server.store.raw.count('otel_logs')).toBeGreaterThanOrEqual(acked);
  }, 300_000);
});
