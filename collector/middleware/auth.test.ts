import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { hashToken } from '../../store/index.js';
import { createErrorHandler } from '../errors.js';
import { createAuthorize, createTokenResolver, type Principal, TOKEN_ID_LENGTH } from './auth.js';

/** A token store the test controls, counting lookups (each one is a database query in the server). */
function fakeStore() {
  const live = new Map<string, Omit<Principal, 'id'>>();
  let lookups = 0;
  let gate: Promise<void> | undefined;
  return {
    live,
    lookups: () => lookups,
    /** Holds the next lookups until the returned function is called. */
    hold() {
      let release: () => void = () => {};
      gate = new Promise((r) => {
        release = r;
      });
      return () => {
        gate = undefined;
        release();
      };
    },
    lookup: async (token: string) => {
      lookups++;
      const answer = live.get(token) ?? null;
      if (gate) await gate;
      return answer;
    },
  };
}

const idOf = (t: string) => hashToken(t).slice(0, TOKEN_ID_LENGTH);

describe('token resolver', () => {
  it('a revoked token is refused on the next request, not after the cache expires', async () => {
    const store = fakeStore();
    store.live.set('tok-a', { name: 'a', role: 'runner' });
    const r = createTokenResolver({ lookup: store.lookup, cacheMs: 3_600_000 });
    expect(await r.resolve('tok-a')).toMatchObject({ id: idOf('tok-a'), role: 'runner' });
    store.live.delete('tok-a');
    expect(await r.resolve('tok-a')).not.toBeNull(); // still cached: what forget() is for
    r.forget(idOf('tok-a'));
    expect(await r.resolve('tok-a')).toBeNull();
  });

  it('a lookup that started before a revocation does not put the token back in the cache as live', async () => {
    const store = fakeStore();
    store.live.set('tok-b', { name: 'b', role: 'analyst' });
    const r = createTokenResolver({ lookup: store.lookup, cacheMs: 3_600_000 });
    const release = store.hold();
    const inFlight = r.resolve('tok-b'); // reads "live" before the revocation lands
    store.live.delete('tok-b');
    r.forget(idOf('tok-b'));
    release();
    expect(await inFlight).not.toBeNull();
    const before = store.lookups();
    expect(await r.resolve('tok-b')).toBeNull();
    expect(store.lookups()).toBe(before + 1);
  });

  it('remembers unknown tokens briefly: guessing costs one query per token, not one per request', async () => {
    const store = fakeStore();
    const r = createTokenResolver({ lookup: store.lookup, negativeCacheMs: 3_600_000 });
    for (let i = 0; i < 5; i++) expect(await r.resolve('guess-1')).toBeNull();
    expect(store.lookups()).toBe(1);
  });

  it('reports each token’s first use once', async () => {
    const store = fakeStore();
    store.live.set('tok-c', { name: 'c', role: 'runner' });
    const seen: string[] = [];
    const r = createTokenResolver({ lookup: store.lookup, cacheMs: 0, onFirstUse: (p) => seen.push(p.name) });
    await r.resolve('tok-c');
    await r.resolve('tok-c');
    await r.resolve('unknown');
    expect(seen).toEqual(['c']);
  });
});

describe('token-free loopback ingest', () => {
  function app(open: boolean) {
    const authorize = createAuthorize({
      lookup: async () => null,
      remoteAddress: () => '127.0.0.1',
      openLoopbackIngest: open,
    });
    const a = new Hono();
    a.onError(createErrorHandler(() => {}));
    a.post('/v1/logs', authorize('ingest'), (c) => c.text('stored'));
    return a;
  }
  const post = (a: Hono, headers: Record<string, string>) =>
    a.request('/v1/logs', { method: 'POST', headers: { host: '127.0.0.1:4318', ...headers } });

  it('is refused for a request a reverse proxy forwarded (it only looks local)', async () => {
    const a = app(true);
    expect((await post(a, {})).status).toBe(200);
    const proxied: Record<string, string>[] = [
      { 'x-forwarded-for': '203.0.113.9' },
      { forwarded: 'for=203.0.113.9' },
      { 'x-real-ip': '203.0.113.9' },
      { via: '1.1 proxy' },
    ];
    for (const h of proxied) expect((await post(a, h)).status).toBe(401);
  });

  it('is off entirely with --require-ingest-token', async () => {
    expect((await post(app(false), {})).status).toBe(401);
  });
});
