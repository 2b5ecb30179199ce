import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type WardServer } from '../collector/server.js';
import { askHuman, createApprovalClient, type GateVerdict } from '../sandbox-runner/fast.js';
import type { Approval } from '../schema/index.js';

let server: WardServer;
const RUNNER = 'runner-client-token-0123456789';

beforeAll(async () => {
  server = await startServer({
    port: 0,
    dataDir: mkdtempSync(join(tmpdir(), 'ward-client-')),
    store: { database: 'ward_client_test' },
  });
  await server.store.tokens.add(RUNNER, 'runner-9', 'runner');
});
afterAll(async () => {
  await server?.close();
});

const client = () => createApprovalClient({ server: server.url, token: RUNNER, pollS: 5 });
const BASE = { session_id: 's-client', agent: 'ward', command: 'git push --force', risk: 0.6 };

/** Decides as admin once the request exists on the server. */
async function decideWhenSeen(id: string, decision: 'approve' | 'deny', reason = '') {
  const res = await fetch(`${server.url}/api/approvals/${id}/decision`, {
    method: 'POST',
    headers: { authorization: `Bearer ${server.adminToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ decision, reason }),
  });
  expect(res.status).toBe(200);
}

async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as { port: number };
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

function fixedVerdict(decision: GateVerdict['decision'], mode = 'balanced'): GateVerdict {
  return {
    decision,
    risk: decision === 'allow' ? 0.1 : 0.6,
    reasons:
      decision === 'allow'
        ? []
        : [
            {
              rule_id: 'destroy.git-force-push',
              category: 'destructive',
              attack_id: 'T1485',
              detail: 'force-push rewrites shared git history',
            },
          ],
    mode,
  };
}

const request = (command: string, session = 's') => ({
  command,
  session,
  agent: 'ward',
  cwd: '/w',
  project: '/w',
});

describe('approval client (runner side)', () => {
  it('creates a request and returns approved / denied when a human decides', async () => {
    const c = client();
    const a = await c.request(BASE);
    expect(a.status).toBe('pending');
    const waiting = c.waitForDecision(a.id, { timeoutMs: 20_000 });
    await decideWhenSeen(a.id, 'approve', 'fine');
    expect(await waiting).toMatchObject({ status: 'approved', reason: 'fine' });

    const b = await c.request(BASE);
    const waitingB = c.waitForDecision(b.id, { timeoutMs: 20_000 });
    await decideWhenSeen(b.id, 'deny');
    expect(await waitingB).toMatchObject({ status: 'denied', reason: 'denied by admin' });
  });

  it('reports the server-side expiry, and denies on its own deadline', async () => {
    const c = client();
    const a = await c.request({ ...BASE, timeout_s: 1 });
    expect(await c.waitForDecision(a.id, { timeoutMs: 20_000 })).toMatchObject({ status: 'expired' });
    const b = await c.request(BASE);
    const t0 = Date.now();
    const r = await c.waitForDecision(b.id, { timeoutMs: 300 });
    expect(r).toMatchObject({ status: 'denied', reason: expect.stringContaining('no decision within') });
    expect(Date.now() - t0).toBeLessThan(5_000);
  });

  it('fails closed: unreachable server, refused token, unknown request', async () => {
    const down = createApprovalClient({
      server: `http://127.0.0.1:${await closedPort()}`,
      token: RUNNER,
      maxRetries: 1,
      retryDelayMs: 10,
    });
    await expect(down.request(BASE)).rejects.toThrow(/cannot reach the Ward server/);
    expect(await down.waitForDecision('x', { timeoutMs: 10_000 })).toMatchObject({
      status: 'denied',
      reason: expect.stringContaining('cannot reach'),
    });

    const badToken = createApprovalClient({ server: server.url, token: 'not-a-token' });
    await expect(badToken.request(BASE)).rejects.toThrow(/401/);
    expect(await client().waitForDecision('no-such-id', { timeoutMs: 10_000 })).toMatchObject({
      status: 'denied',
      reason: expect.stringContaining('404'),
    });
  });

  it('reconnects through transient network failures while waiting', async () => {
    let failuresLeft = 2;
    const flaky: typeof fetch = (input, init) => {
      if (String(input).includes('/wait') && failuresLeft-- > 0)
        return Promise.reject(new TypeError('fetch failed'));
      return fetch(input, init);
    };
    const c = createApprovalClient({
      server: server.url,
      token: RUNNER,
      fetch: flaky,
      retryDelayMs: 10,
      pollS: 5,
    });
    const a = await c.request(BASE);
    const waiting = c.waitForDecision(a.id, { timeoutMs: 20_000 });
    await decideWhenSeen(a.id, 'approve');
    expect(await waiting).toMatchObject({ status: 'approved' });
    expect(failuresLeft).toBeLessThan(0);
  });
});

