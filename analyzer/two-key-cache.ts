/**
 * A bounded cache keyed by two strings (e.g. workspace and command) without building a joined key per lookup.
 * Two generations approximate LRU: hits in the older one move to the newer one, and when the newer one holds
 * half of either bound the older one is dropped. At most `max` entries and about `maxWeight` in all (each entry
 * weighs what its `set` said, e.g. the characters of its keys and value); no per-hit reordering.
 */
export class TwoKeyCache<V> {
  private young = new Map<string, Map<string, Entry<V>>>();
  private old = new Map<string, Map<string, Entry<V>>>();
  private youngSize = 0;
  private youngWeight = 0;

  constructor(
    private readonly max: number,
    private readonly maxWeight = Number.POSITIVE_INFINITY,
  ) {}

  get(a: string, b: string): V | undefined {
    const hit = this.young.get(a)?.get(b);
    if (hit !== undefined) return hit.v;
    const aged = this.old.get(a)?.get(b);
    if (aged === undefined) return undefined;
    this.set(a, b, aged.v, aged.w);
    return aged.v;
  }

  set(a: string, b: string, v: V, weight = 0): void {
    if (this.youngSize >= Math.max(1, this.max >> 1) || this.youngWeight >= this.maxWeight / 2) {
      this.old = this.young;
      this.young = new Map();
      this.youngSize = 0;
      this.youngWeight = 0;
    }
    let inner = this.young.get(a);
    if (!inner) {
      inner = new Map();
      this.young.set(a, inner);
    }
    if (!inner.has(b)) this.youngSize++;
    inner.set(b, { v, w: weight });
    this.youngWeight += weight;
  }
}

interface Entry<V> {
  v: V;
  w: number;
}
