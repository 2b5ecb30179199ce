/**
 * Rows and bytes each sender (a token) holds in a shared queue, against its share of each: a sender holding
 * nothing always passes (the queue's own bounds decide), one holding some may not go past either share, so one
 * sender that keeps the queue full leaves the rest of it to the others (rows count apart from bytes: an empty
 * log record is 23 bytes of RowBinary, so the row bound fills first).
 */
export function createSenderShare(max: { bytes: number; rows: number }) {
  const held = new Map<string, { bytes: number; rows: number }>();
  return {
    fits(sender: string, bytes: number, rows: number): boolean {
      const h = held.get(sender);
      return !h || (h.bytes + bytes <= max.bytes && h.rows + rows <= max.rows);
    },
    add(sender: string, bytes: number, rows: number): void {
      const h = held.get(sender) ?? { bytes: 0, rows: 0 };
      h.bytes += bytes;
      h.rows += rows;
      held.set(sender, h);
    },
    remove(sender: string, bytes: number, rows: number): void {
      const h = held.get(sender);
      if (!h) return;
      h.bytes -= bytes;
      h.rows -= rows;
      if (h.bytes <= 0 && h.rows <= 0) held.delete(sender);
    },
    /** Senders holding rows now. */
    get senders(): number {
      return held.size;
    },
  };
}
