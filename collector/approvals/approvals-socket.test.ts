import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Approval } from '../../schema/index.js';
import { startServer, type WardServer } from '../server.js';

let server: WardServer;
const RUNNER = 'runner-socket-token-0123456789';

beforeAll(async () => {
  server = await startServer({
    port: 0,
    dataDir: mkdtempSync(join(tmpdir(), 'ward-approvals-')),
    store: { database: 'ward_approvals_socket' },
  });
  await server.store.tokens.add(RUNNER, 'runner-7', 'runner');
});
afterAll(async () => {
  await server?.close();
});

const as = (token: string) => ({ authorization: `Bearer ${token}`, 'content-type': 'application/json' });

async function request(timeout_s = 60): Promise<Approval> {
  const res = await fetch(`${server.url}/api/approvals`, {
    method: 'POST',
    headers: as(RUNNER),
    body: JSON.stringify({
      session_id: 's-sock',
      agent: 'codex',
      command: 'rm -rf ~/.cache',
      risk: 0.5,
      timeout_s,
    }),
  });
  expect(res.status).toBe(201);
  return (await res.json()) as Approval;
}

function decide(id: string, decision: 'approve' | 'deny') {
  return fetch(`${server.url}/api/approvals/${id}/decision`, {
    method: 'POST',
    headers: as(server.adminToken),
    body: JSON.stringify({ decision }),
  });
}

/** Reads SSE `data:` payloads until the stream ends. */
async function readSse(res: Response, onEvent: (a: Approval) => void): Promise<Approval[]> {
  const seen: Approval[] = [];
  const reader = (res.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  let buf = '';
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return seen;
    buf += decoder.decode(value, { stream: true });
    let end = buf.indexOf('\n\n');
    while (end !== -1) {
      const data = buf
        .slice(0, end)
        .split('\n')
        .filter((l) => l.startsWith('data:'))
        .map((l) => l.slice(5).trim())
        .join('\n');
      buf = buf.slice(end + 2);
      if (data) {
        const a = JSON.parse(data) as Approval;
        seen.push(a);
        onEvent(a);
      }
      end = buf.indexOf('\n\n');
    }
  }
}

describe('approvals over a real socket', () => {
  it('releases a long-poll the moment an admin decides', async () => {
    const a = await request();
    const t0 = Date.now();
    const waiting = fetch(`${server.url}/api/approvals/${a.id}/wait?timeout_s=60`, { headers: as(RUNNER) });
    // (collector/routes/approvals.test.ts proves the hold-then-release ordering; this is the wire path.)
    expect(
      (await (await fetch(`${server.url}/api/approvals/${a.id}`, { headers: as(RUNNER) })).json()).status,
    ).toBe('pending');
    expect((await decide(a.id, 'approve')).status).toBe(200);
    const res = await waiting;
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'approved', decided_by: 'admin' });
    expect(Date.now() - t0).toBeLessThan(10_000);
  });

  it('streams the state now and the decision when it lands, then ends (SSE)', async () => {
    const a = await request();
    const res = await fetch(`${server.url}/api/approvals/${a.id}/events`, { headers: as(RUNNER) });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    let decided: Promise<Response> | undefined;
    const seen = await readSse(res, (ev) => {
      if (ev.status === 'pending') decided = decide(a.id, 'deny');
    });
    expect(seen.map((s) => s.status)).toEqual(['pending', 'denied']);
    expect((await decided)?.status).toBe(200);
    // A final request answers with one event and ends.
    const again = await fetch(`${server.url}/api/approvals/${a.id}/events`, { headers: as(RUNNER) });
    expect((await readSse(again, () => {})).map((s) => s.status)).toEqual(['denied']);
  });

  it('expires at the deadline and tells both the long-poll and the stream', async () => {
    const a = await request(1);
    const [poll, stream] = await Promise.all([
      fetch(`${server.url}/api/approvals/${a.id}/wait?timeout_s=30`, { headers: as(RUNNER) }).then(
        (r) => r.json() as Promise<Approval>,
      ),
      fetch(`${server.url}/api/approvals/${a.id}/events`, { headers: as(RUNNER) }).then((r) =>
        readSse(r, () => {}),
      ),
    ]);
    expect(poll).toMatchObject({ status: 'expired', decided_by: 'timeout' });
    expect(stream.at(-1)?.status).toBe('expired');
  });
});
