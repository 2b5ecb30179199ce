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
