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

describe('keys of an indexed prefix', () => {
  // The storage detector checks the folders a session filled on every write command: a pass over 20,000 sighted
  // hosts and programs each time made a session's writes cost its whole memory.
  it('lists them apart, and forgets them with the set', () => {
    const keys = new SessionKeys(3, 1_000, undefined, ['filled:']);
    keys.add('filled:/w/dist');
    keys.add('host:a');
    expect([...keys.withPrefix('filled:')]).toEqual(['filled:/w/dist']);
    expect([...keys.withPrefix('host:')]).toEqual(['host:a']);
    keys.add('host:b');
    keys.add('host:c'); // past 3 keys: the oldest, the filled folder, goes
    expect([...keys.withPrefix('filled:')]).toEqual([]);
    expect(keys.overflowed).toBe(true);
  });
});
