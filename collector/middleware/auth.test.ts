import { describe, expect, it } from 'vitest';
import { hashToken } from '../../store/index.js';
import { createTokenResolver, type Principal, TOKEN_ID_LENGTH } from './auth.js';

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
