/**
 * Bytes each sender (a token) holds in a shared queue, against its share: a sender holding nothing always
 * passes (the queue's own bound decides), one holding some may not go past `max`, so one sender that keeps the
 * queue full leaves the rest of it to the others.
 */
export function createSenderShare(max: number) {
  const held = new Map<string, number>();
  return {
    fits(sender: string, bytes: number): boolean {
      const h = held.get(sender) ?? 0;
      return h === 0 || h + bytes <= max;
    },
    add(sender: string, bytes: number): void {
      held.set(sender, (held.get(sender) ?? 0) + bytes);
    },
    remove(sender: string, bytes: number): void {
      const h = (held.get(sender) ?? 0) - bytes;
      if (h <= 0) held.delete(sender);
      else held.set(sender, h);
    },
    /** Senders holding bytes now. */
    get senders(): number {
      return held.size;
    },
  };
}
