import { describe, expect, it } from 'vitest';
import { SessionKeys } from './session-keys.js';

describe("a session's bounded set of values", () => {
  it('adds each value once and holds it while within its bounds', () => {
    const keys = new SessionKeys(3, 100);
    expect(keys.add('a')).toBe(true);
    expect(keys.add('a')).toBe(false);
    expect(keys.add('b')).toBe(true);
    expect(keys.add('c')).toBe(true);
    expect([...keys]).toEqual(['a', 'b', 'c']);
    expect(keys.overflowed).toBe(false);
  });

  it('past its count, forgets the oldest and says it overflowed, from then on', () => {
    const keys = new SessionKeys(3, 100);
    for (const k of ['filled:/w/dist', 'x1', 'x2', 'x3']) keys.add(k);
    expect(keys.has('filled:/w/dist')).toBe(false);
    expect(keys.size).toBe(3);
    expect(keys.overflowed).toBe(true);
    // A value forgotten is new again when it comes back; the set stays overflowed.
    expect(keys.add('filled:/w/dist')).toBe(true);
    expect(keys.overflowed).toBe(true);
  });

  it('past its characters too: a few long values cannot hold the memory of many', () => {
    const keys = new SessionKeys(1000, 10);
    keys.add('abcd');
    keys.add('efgh');
    expect(keys.overflowed).toBe(false);
    keys.add('ijkl');
    expect([...keys]).toEqual(['efgh', 'ijkl']);
    expect(keys.overflowed).toBe(true);
    // One value longer than the bound is not kept at all.
    const one = new SessionKeys(1000, 10);
    one.add('x'.repeat(11));
    expect(one.size).toBe(0);
    expect(one.overflowed).toBe(true);
  });

  it('says it overflowed when told it never got the first values', () => {
    const keys = new SessionKeys(3, 100);
    keys.markIncomplete();
    expect(keys.overflowed).toBe(true);
  });
});
