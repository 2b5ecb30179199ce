import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { createErrorHandler } from '../errors.js';
import { createAuthorize, type Principal } from './auth.js';

// An agent holds a runner token and sends cheap authorized reads as fast as it can: the engine's API lane is
// shared by every token, so one token must not be able to take all of it.

const TOKENS: Record<string, Omit<Principal, 'id'>> = {
  'runner-token': { name: 'runner', role: 'runner' },
  'analyst-token': { name: 'ann', role: 'analyst' },
};

function app(limit: number) {
  const authorize = createAuthorize({
    lookup: async (t) => TOKENS[t] ?? null,
    remoteAddress: () => '10.0.0.9',
    openLoopbackIngest: false,
    maxInProgressPerToken: limit,
  });
  let open: () => void = () => {};
  let gate = new Promise<void>((r) => {
    open = r;
  });
  let entered = 0;
  const a = new Hono();
  a.onError(createErrorHandler(() => {}));
  const held = async (c: { text: (s: string) => Response }) => {
    entered++;
    await gate;
    return c.text('ok');
  };
  a.get('/api/approvals/:id', authorize('requestApproval'), held);
  a.get('/api/events', authorize('readEvents'), held);
  a.post('/v1/logs', authorize('ingest'), held);
  a.get('/api/fails', authorize('readEvents'), () => {
    throw new Error('handler failed');
  });
  return {
    a,
    authorize,
    entered: () => entered,
    release() {
      open();
      gate = new Promise<void>((r) => {
        open = r;
      });
    },
  };
}

const get = (a: Hono, path: string, token: string, method = 'GET') =>
  a.request(path, { method, headers: { authorization: `Bearer ${token}` } });

/** Resolves once `n` requests are inside their handlers (the handlers count themselves). */
async function until(cond: () => boolean): Promise<void> {
  while (!cond()) await new Promise((r) => setImmediate(r));
}

describe('API requests in progress per token', () => {
  it('refuses a token beyond its limit with 429 and Retry-After, before its handler runs', async () => {
    const t = app(8);
    const flood = Array.from({ length: 30 }, (_, i) => get(t.a, `/api/approvals/x${i}`, 'runner-token'));
    const refused = (await Promise.all(flood.slice(8))).map((r) => r.status);
    // The first eight are in their handlers; the other 22 were answered without reaching one.
    expect(refused).toEqual(Array(22).fill(429));
    expect(t.entered()).toBe(8);
    const one = await get(t.a, '/api/approvals/y', 'runner-token');
    expect(one.status).toBe(429);
    expect(one.headers.get('retry-after')).toBe('1');
    expect(((await one.json()) as { error: string }).error).toMatch(/8 requests in progress/);
    t.release();
    expect((await Promise.all(flood.slice(0, 8))).map((r) => r.status)).toEqual(Array(8).fill(200));
    expect(t.authorize.inProgress.tokens()).toBe(0);
  });

  it('leaves other tokens their own room while one token is at its limit', async () => {
    const t = app(4);
    const flood = Array.from({ length: 4 }, (_, i) => get(t.a, `/api/approvals/x${i}`, 'runner-token'));
    await until(() => t.entered() === 4);
    expect((await get(t.a, '/api/approvals/y', 'runner-token')).status).toBe(429);
    const analyst = get(t.a, '/api/events', 'analyst-token');
    await until(() => t.entered() === 5);
    t.release();
    expect((await analyst).status).toBe(200);
    expect((await Promise.all(flood)).every((r) => r.status === 200)).toBe(true);
  });

  it('gives the slot back when a handler fails, and when a request is refused for its role', async () => {
    const t = app(2);
    for (let i = 0; i < 10; i++) {
      expect((await get(t.a, '/api/fails', 'analyst-token')).status).toBe(500);
      // A runner may not read events: 403, and no slot is kept either.
      expect((await get(t.a, '/api/fails', 'runner-token')).status).toBe(403);
    }
    expect(t.authorize.inProgress.tokens()).toBe(0);
    const two = [get(t.a, '/api/events', 'analyst-token'), get(t.a, '/api/events', 'analyst-token')];
    await until(() => t.entered() === 2);
    t.release();
    expect((await Promise.all(two)).map((r) => r.status)).toEqual([200, 200]);
  });

  it('does not count OTLP ingest (admission bounds it for everyone)', async () => {
    const t = app(2);
    const sends = Array.from({ length: 10 }, () => get(t.a, '/v1/logs', 'runner-token', 'POST'));
    await until(() => t.entered() === 10);
    t.release();
    expect((await Promise.all(sends)).every((r) => r.status === 200)).toBe(true);
  });
});
