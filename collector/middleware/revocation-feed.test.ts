import { afterEach, describe, expect, it, vi } from 'vitest';
import { hashToken } from '../../store/index.js';
import { createTokenResolver, type Principal } from './auth.js';
import { createRevocationFeed } from './revocation-feed.js';

// The token store as several instances share it: `live` answers lookups, `revoked` answers the feed, and
// `down` makes the feed's query fail (the store unreachable from this instance).
function sharedTokens() {
  const live = new Map<string, Omit<Principal, 'id'>>();
  const revoked = new Set<string>();
  let lookups = 0;
  let down = false;
  return {
    live,
    revoke(token: string) {
      live.delete(token);
      revoked.add(hashToken(token));
    },
    lookups: () => lookups,
    setDown: (d: boolean) => {
      down = d;
    },
    lookup: async (token: string) => {
      lookups++;
      return live.get(token) ?? null;
    },
    revokedAmong: async (hashes: string[]) => {
      if (down) throw new Error('store unreachable');
      return hashes.filter((h) => revoked.has(h));
    },
  };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('revocation feed', () => {
  it('drops a token revoked on another instance at the next check, while live tokens stay cached a minute', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const tokens = sharedTokens();
    tokens.live.set('tok-a', { name: 'a', role: 'analyst' });
    tokens.live.set('tok-b', { name: 'b', role: 'runner' });
    const feed = createRevocationFeed({ revokedAmong: tokens.revokedAmong });
    const resolver = createTokenResolver({ lookup: tokens.lookup, cacheMs: feed.cacheMs });
    expect(await feed.check(resolver)).toBe(true);
    await resolver.resolve('tok-a');
    await resolver.resolve('tok-b');
    expect(tokens.lookups()).toBe(2);

    vi.advanceTimersByTime(30_000);
    expect(await feed.check(resolver)).toBe(true);
    expect(await resolver.resolve('tok-a')).toMatchObject({ name: 'a' });
    expect(tokens.lookups()).toBe(2);

    // Revoked elsewhere: this instance's cache still says live until the feed's next check.
    tokens.revoke('tok-a');
    expect(await feed.check(resolver)).toBe(true);
    expect(await resolver.resolve('tok-a')).toBeNull();
    expect(await resolver.resolve('tok-b')).toMatchObject({ name: 'b' });
    expect(tokens.lookups()).toBe(3);
  });

  it('a stalled feed shortens the cache: a token cached for long is looked up again after the short bound', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const tokens = sharedTokens();
    tokens.live.set('tok-a', { name: 'a', role: 'analyst' });
    const feed = createRevocationFeed({ revokedAmong: tokens.revokedAmong, intervalMs: 1_000 });
    const resolver = createTokenResolver({ lookup: tokens.lookup, cacheMs: feed.cacheMs });
    await feed.check(resolver);
    await resolver.resolve('tok-a');
    vi.advanceTimersByTime(2_000);
    expect(await feed.check(resolver)).toBe(true);
    expect(feed.cacheMs()).toBe(60_000);

    tokens.setDown(true);
    tokens.revoke('tok-a');
    vi.advanceTimersByTime(3_500);
    expect(await feed.check(resolver)).toBe(false);
    // No answer for 3.5 s (over 3 intervals): the 5 s bound applies, and the entry is 5.5 s old.
    expect(feed.cacheMs()).toBe(5_000);
    expect(await resolver.resolve('tok-a')).toBeNull();
    expect(tokens.lookups()).toBe(2);
  });

  it('before its first answer the feed gives only the short bound', () => {
    const feed = createRevocationFeed({ revokedAmong: async () => [] });
    expect(feed.cacheMs()).toBe(5_000);
  });
});
