import { describe, expect, it } from 'vitest';
import { TwoKeyCache } from './two-key-cache.js';

describe('TwoKeyCache', () => {
  it('keeps what is used, forgets what is not, and never holds more than its bound', () => {
    const c = new TwoKeyCache<number>(100);
    c.set('/w', 'git status', 1);
    // A flood of one-off commands (an agent trying to grow the analyzer's memory) …
    for (let i = 0; i < 10_000; i++) {
      c.set(`/w${i % 7}`, `cmd ${i}`, i);
      if (i % 10 === 0) expect(c.get('/w', 'git status')).toBe(1); // … does not push out what keeps being used
    }
    let held = 0;
    for (let i = 0; i < 10_000; i++) if (c.get(`/w${i % 7}`, `cmd ${i}`) !== undefined) held++;
    expect(held).toBeLessThanOrEqual(100);
    expect(held).toBeGreaterThan(0);
    // The two keys are kept apart: no joined string can make two different pairs collide.
    c.set('a\0b', 'c', 7);
    c.set('a', 'b\0c', 8);
    expect([c.get('a\0b', 'c'), c.get('a', 'b\0c')]).toEqual([7, 8]);
  });
});

describe('TwoKeyCache weights', () => {
  it('holds about its weight bound whatever the count: large entries push each other out sooner', () => {
    const c = new TwoKeyCache<string>(20_000, 100_000);
    const big = (i: number) => `${i} ${'中'.repeat(4_000)}`;
    for (let i = 0; i < 1_000; i++) c.set('/w', big(i), 'x', big(i).length);
    expect(c.get('/w', big(999))).toBe('x');
    let held = 0;
    for (let i = 0; i < 1_000; i++) if (c.get('/w', big(i)) !== undefined) held++;
    // 100,000 characters hold about 25 of these 4,002-character entries; the count bound would have kept 1,000.
    expect(held).toBeLessThanOrEqual(26);
    // Small entries are still counted by number.
    const small = new TwoKeyCache<number>(100, 100_000);
    for (let i = 0; i < 1_000; i++) small.set('/w', `c${i}`, i, 3);
    let smallHeld = 0;
    for (let i = 0; i < 1_000; i++) if (small.get('/w', `c${i}`) !== undefined) smallHeld++;
    expect(smallHeld).toBeGreaterThanOrEqual(50);
    expect(smallHeld).toBeLessThanOrEqual(100);
  });
});
