import { describe, expect, it } from 'vitest';
import { wellFormed } from './well-formed.js';

describe('wellFormed', () => {
  it('replaces lone surrogates in strings, arrays, plain objects and keys; keeps pairs', () => {
    const row = {
      command: 'echo \ud800 ok',
      pair: '🚀',
      reasons: ['fine', 'bad \udfff'],
      attributes: { 'k\ud800': 'v\udbff' },
      n: 3,
      nil: null,
    };
    expect(wellFormed(row)).toEqual({
      command: 'echo \ufffd ok',
      pair: '🚀',
      reasons: ['fine', 'bad \ufffd'],
      attributes: { 'k\ufffd': 'v\ufffd' },
      n: 3,
      nil: null,
    });
    // The input is left as it was.
    expect(row.command).toBe('echo \ud800 ok');
  });

  it('returns the same value when nothing changes', () => {
    const rows = [{ a: 'x', b: ['y'], c: { d: 'z' } }];
    expect(wellFormed(rows)).toBe(rows);
  });
});
