/**
 * A small RowBinary reader over one result buffer (the analyzer's bulk reads): LEB128 lengths, little-endian
 * numbers. LowCardinality(T) arrives as T; Nullable(T) as a 0/1 null flag then T. Throws on a truncated buffer
 * instead of reading past its end.
 */
export class RowBinaryReader {
  private off = 0;
  // Low-cardinality columns (agent, kind, decision, user, repo…) repeat: short values are decoded once.
  private readonly interned = new Map<number, string>();

  constructor(private readonly buf: Buffer) {}

  /** True when every byte has been read. */
  done(): boolean {
    return this.off >= this.buf.length;
  }

  private need(n: number): void {
    if (this.off + n > this.buf.length) throw new RangeError('RowBinary: truncated result');
  }

  varUInt(): number {
    let n = 0;
    let shift = 1;
    for (;;) {
      this.need(1);
      const b = this.buf[this.off++] as number;
      n += (b & 0x7f) * shift;
      if (b < 0x80) return n;
      shift *= 128;
      if (shift > 2 ** 49) throw new RangeError('RowBinary: length too large');
    }
  }

  string(): string {
    const len = this.varUInt();
    this.need(len);
    const start = this.off;
    this.off += len;
    if (len === 0) return '';
    return this.buf.toString('utf8', start, start + len);
  }

  /**
   * A string likely to repeat (few distinct values: agent, kind, decision, user, repo): short ones are decoded
   * once, found again by a hash of their bytes and checked byte for byte.
   */
  lowCardinality(): string {
    const len = this.varUInt();
    this.need(len);
    const start = this.off;
    this.off += len;
    if (len === 0) return '';
    const buf = this.buf;
    if (len > 64) return buf.toString('utf8', start, start + len);
    let h = len;
    for (let i = start; i < start + len; i++) h = (Math.imul(h, 31) + (buf[i] as number)) | 0;
    const hit = this.interned.get(h);
    if (hit !== undefined && hit.length === len) {
      let same = true;
      for (let i = 0; i < len; i++) {
        if (hit.charCodeAt(i) !== buf[start + i]) {
          same = false;
          break;
        }
      }
      if (same) return hit;
    }
    const s = buf.toString('utf8', start, start + len);
    // Only ASCII is interned (its UTF-16 units are its bytes, so the check above is exact).
    if (s.length === len && this.interned.size < 4096) this.interned.set(h, s);
    return s;
  }

  uint8(): number {
    this.need(1);
    return this.buf[this.off++] as number;
  }

  int32(): number {
    this.need(4);
    const v = this.buf.readInt32LE(this.off);
    this.off += 4;
    return v;
  }

  /** UInt64 as a number (exact below 2^53; byte counts and row counts stay far below). */
  uint64(): number {
    this.need(8);
    const lo = this.buf.readUInt32LE(this.off);
    const hi = this.buf.readUInt32LE(this.off + 4);
    this.off += 8;
    return hi * 2 ** 32 + lo;
  }

  float64(): number {
    this.need(8);
    const v = this.buf.readDoubleLE(this.off);
    this.off += 8;
    return v;
  }

  /** Nullable(T): null, or T read by `read`. */
  nullable<T>(read: () => T): T | null {
    return this.uint8() === 1 ? null : read();
  }

  /** Array(String); an empty one is a fresh array too (callers may keep and change it). */
  strings(): string[] {
    const n = this.varUInt();
    const out: string[] = [];
    for (let i = 0; i < n; i++) out.push(this.lowCardinality());
    return out;
  }
}
