import { describe, expect, it } from 'vitest';
import { isoToNanos, isSetNanos, nanosDiffMs, nanosToIso } from './time.js';

describe('nanosToIso', () => {
  it('keeps all nine fraction digits without float loss', () => {
    expect(nanosToIso('1795731649706526730')).toBe('2026-11-26T22:20:49.706526730Z');
    expect(nanosToIso('1795731649000000001')).toBe('2026-11-26T22:20:49.000000001Z');
  });
  it('handles sub-second and unset values', () => {
    expect(nanosToIso('5')).toBe('1970-01-01T00:00:00.000000005Z');
    expect(nanosToIso('0')).toBe('1970-01-01T00:00:00.000000000Z');
    expect(nanosToIso('')).toBe('1970-01-01T00:00:00.000000000Z');
    expect(nanosToIso('12abc')).toBe('1970-01-01T00:00:00.000000000Z');
  });
});

describe('isoToNanos', () => {
  it('parses Codex event.timestamp with milliseconds', () => {
    expect(isoToNanos('2026-11-26T22:20:49.706Z')).toBe('1795731649706000000');
    expect(nanosToIso(isoToNanos('2026-11-26T22:20:49.123456789Z')!)).toBe('2026-11-26T22:20:49.123456789Z');
  });
  it('accepts offsets and no fraction; rejects garbage', () => {
    expect(isoToNanos('2026-11-26T23:20:49+01:00')).toBe('1795731649000000000');
    expect(isoToNanos('yesterday')).toBeNull();
  });
});

describe('isSetNanos / nanosDiffMs', () => {
  it('treats 0, empty and non-digits as unset', () => {
    expect(isSetNanos('0')).toBe(false);
    expect(isSetNanos('000')).toBe(false);
    expect(isSetNanos('')).toBe(false);
    expect(isSetNanos('17')).toBe(true);
  });
  it('gives milliseconds, null when unset or negative', () => {
    expect(nanosDiffMs('1795731650000000000', '1795731650250000000')).toBe(250);
    expect(nanosDiffMs('0', '1795731650250000000')).toBeNull();
    expect(nanosDiffMs('2', '1')).toBeNull();
  });
});
