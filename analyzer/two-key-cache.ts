/**
 * A bounded cache keyed by two strings (e.g. workspace and command) without building a joined key per lookup.
 * Two generations approximate LRU: hits in the older one move to the newer one, and when the newer one holds
 * half the bound the older one is dropped. At most `max` entries; no per-hit reordering.
 */
export class TwoKeyCache<V> {
  private young = new Map<string, Map<string, V>>();
  private old = new Map<string, Map<string, V>>();
  private youngSize = 0;

  constructor(private readonly max: number) {}

  get(a: string, b: string): V | undefined {
    const hit = this.young.get(a)?.get(b);
    if (hit !== undefined) return hit;
    const aged = this.old.get(a)?.get(b);
    if (aged !== undefined) this.set(a, b, aged);
    return aged;
  }

  set(a: string, b: string, v: V): void {
    if (this.youngSize >= Math.max(1, this.max >> 1)) {
      this.old = this.young;
      this.young = new Map();
      this.youngSize = 0;
    }
    let inner = this.young.get(a);
    if (!inner) {
      inner = new Map();
      this.young.set(a, inner);
    }
    if (!inner.has(b)) this.youngSize++;
    inner.set(b, v);
  }
}
