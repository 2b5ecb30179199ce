import { describe, expect, it } from 'vitest';
import { OtlpDecodeError } from './errors.js';
import {
  hexId,
  idToHex,
  jsonInt64Value,
  jsonUint64Decimal,
  uint64ToDecimal,
  wireInt64Value,
} from './wire-values.js';

function split(v: bigint): [number, number] {
  return [Number(v & 0xffffffffn), Number((v >> 32n) & 0xffffffffn)];
}

describe('64-bit conversions', () => {
  it('uint64ToDecimal agrees with BigInt on edges and 20k random values', () => {
    const edges = [
      0n,
      1n,
      2n ** 53n - 1n,
      2n ** 53n,
      2n ** 53n + 1n,
      1795731649706526730n,
      10n ** 19n,
      2n ** 64n - 1n,
    ];
    for (let i = 0; i < 20_000; i++) {
      edges.push(
        BigInt(Math.floor(Math.random() * 2 ** 32)) * 2n ** 32n + BigInt(Math.floor(Math.random() * 2 ** 32)),
      );
    }
    for (const v of edges) {
      const [lo, hi] = split(v);
      expect(uint64ToDecimal(lo, hi)).toBe(v.toString());
    }
  });

  it('uint64ToDecimal is exact for runs of values sharing a high word (times in one batch)', () => {
    const base = 1795731649706526730n;
    for (const hiStep of [0n, 1n, 2n ** 31n]) {
      const high = (base >> 32n) + hiStep;
      for (const low of [0n, 1n, 999_999_999n, 1_000_000_000n, 4_294_967_295n, 2_705_032_704n]) {
        const v = (high << 32n) | low;
        const [lo, hi] = split(v);
        expect(uint64ToDecimal(lo, hi)).toBe(v.toString());
      }
      for (let i = 0; i < 2000; i++) {
        const v = (high << 32n) | BigInt(Math.floor(Math.random() * 2 ** 32));
        const [lo, hi] = split(v);
        expect(uint64ToDecimal(lo, hi)).toBe(v.toString());
      }
    }
  });

  it('signed int64 attribute values are numbers when exact and strings otherwise', () => {
    const cases: [bigint, number | string][] = [
      [-1n, -1],
      [-(2n ** 53n) + 1n, -(2 ** 53) + 1],
      [2n ** 63n - 1n, '9223372036854775807'],
      [-(2n ** 63n), '-9223372036854775808'],
      [42n, 42],
    ];
    for (const [v, expected] of cases) {
      const [lo, hi] = split(BigInt.asUintN(64, v));
      expect(wireInt64Value({ low: lo | 0, high: hi | 0 })).toBe(expected);
    }
  });

  it('JSON integers: strings or numbers, normalized, range-checked', () => {
    expect(jsonUint64Decimal('0')).toBe('0');
    expect(jsonUint64Decimal('000')).toBe('0');
    expect(jsonUint64Decimal('18446744073709551615')).toBe('18446744073709551615');
    expect(() => jsonUint64Decimal('18446744073709551616')).toThrow(OtlpDecodeError);
    expect(() => jsonUint64Decimal('-1')).toThrow(OtlpDecodeError);
    expect(() => jsonUint64Decimal(' 1')).toThrow(OtlpDecodeError);
    expect(() => jsonUint64Decimal(1.5)).toThrow(OtlpDecodeError);
    expect(jsonUint64Decimal(1700000000000)).toBe('1700000000000');
    expect(jsonInt64Value('-42')).toBe(-42);
    expect(jsonInt64Value('-9223372036854775808')).toBe('-9223372036854775808');
    expect(() => jsonInt64Value('9223372036854775808')).toThrow(/exceeds 64 bits/);
    expect(() => jsonInt64Value('1e3')).toThrow(OtlpDecodeError);
    expect(() => jsonInt64Value('')).toThrow(OtlpDecodeError);
  });
});

describe('ids', () => {
  it('bytes to lowercase hex, empty allowed, wrong sizes rejected', () => {
    expect(idToHex(Buffer.from('00ff10ab00ff10ab', 'hex'), 8)).toBe('00ff10ab00ff10ab');
    expect(idToHex(new Uint8Array(0), 16)).toBe('');
    expect(() => idToHex(new Uint8Array(8), 16)).toThrow(/16 bytes, got 8/);
  });

  it('JSON hex is lowercased and checked', () => {
    expect(hexId('00FF10AB00FF10AB', 8)).toBe('00ff10ab00ff10ab');
    expect(() => hexId('00ff10ab00ff10ag', 8)).toThrow(/hex/);
    expect(() => hexId('00ff', 8)).toThrow(/16 hex digits/);
  });
});
