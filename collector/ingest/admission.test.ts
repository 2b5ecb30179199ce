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
    expect(a.stats()).toEqual({ requests: 2, bytes: 100, refused: 2 });
    one?.release();
    one?.release(); // twice is harmless
    expect(a.stats()).toMatchObject({ requests: 1, bytes: 40 });
    expect(a.enter()?.reserve(60)).toBe(true);
  });
});
