import { OtlpDecodeError } from './errors.js';

/** Scalar conversions shared by both decoders: UTF-8, hex ids, 64-bit integers. No allocation beyond the result. */

const fatalUtf8 = new TextDecoder('utf-8', { fatal: true });

/** Decodes UTF-8, rejecting invalid sequences (protobuf `string` fields must be valid UTF-8). */
export function utf8(bytes: Uint8Array): string {
  if (bytes.length === 0) return '';
  try {
    return fatalUtf8.decode(bytes);
  } catch {
    throw new OtlpDecodeError('invalid UTF-8');
  }
}

const HEX_BYTE: string[] = [];
for (let i = 0; i < 256; i++) HEX_BYTE.push(i.toString(16).padStart(2, '0'));

/** Lowercase hex of an id that must be empty or exactly `size` bytes (16 for trace ids, 8 for span ids). */
export function idToHex(bytes: Uint8Array, size: 8 | 16): string {
  const n = bytes.length;
  if (n === 0) return '';
  if (n !== size) throw new OtlpDecodeError(`id must be ${size} bytes, got ${n}`);
  // protobufjs hands out Buffers: their native hex gives a flat string, faster than concatenating.
  if (Buffer.isBuffer(bytes)) return bytes.toString('hex');
  let s = '';
  for (let i = 0; i < n; i++) s += HEX_BYTE[bytes[i]!];
  return s;
}

/** Checks and lowercases a hex id from OTLP/JSON (empty or exactly `size` bytes); base64 ids are converted. */
export function hexId(value: string, size: 8 | 16): string {
  const n = value.length;
  if (n === 0) return '';
  if (n !== size * 2) {
    // Some exporters apply the plain protobuf JSON mapping (base64 bytes); its lengths never clash with hex.
    if (n === Math.ceil(size / 3) * 4) {
      const bytes = Buffer.from(value, 'base64');
      if (bytes.length === size && bytes.toString('base64') === value) return bytes.toString('hex');
    }
    throw new OtlpDecodeError(`id must be ${size * 2} hex digits, got ${n} characters`);
  }
  let lower = true;
  for (let i = 0; i < n; i++) {
    const c = value.charCodeAt(i);
    if (c >= 0x30 && c <= 0x39) continue;
    if (c >= 0x61 && c <= 0x66) continue;
    if (c >= 0x41 && c <= 0x46) {
      lower = false;
      continue;
    }
    throw new OtlpDecodeError('id must be hex');
  }
  return lower ? value : value.toLowerCase();
}

function pad9(n: number): string {
  const s = String(n);
  return '000000000'.slice(s.length) + s;
}

// `high * 2^32` as `a * 1e9 + b`, for the last high word seen. Nanosecond times keep their high word for
// 4.3 s, so a batch's times nearly all share it: the split (BigInt, exact) is then made once per batch.
let lastHigh = -1;
let lastA = 0;
let lastB = 0;

/** Decimal string of the unsigned 64-bit integer `high * 2^32 + low`. */
export function uint64ToDecimal(low: number, high: number): string {
  const lo = low >>> 0;
  const hi = high >>> 0;
  if (hi <= 0x1fffff) return String(hi * 4294967296 + lo);
  if (hi !== lastHigh) {
    const v = BigInt(hi) << 32n;
    lastA = Number(v / 1_000_000_000n);
    lastB = Number(v % 1_000_000_000n);
    lastHigh = hi;
  }
  // a <= 1.9e10 and b + lo < 5.3e9: both exact in a double.
  let a = lastA;
  let b = lastB + lo;
  if (b >= 1e9) {
    const carry = Math.floor(b / 1e9);
    a += carry;
    b -= carry * 1e9;
  }
  return String(a) + pad9(b);
}

/** A protobufjs 64-bit value: a Long-like object, or a number when protobufjs runs without long.js. */
export type Wire64 = { low: number; high: number } | number;

/** Unsigned 64-bit value as a decimal string (times). */
export function wireUint64Decimal(v: Wire64): string {
  return typeof v === 'number' ? String(v) : uint64ToDecimal(v.low, v.high);
}

/** Unsigned 64-bit value as a number (counts; precision loss above 2^53 is accepted). */
export function wireUint64Number(v: Wire64): number {
  return typeof v === 'number' ? v : (v.high >>> 0) * 4294967296 + (v.low >>> 0);
}

