/** In-memory set of recently acknowledged request-body hashes, bounded (oldest forgotten first). */
export function createReceiptSet(capacity = 200_000) {
  const set = new Set<string>();
  return {
    has: (hash: string) => set.has(hash),
    add(hash: string) {
      set.add(hash);
      if (set.size > capacity) {
        const oldest = set.values().next().value;
        if (oldest !== undefined) set.delete(oldest);
      }
    },
    get size() {
      return set.size;
    },
  };
}
export type ReceiptSet = ReturnType<typeof createReceiptSet>;