describe('askHuman over the real approval client', () => {
  it('runs what the gate allows and refuses what it denies, without asking anyone', async () => {
    expect(await askHuman(fixedVerdict('allow'), { request: request('ls') })).toMatchObject({
      run: true,
      decision: 'allow',
      source: 'gate',
    });
    const denied = await askHuman(fixedVerdict('deny'), {
      approvals: client(),
      request: request('rm -rf /'),
    });
    expect(denied).toMatchObject({
      run: false,
      decision: 'deny',
      source: 'gate',
      reason: expect.stringContaining('force-push'),
    });
    expect(denied.approvalId).toBeUndefined();
  });

  it('never waits in ci mode, and refuses an ask when no server is configured', async () => {
    const ci = await askHuman(fixedVerdict('ask', 'ci'), {
      approvals: client(),
      request: request('x', 's-ci'),
    });
    expect(ci).toMatchObject({ run: false, reason: expect.stringContaining('ci mode never waits') });
    expect(ci.approvalId).toBeUndefined();
    expect(await server.store.approvals.list({ limit: 500 })).not.toContainEqual(
      expect.objectContaining({ session_id: 's-ci' }),
    );
    expect(await askHuman(fixedVerdict('ask'), { request: request('x') })).toMatchObject({
      run: false,
      reason: expect.stringContaining('no Ward server'),
    });
  });

  it('on ask, says where it waits, then runs once a human approves', async () => {
    let announced: (line: string) => void = () => {};
    const seen = new Promise<string>((r) => {
      announced = r;
    });
    const outcome = askHuman(fixedVerdict('ask'), {
      approvals: client(),
      request: request('git push --force', 's-gc'),
      onWaiting: (id, url) => announced(`${id} ${url}`),
    });
    const [id, url] = (await seen).split(' ') as [string, string];
    expect(url).toBe(`${server.url}/api/approvals/${id}`);
    await decideWhenSeen(id, 'approve');
    expect(await outcome).toMatchObject({ run: true, decision: 'allow', source: 'user', approvalId: id });
    const stored = (await server.store.approvals.get(id)) as Approval;
    expect(stored).toMatchObject({
      session_id: 's-gc',
      risk: 0.6,
      reasons: [{ rule_id: 'destroy.git-force-push' }],
    });
  });

  it('refuses an ask whose wait times out, and one whose server is unreachable', async () => {
    const outcome = await askHuman(fixedVerdict('ask'), {
      approvals: client(),
      request: request('x'),
      waitMs: 1000,
    });
    expect(outcome).toMatchObject({ run: false, decision: 'deny', source: 'timeout' });
    const down = createApprovalClient({ server: `http://127.0.0.1:${await closedPort()}`, maxRetries: 0 });
    expect(await askHuman(fixedVerdict('ask'), { approvals: down, request: request('x') })).toMatchObject({
      run: false,
      source: 'error',
      step: 'request-failed',
    });
  });
});