/** Signed 64-bit value as a number (precision loss above 2^53 is accepted: metric values). */
export function wireInt64Number(v: Wire64): number {
  return typeof v === 'number' ? v : (v.high | 0) * 4294967296 + (v.low >>> 0);
}

/** Signed 64-bit value: a number when exact, else a decimal string (attribute int values). */
export function wireInt64Value(v: Wire64): number | string {
  if (typeof v === 'number') return v;
  const hi = v.high | 0;
  if (hi >= -0x200000 && hi < 0x200000) return hi * 4294967296 + (v.low >>> 0);
  return BigInt.asIntN(64, (BigInt(v.high >>> 0) << 32n) | BigInt(v.low >>> 0)).toString();
}

const UINT64_MAX = '18446744073709551615';

/** Checks an OTLP/JSON unsigned 64-bit integer (string or number) and returns it as a decimal string. */
export function jsonUint64Decimal(v: unknown): string {
  if (typeof v === 'string') {
    const n = v.length;
    if (n === 0 || n > 64) throw new OtlpDecodeError('expected an unsigned 64-bit integer string');
    let start = 0;
    for (let i = 0; i < n; i++) {
      const c = v.charCodeAt(i);
      if (c < 0x30 || c > 0x39) throw new OtlpDecodeError('expected an unsigned 64-bit integer string');
      if (c === 0x30 && start === i && i < n - 1) start++;
    }
    const digits = start === 0 ? v : v.slice(start);
    if (digits.length > 20 || (digits.length === 20 && digits > UINT64_MAX)) {
      throw new OtlpDecodeError('integer exceeds 64 bits');
    }
    return digits;
  }
  if (typeof v === 'number') {
    if (!Number.isInteger(v) || v < 0 || v >= 2 ** 64) {
      throw new OtlpDecodeError('expected an unsigned 64-bit integer');
    }
    return v <= Number.MAX_SAFE_INTEGER ? String(v) : BigInt(v).toString();
  }
  throw new OtlpDecodeError(`expected an integer (string or number), got ${jsonTypeName(v)}`);
}

/** Checks an OTLP/JSON signed 64-bit integer: a number when exact, else a decimal string. */
export function jsonInt64Value(v: unknown): number | string {
  if (typeof v === 'number') {
    if (!Number.isInteger(v) || Math.abs(v) > 2 ** 63) {
      throw new OtlpDecodeError('expected a 64-bit integer');
    }
    return v;
  }
  if (typeof v === 'string') {
    const n = v.length;
    const first = n > 0 && v.charCodeAt(0) === 0x2d ? 1 : 0;
    if (n === first || n - first > 19) throw new OtlpDecodeError('expected a 64-bit integer string');
    for (let i = first; i < n; i++) {
      const c = v.charCodeAt(i);
      if (c < 0x30 || c > 0x39) throw new OtlpDecodeError('expected a 64-bit integer string');
    }
    if (n - first <= 15) return Number(v);
    const big = BigInt(v);
    if (BigInt.asIntN(64, big) !== big) throw new OtlpDecodeError('integer exceeds 64 bits');
    return big >= -9007199254740991n && big <= 9007199254740991n ? Number(big) : big.toString();
  }
  throw new OtlpDecodeError(`expected an integer (string or number), got ${jsonTypeName(v)}`);
}

/** Checks an OTLP/JSON 64-bit integer and returns it as a number (counts, metric values). */
export function jsonInt64Number(v: unknown): number {
  const r = jsonInt64Value(v);
  return typeof r === 'number' ? r : Number(r);
}

/** An OTLP/JSON double: a number or one of the proto3 JSON strings ("NaN", "Infinity", numeric text). */
export function jsonDouble(v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'string') {
    if (v === 'NaN') return Number.NaN;
    if (v === 'Infinity') return Number.POSITIVE_INFINITY;
    if (v === '-Infinity') return Number.NEGATIVE_INFINITY;
    const n = Number(v);
    if (v.trim() !== '' && v.trim() === v && Number.isFinite(n)) return n;
  }
  throw new OtlpDecodeError(`expected a number, got ${jsonTypeName(v)}`);
}

/** Type name for error messages. */
export function jsonTypeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'object') return 'an object';
  if (typeof v === 'string') return `the string ${JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v)}`;
  return `a ${typeof v}`;
}
