import { describe, expect, it } from 'vitest';
import { testStore } from '../test/helpers/store.js';
import { hashToken } from './tokens.js';

// Tokens are versioned rows written by whichever instance handles the request. An instance whose clock runs
// behind the one that created a token must still be able to revoke it: a revocation is final.
describe('token revocation across instances', () => {
  it('a revocation written with an older clock than the token still revokes it', async () => {
    const store = await testStore('ward_tokens_skew');
    const token = 'skewed-token-0123456789abcdef';
    const realNow = Date.now;
    Date.now = () => realNow() + 3600_000;
    try {
      await store.tokens.add(token, 'ahead', 'analyst');
    } finally {
      Date.now = realNow;
    }
    expect(await store.tokens.lookup(token)).toMatchObject({ name: 'ahead', role: 'analyst' });
    const id = hashToken(token).slice(0, 16);
    expect(await store.tokens.revokeById(id)).toMatchObject({ id, name: 'ahead' });
    expect(await store.tokens.lookup(token)).toBeNull();
    expect((await store.tokens.list()).some((t) => t.id === id)).toBe(false);
    // Revoking again finds nothing live; the count leaves it out.
    expect(await store.tokens.revokeById(id)).toBeNull();
    const other = 'other-token-0123456789abcdef';
    await store.tokens.add(other, 'other', 'runner');
    expect(await store.tokens.count()).toBe(1);
    // What the revocation feed asks: of these cached hashes, which are revoked.
    expect(await store.tokens.revokedAmong([hashToken(token), hashToken(other), 'f'.repeat(64)])).toEqual([
      hashToken(token),
    ]);
    expect(await store.tokens.revokedAmong([])).toEqual([]);
  });
});
