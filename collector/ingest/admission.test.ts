import { describe, expect, it } from 'vitest';
import { createAdmission } from './admission.js';

describe('admission: OTLP work in flight', () => {
  it('refuses requests past the count and bytes past the budget, and gives both back on release', () => {
    const a = createAdmission({ maxRequests: 2, maxBytes: 100 });
    const one = a.enter();
    const two = a.enter();
    expect(one && two).toBeTruthy();
    expect(a.enter()).toBeNull();
    expect(one?.reserve(60)).toBe(true);
    expect(two?.reserve(50)).toBe(false);
    expect(two?.reserve(40)).toBe(true);
    expect(a.stats()).toEqual({ requests: 2, bytes: 100, refused: 2, refusedShare: 0, senders: 1 });
    one?.release();
    one?.release(); // twice is harmless
    expect(a.stats()).toMatchObject({ requests: 1, bytes: 40 });
    expect(a.enter()?.reserve(60)).toBe(true);
  });
});

describe('admission: one sender’s share', () => {
  it('a sender holding its share of requests or bytes is refused while others still get in', () => {
    const a = createAdmission({ maxRequests: 4, maxBytes: 100, perSenderRequests: 3, perSenderBytes: 70 });
    const mine = [a.enter('h'), a.enter('h'), a.enter('h')];
    expect(mine.every(Boolean)).toBe(true);
    expect(a.enter('h')).toBeNull(); // its share of requests, with one place left for the others
    const other = a.enter('v');
    expect(other).not.toBeNull();
    expect(a.stats()).toMatchObject({ requests: 4, refused: 1, refusedShare: 1, senders: 2 });

    expect(mine[0]?.reserve(60)).toBe(true);
    expect(mine[1]?.reserve(20)).toBe(false); // 80 > its 70, though the total (80 of 100) has room
    expect(mine[1]?.reserve(10)).toBe(true);
    expect(other?.reserve(30)).toBe(true); // the 30 it left
    expect(other?.reserve(1)).toBe(false); // the total is spent
    expect(a.stats()).toMatchObject({ bytes: 100, refused: 3, refusedShare: 2 });

    // Released, its share is back; a sender holding nothing is forgotten.
    for (const t of mine) t?.release();
    expect(a.stats()).toMatchObject({ requests: 1, bytes: 30, senders: 1 });
    expect(a.enter('h')?.reserve(70)).toBe(true);
  });
});
