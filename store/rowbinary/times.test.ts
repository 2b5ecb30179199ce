import { describe, expect, it } from 'vitest';
import { isoToTicks, secondsDotNanosToTicks } from './times.js';

describe('DateTime64(9) ticks', () => {
  it('converts both text forms exactly, beyond float precision', () => {
    expect(secondsDotNanosToTicks('1764151200.123456789')).toBe(1_764_151_200_123_456_789n);
    expect(secondsDotNanosToTicks('0.000000001')).toBe(1n);
    expect(isoToTicks('2025-11-26T10:00:00.123456789Z')).toBe(1_764_151_200_123_456_789n);
    expect(isoToTicks('1970-01-01T00:00:00.000000000Z')).toBe(0n);
    expect(isoToTicks('1969-12-31T23:59:59.999999999Z')).toBe(-1n);
    expect(isoToTicks('0050-01-01T00:00:00.000000000Z')).toBe(
      BigInt(Date.parse('0050-01-01T00:00:00Z')) * 1_000_000n,
    );
  });

  it('refuses anything else instead of guessing', () => {
    for (const t of ['1764151200', '1764151200.1234', 'x.123456789', '-1.000000000'])
      expect(() => secondsDotNanosToTicks(t)).toThrow(RangeError);
    for (const t of [
      '2026-11-26T10:00:00Z',
      '2026-13-01T00:00:00.000000000Z',
      '2026-02-30T00:00:00.000000000Z',
    ])
      expect(() => isoToTicks(t)).toThrow(RangeError);
  });
});
