import { mkdtempSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type WardServer } from '../collector/server.js';

// A local process needs no token to open sockets. Opening as many as the server allows and sending nothing held
// every one of them until the header deadline: hooks, exporters and analysts were refused for as long as it kept
// reopening them. Silent sockets now make room (collector/ingest/silent-sockets.ts). The ceiling is lowered here
// so the flood is small; the rule is the same at the default 4,096.

const ADMIN = 'admin-token-for-the-connection-flood-suite';
const RUNNER = 'runner-token-for-the-connection-flood-0123';
const CEILING = 64;
let server: WardServer;

beforeAll(async () => {
  server = await startServer(
    {
      port: 0,
      dataDir: mkdtempSync(join(tmpdir(), 'ward-conn-flood-')),
      adminToken: ADMIN,
      store: { database: 'ward_conn_flood' },
      limits: { maxConnections: CEILING },
    },
    () => {},
  );
  await server.store.tokens.add(RUNNER, 'runner-flood', 'runner');
}, 120_000);
afterAll(async () => {
  await server?.close();
});

/** The attacker: keeps `n` sockets open that never send a byte, reopening each one the server closes. */
function flood(n: number) {
  const port = Number(new URL(server.url).port);
  const sockets = new Set<Socket>();
  let stopped = false;
  let reopened = 0;
  const open = () =>
    new Promise<void>((resolve) => {
      const s = connect(port, '127.0.0.1', () => resolve());
      sockets.add(s);
      s.on('error', () => resolve());
      s.on('close', () => {
        sockets.delete(s);
        resolve();
        if (!stopped) {
          reopened++;
          void open();
        }
      });
    });
  return {
    started: Promise.all(Array.from({ length: n }, open)),
    get reopened() {
      return reopened;
    },
    stop() {
      stopped = true;
      for (const s of sockets) s.destroy();
    },
  };
}

describe('a flood of silent sockets', () => {
  it('leaves the server answering everyone who sends a request', async () => {
    const attack = flood(CEILING * 2);
    try {
      await attack.started;
      const answers: number[] = [];
      for (let i = 0; i < 10; i++) {
        const health = await fetch(`${server.url}/healthz`, { signal: AbortSignal.timeout(10_000) });
        answers.push(health.status);
        const api = await fetch(`${server.url}/api/approvals?limit=1`, {
          headers: { authorization: `Bearer ${ADMIN}` },
          signal: AbortSignal.timeout(10_000),
        });
        answers.push(api.status);
      }
      expect(answers).toEqual(Array(20).fill(200));
      // The server pushed the attacker's silent sockets out to make room (and the attacker reopened them).
      expect(attack.reopened).toBeGreaterThan(CEILING / 4);
    } finally {
      attack.stop();
    }
  });

  it('never cuts a request in progress: an upload whose body is still coming survives the flood', async () => {
    let send: (chunk: Uint8Array) => void = () => {};
    let end: () => void = () => {};
    const body = new ReadableStream<Uint8Array>({
      start(c) {
        send = (chunk) => c.enqueue(chunk);
        end = () => c.close();
      },
    });
    const json = JSON.stringify({
      resourceLogs: [
        {
          resource: { attributes: [{ key: 'service.name', value: { stringValue: 'flood-test' } }] },
          scopeLogs: [{ logRecords: [{ timeUnixNano: `${Date.now()}000000`, body: { stringValue: 'x' } }] }],
        },
      ],
    });
    const bytes = new TextEncoder().encode(json);
    const upload = fetch(`${server.url}/v1/logs`, {
      method: 'POST',
      headers: { authorization: `Bearer ${RUNNER}`, 'content-type': 'application/json' },
      body,
      duplex: 'half',
      signal: AbortSignal.timeout(30_000),
    } as RequestInit);
    send(bytes.subarray(0, 10));
    // The upload's head and first bytes are written before the health request is sent; its answer means the
    // server's event loop has read past them (one process, sockets read in the order data arrives).
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    const attack = flood(CEILING * 2);
    try {
      await attack.started;
      expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
      send(bytes.subarray(10));
      end();
      const res = await upload;
      expect(res.status).toBe(200);
    } finally {
      attack.stop();
    }
  });
});
