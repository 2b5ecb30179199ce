/**
 * A small RowBinary writer: one growing Buffer, little-endian numbers, LEB128 lengths. Only the types Ward's
 * ingest tables use. LowCardinality(T) is written as T; Nullable(T) as a 0/1 null flag then T.
 */
export class RowBinaryWriter {
  private buf: Buffer;
  private off = 0;
  // Rows of one resource or scope share their attribute map objects: encode each once, then copy its bytes.
  // (null: seen once; most maps are per row and never come back, so they are not copied.)
  private readonly encodedMaps = new WeakMap<object, Uint8Array | null>();

  constructor(initialBytes = 64 * 1024) {
    this.buf = Buffer.allocUnsafe(initialBytes);
  }

  private ensure(n: number): void {
    if (this.off + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.off + n) size *= 2;
    const next = Buffer.allocUnsafe(size);
    this.buf.copy(next, 0, 0, this.off);
    this.buf = next;
  }

  varUInt(n: number): void {
    this.ensure(10);
    let v = n;
    while (v >= 0x80) {
      this.buf[this.off++] = (v & 0x7f) | 0x80;
      v = Math.floor(v / 128);
    }
    this.buf[this.off++] = v;
  }

  string(s: string): void {
    const len = s.length;
    // Short ASCII strings: a plain loop beats a native call per string.
    if (len < 0x40) {
      this.ensure(1 + len);
      const buf = this.buf;
      const start = this.off;
      let i = 0;
      for (; i < len; i++) {
        const c = s.charCodeAt(i);
        if (c >= 0x80) break;
        buf[start + 1 + i] = c;
      }
      if (i === len) {
        buf[start] = len;
        this.off = start + 1 + len;
        return;
      }
    }
    // UTF-8 takes at most 3 bytes per UTF-16 unit; measuring exactly is only needed for long strings.
    if (len < 0x2a) {
      this.ensure(1 + s.length * 3);
      const n = this.buf.write(s, this.off + 1, 'utf8');
      this.buf[this.off] = n; // < 0x80: one length byte
      this.off += 1 + n;
      return;
    }
    const n = Buffer.byteLength(s, 'utf8');
    this.varUInt(n);
    this.ensure(n);
    this.off += this.buf.write(s, this.off, 'utf8');
  }

  uint8(n: number): void {
    this.ensure(1);
    this.buf[this.off++] = n & 0xff;
  }

  int32(n: number): void {
    this.ensure(4);
    this.off = this.buf.writeInt32LE(n, this.off);
  }

  float64(n: number): void {
    this.ensure(8);
    this.off = this.buf.writeDoubleLE(n, this.off);
  }

  int64(n: bigint): void {
    this.ensure(8);
    this.off = this.buf.writeBigInt64LE(n, this.off);
  }

  uint64(n: bigint): void {
    this.ensure(8);
    this.off = this.buf.writeBigUInt64LE(n, this.off);
  }

  /** Nullable flag: writes 1 and returns false for null, else writes 0 and returns true (write the value). */
  present(v: unknown): boolean {
    const isNull = v === null || v === undefined;
    this.uint8(isNull ? 1 : 0);
    return !isNull;
  }

  map(m: Readonly<Record<string, string>>): void {
    const cached = this.encodedMaps.get(m);
    if (cached === undefined) {
      this.encodedMaps.set(m, null);
      this.writeMap(m);
      return;
    }
    if (cached) {
      this.ensure(cached.length);
      this.buf.set(cached, this.off);
      this.off += cached.length;
      return;
    }
    const start = this.off;
    this.writeMap(m);
    // Copy out now: the buffer may move when it grows.
    this.encodedMaps.set(m, this.buf.slice(start, this.off));
  }

  private writeMap(m: Readonly<Record<string, string>>): void {
    const keys = Object.keys(m);
    this.varUInt(keys.length);
    for (const k of keys) {
      this.string(k);
      this.string(m[k] as string);
    }
  }

  /** Map(String, UInt64). */
  mapUInt64(m: Readonly<Record<string, bigint>>): void {
    const keys = Object.keys(m);
    this.varUInt(keys.length);
    for (const k of keys) {
      this.string(k);
      this.uint64(m[k] as bigint);
    }
  }

  strings(a: readonly string[]): void {
    this.varUInt(a.length);
    for (const s of a) this.string(s);
  }

  /** The bytes written so far (a copy sized to fit, so it can be transferred between threads). */
  finish(): Uint8Array {
    return new Uint8Array(this.buf.subarray(0, this.off));
  }
}
