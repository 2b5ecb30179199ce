import { describe, expect, it } from 'vitest';
import type { Store } from '../../store/index.js';
import { createApp } from '../app.js';
import { createIngest } from '../ingest/pipeline.js';
import { createPreparePool } from '../ingest/prepare-pool.js';
import { createReceiptSet } from '../ingest/receipts.js';
import { createBatchingWriter, type Sink } from '../ingest/writer.js';
import { createAuthorize } from '../middleware/auth.js';

function appWith(sink: Sink, opts: { maxQueuedRows?: number; remote?: string } = {}) {
  const writer = createBatchingWriter({
    sink,
    maxQueuedRows: opts.maxQueuedRows ?? 1000,
    flushIntervalMs: 1,
    attempts: 1,
  });
  const { prepare } = createPreparePool({ size: 0, codec: { rowBinary: false } });
  const ingest = createIngest({
    writer,
    prepare,
    receipts: createReceiptSet(),
  });
  const authorize = createAuthorize({
    lookup: async () => null,
    remoteAddress: () => opts.remote ?? '127.0.0.1',
    openLoopbackIngest: true,
  });
  const app = createApp({
    store: {} as Store,
    ingest,
    authorize,
    maxBodyBytes: 1024 * 1024,
    log: () => {},
    health: { check: async () => {}, stats: () => ({}) },
  });
  return Object.assign(app, { writer });
}

/** Yields to the event loop until `cond` holds (bounded). */
async function until(cond: () => boolean): Promise<void> {
  for (let i = 0; i < 10_000 && !cond(); i++) await new Promise((r) => setImmediate(r));
  expect(cond()).toBe(true);
}

const logs = (n: number, tag: string) =>
  JSON.stringify({
    resourceLogs: [
      {
        resource: {},
        scopeLogs: [
          {
            logRecords: Array.from({ length: n }, (_, i) => ({
              timeUnixNano: `${Date.now()}00000${i}`,
              body: { stringValue: `${tag}${i}` },
            })),
          },
        ],
      },
    ],
  });

const post = (app: ReturnType<typeof appWith>, body: string, host = '127.0.0.1:4318') =>
  app.request('/v1/logs', { method: 'POST', headers: { 'content-type': 'application/json', host }, body });

describe('OTLP routes', () => {
  it('answers 503 with Retry-After when the queue is full, and accepts again once it drains', async () => {
    let release: () => void = () => {};
    const gate = new Promise<void>((r) => (release = r));
    const app = appWith(() => gate, { maxQueuedRows: 10 });
    const first = post(app, logs(8, 'a'));
    await until(() => app.writer.stats().inFlightRows > 0);
    const second = await post(app, logs(8, 'b'));
    expect(second.status).toBe(503);
    expect(second.headers.get('retry-after')).toBe('1');
    expect((await second.json()).message).toMatch(/queue full/);
    release();
    expect((await first).status).toBe(200);
    expect((await post(app, logs(8, 'c'))).status).toBe(200);
  });

  it('answers 503 (retryable) when storage fails, never 200', async () => {
    const app = appWith(async () => {
      throw new Error('engine down');
    });
    const res = await post(app, logs(2, 'x'));
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('5');
  });

  it('needs a token when a loopback peer names another host (a DNS-rebinding web page)', async () => {
    const app = appWith(async () => {});
    expect((await post(app, logs(1, 'r'), 'attacker.example:4318')).status).toBe(401);
    expect((await post(app, logs(1, 'r'), '[::1]:4318')).status).toBe(200);
  });

  it('needs a token for ingest from a non-loopback peer', async () => {
    const app = appWith(async () => {}, { remote: '10.1.2.3' });
    const res = await post(app, logs(1, 'x'));
    expect(res.status).toBe(401);
  });

  it('answers protobuf requests with a protobuf response', async () => {
    const app = appWith(async () => {});
    const res = await app.request('/v1/traces', {
      method: 'POST',
      headers: { 'content-type': 'application/x-protobuf', host: 'localhost:4318' },
      body: new Uint8Array(0),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/x-protobuf');
  });
});
