/** A small seeded PRNG (mulberry32): the same seed gives the same demo, byte for byte. */
export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Integer in [min, max]. */
  int(min: number, max: number): number;
  pick<T>(items: readonly T[]): T;
  /** True with probability p. */
  chance(p: number): boolean;
  hex(chars: number): string;
  base36(chars: number): string;
  uuid4(): string;
  /** A UUIDv7 whose timestamp is `ms` (Codex conversation ids look like this). */
  uuid7(ms: number): string;
}

export function createRng(seed: number): Rng {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const digits = (chars: number, radix: number) => {
    let s = '';
    for (let i = 0; i < chars; i++) s += Math.floor(next() * radix).toString(radix);
    return s;
  };
  const hex = (chars: number) => digits(chars, 16);
  return {
    next,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    pick<T>(items: readonly T[]): T {
      if (items.length === 0) throw new Error('pick from an empty list');
      return items[Math.floor(next() * items.length)] as T;
    },
    chance: (p) => next() < p,
    hex,
    base36: (chars) => digits(chars, 36),
    uuid4: () => `${hex(8)}-${hex(4)}-4${hex(3)}-${'89ab'[Math.floor(next() * 4)]}${hex(3)}-${hex(12)}`,
    uuid7: (ms) => {
      const t = Math.floor(ms).toString(16).padStart(12, '0').slice(-12);
      return `${t.slice(0, 8)}-${t.slice(8)}-7${hex(3)}-${'89ab'[Math.floor(next() * 4)]}${hex(3)}-${hex(12)}`;
    },
  };
}
