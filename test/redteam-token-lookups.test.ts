import { HTTPException } from 'hono/http-exception';
import { describe, expect, it } from 'vitest';
import { createTokenResolver, TOKEN_ID_LENGTH } from '../collector/middleware/auth.js';
import { hashToken } from '../store/index.js';

/**
 * Red team: token lookups run on the engine's approval lane (store/engine/lanes.ts). Anything that reaches the
 * port (no valid token needed) sends requests with random bearer tokens: each was a store lookup of its own,
 * unbounded, so they could fill the approval lane's cap and every approval statement was refused (503). Now
 * distinct lookups in flight are capped and requests with one token share one lookup.
 */
function heldLookups() {
  const calls: { token: string; answer: (live: boolean) => void }[] = [];
  const lookup = (token: string) =>
    new Promise<{ name: string; role: 'runner' } | null>((resolve) => {
      calls.push({ token, answer: (live) => resolve(live ? { name: 'r', role: 'runner' } : null) });
    });
  return { calls, lookup };
}

describe('red team: a flood of unknown bearer tokens', () => {
  it('caps distinct lookups in flight; the excess is refused with 503 without touching the store', async () => {
    const { calls, lookup } = heldLookups();
    const r = createTokenResolver({ lookup, maxLookups: 4 });
    const held = ['a', 'b', 'c', 'd'].map((t) => r.resolve(`random-${t}`));
    const over = r.resolve('random-e').catch((e: unknown) => e);
    const err = await over;
    expect(err).toBeInstanceOf(HTTPException);
    expect((err as HTTPException).status).toBe(503);
    expect(calls).toHaveLength(4);
    for (const c of calls) c.answer(false);
    expect(await Promise.all(held)).toEqual([null, null, null, null]);
    // Room again once they are answered.
    const again = r.resolve('random-f');
    expect(calls).toHaveLength(5);
    calls[4]?.answer(false);
    expect(await again).toBeNull();
  });

  it('requests with the same token share one lookup', async () => {
    const { calls, lookup } = heldLookups();
    const r = createTokenResolver({ lookup, maxLookups: 1 });
    const many = Array.from({ length: 50 }, () => r.resolve('the-runner-token'));
    expect(calls).toHaveLength(1);
    calls[0]?.answer(true);
    for (const p of await Promise.all(many)) expect(p?.role).toBe('runner');
  });

  it('a request after a revocation does not join the lookup that began before it', async () => {
    const { calls, lookup } = heldLookups();
    const r = createTokenResolver({ lookup, cacheMs: 3_600_000 });
    const before = r.resolve('revoked-token');
    r.forget(hashToken('revoked-token').slice(0, TOKEN_ID_LENGTH));
    const after = r.resolve('revoked-token');
    expect(calls).toHaveLength(2);
    calls[0]?.answer(true); // the store answered "live" before the revocation committed
    calls[1]?.answer(false);
    expect(await before).not.toBeNull();
    expect(await after).toBeNull();
    // Nothing stale was cached: the next request is refused too.
    const next = r.resolve('revoked-token');
    calls[2]?.answer(false);
    expect(await next).toBeNull();
  });
});
