import type { OtlpAttributes, OtlpValue } from '../../schema/fast.js';
import { type DecodeContext, setAttribute } from './decode-context.js';
import { OtlpDecodeError, rethrowAt, rethrowAtIndex } from './errors.js';
import { ARRAY_VALUES, arrayValues, checkAttributeCount, checkDepth, KVLIST_VALUES } from './walk.js';
import type { EnumNames, WireReader } from './wire-reader.js';
import {
  hexId,
  jsonDouble,
  jsonInt64Number,
  jsonInt64Value,
  jsonTypeName,
  jsonUint64Decimal,
} from './wire-values.js';

/**
 * The WireReader over JSON.parse's objects (OTLP/JSON: the protobuf JSON mapping with hex ids). A field is
 * looked up by its lowerCamelCase name, then by its snake_case name, as protobuf JSON parsers do. Absent and
 * null fields read as the proto3 default; anything of the wrong type throws OtlpDecodeError. 64-bit
 * integers may be strings or numbers, doubles may be "NaN"/"Infinity", enums may be names or numbers.
 */

type JsonObject = { readonly [key: string]: unknown };

const snakeNames = new Map<string, string>();

/** `timeUnixNano` -> `time_unix_nano` (field names are a fixed set of constants: the map stays small). */
function snake(key: string): string {
  let s = snakeNames.get(key);
  if (s === undefined) {
    s = key.replace(/[A-Z]/g, (ch) => `_${ch.toLowerCase()}`);
    snakeNames.set(key, s);
  }
  return s;
}

function get(m: unknown, key: string): unknown {
  const o = m as JsonObject;
  return o[key] ?? o[snake(key)];
}

const EMPTY: readonly unknown[] = Object.freeze([]);

/** An object, or null when absent. */
function jObject(v: unknown): JsonObject | null {
  if (v === undefined || v === null) return null;
  if (typeof v !== 'object' || Array.isArray(v))
    throw new OtlpDecodeError(`expected an object, got ${jsonTypeName(v)}`);
  return v as JsonObject;
}

/** An object that must be present (array elements). */
function jElement(v: unknown): JsonObject {
  if (typeof v !== 'object' || v === null || Array.isArray(v))
    throw new OtlpDecodeError(`expected an object, got ${jsonTypeName(v)}`);
  return v as JsonObject;
}

function jArray(v: unknown): readonly unknown[] {
  if (v === undefined || v === null) return EMPTY;
  if (!Array.isArray(v)) throw new OtlpDecodeError(`expected an array, got ${jsonTypeName(v)}`);
  return v;
}

function jString(v: unknown): string {
  if (typeof v === 'string') return v;
  if (v === undefined || v === null) return '';
  throw new OtlpDecodeError(`expected a string, got ${jsonTypeName(v)}`);
}

function jBool(v: unknown): boolean {
  if (typeof v === 'boolean') return v;
  if (v === undefined || v === null) return false;
  throw new OtlpDecodeError(`expected a boolean, got ${jsonTypeName(v)}`);
}

function jInteger(v: unknown, min: number, max: number): number {
  if (typeof v === 'number' && v >= min && v <= max && Number.isInteger(v)) return v;
  if (v === undefined || v === null) return 0;
  const n = typeof v === 'string' && v.trim() === v && v !== '' ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < min || n > max)
    throw new OtlpDecodeError(`expected an integer in [${min}, ${max}], got ${jsonTypeName(v)}`);
  return n;
}

const jUint32 = (v: unknown): number => jInteger(v, 0, 0xffffffff);
const jInt32 = (v: unknown): number => jInteger(v, -0x80000000, 0x7fffffff);

/** A 64-bit unsigned count as a number; absent is 0. */
function jCount(v: unknown): number {
  if (typeof v === 'number' && v >= 0 && Number.isInteger(v)) return v;
  if (v === undefined || v === null) return 0;
  return Number(jsonUint64Decimal(v));
}

/** A double (number or proto3 JSON string); absent is 0. */
function jDouble(v: unknown): number {
  if (typeof v === 'number') return v;
  if (v === undefined || v === null) return 0;
  return jsonDouble(v);
}

const BASE64 = /^[A-Za-z0-9+/_-]*={0,2}$/;

function jBytes(v: unknown): string {
  const s = jString(v);
  if (!BASE64.test(s)) throw new OtlpDecodeError('bytesValue must be base64');
  return Buffer.from(s, 'base64').toString('base64');
}

/** Rejects lone UTF-16 surrogates (only reachable through `\uD8xx` escapes; see DecodeContext). */
function checkWellFormed(s: string): string {
  for (let i = 0; i < s.length; i++) {
    const ch = s.charCodeAt(i);
    if (ch < 0xd800 || ch > 0xdfff) continue;
    const next = s.charCodeAt(i + 1);
    if (ch <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
      i++;
      continue;
    }
    throw new OtlpDecodeError('string contains an unpaired surrogate (not valid Unicode)');
  }
  return s;
}

/** A string, checked for lone surrogates when the body contained surrogate escapes. */
function jText(v: unknown, c: DecodeContext): string {
  const s = jString(v);
  return c.surrogateEscapes ? checkWellFormed(s) : s;
}

/** One AnyValue object: its first member present wins. */
function anyValue(v: unknown, c: DecodeContext, depth: number): OtlpValue {
  const o = jObject(v);
  if (o === null) return null;
  let x = o.stringValue ?? o.string_value;
  if (x !== undefined) return jText(x, c);
  x = o.intValue ?? o.int_value;
  if (x !== undefined) return jsonInt64Value(x);
  x = o.boolValue ?? o.bool_value;
  if (x !== undefined) return jBool(x);
  x = o.doubleValue ?? o.double_value;
  if (x !== undefined) return jsonDouble(x);
  x = o.kvlistValue ?? o.kvlist_value;
  if (x !== undefined) {
    checkDepth(c, depth);
    return keyValues(repeated(jObject(x)?.values, KVLIST_VALUES), KVLIST_VALUES, c, depth + 1);
  }
  x = o.arrayValue ?? o.array_value;
  if (x !== undefined) {
    checkDepth(c, depth);
    return arrayValues(jsonReader, repeated(jObject(x)?.values, ARRAY_VALUES), c, depth);
  }
  x = o.bytesValue ?? o.bytes_value;
  if (x !== undefined) return jBytes(x);
  return null;
}

/** A repeated field's array; a wrong type is an error at `path`. */
function repeated(v: unknown, path: string): readonly unknown[] {
  try {
    return jArray(v);
  } catch (e) {
    rethrowAt(e, path);
  }
}

/** Reads a scalar field with `read`, naming the field in the error. */
function scalar<T>(m: unknown, key: string, read: (v: unknown) => T): T {
  const v = get(m, key);
  try {
    return read(v);
  } catch (e) {
    rethrowAt(e, key);
  }
}

const int64Of = (v: unknown): number => (v === undefined || v === null ? 0 : jsonInt64Number(v));

function listOf<T>(m: unknown, key: string, read: (v: unknown) => T): T[] {
  const list = repeated(get(m, key), key);
  const out: T[] = new Array(list.length);
  for (let i = 0; i < list.length; i++) {
    try {
      out[i] = read(list[i]);
    } catch (e) {
      rethrowAt(e, `${key}[${i}]`);
    }
  }
  return out;
}

function keyValues(list: readonly unknown[], name: string, c: DecodeContext, depth: number): OtlpAttributes {
  const out: OtlpAttributes = {};
  const n = list.length;
  if (n === 0) return out;
  checkAttributeCount(n, name, c);
  for (let i = 0; i < n; i++) {
    try {
      const kv = jElement(list[i]);
      const key = kv.key;
      if (typeof key !== 'string')
        throw new OtlpDecodeError(`key: expected a string, got ${jsonTypeName(key)}`);
      setAttribute(out, c.surrogateEscapes ? checkWellFormed(key) : key, anyValue(kv.value, c, depth));
    } catch (e) {
      rethrowAtIndex(e, name, i);
    }
  }
  return out;
}

/** Reads parsed OTLP/JSON messages. */
export const jsonReader: WireReader = {
  text(m, key, c) {
    const v = get(m, key);
    if (typeof v === 'string' && !c.surrogateEscapes) return v;
    try {
      return jText(v, c);
    } catch (e) {
      rethrowAt(e, key);
    }
  },
  id: (m, key, size) => scalar(m, key, (v) => hexId(jString(v), size)),
  time(m, key) {
    const v = get(m, key);
    if (v === undefined || v === null) return '0';
    try {
      return jsonUint64Decimal(v);
    } catch (e) {
      rethrowAt(e, key);
    }
  },
  count: (m, key) => scalar(m, key, jCount),
  int64: (m, key) => scalar(m, key, int64Of),
  double: (m, key) => scalar(m, key, jDouble),
  has: (m, key) => get(m, key) != null,
  uint32: (m, key) => scalar(m, key, jUint32),
  int32: (m, key) => scalar(m, key, jInt32),
  enumOf(m, key, names: EnumNames) {
    const v = get(m, key);
    if (typeof v === 'string') {
      const n = names[v];
      if (n !== undefined) return n;
    }
    return scalar(m, key, jInt32);
  },
  bool: (m, key) => scalar(m, key, jBool),
  counts: (m, key) => listOf(m, key, jCount),
  doubles: (m, key) => listOf(m, key, jDouble),
  value(m, key, c) {
    const v = get(m, key);
    try {
      return anyValue(v, c, 1);
    } catch (e) {
      rethrowAt(e, key);
    }
  },
  attributes: (m, key, c) => keyValues(repeated(get(m, key), key), key, c, 1),
  message: <T>(m: unknown, key: string) => scalar(m, key, jObject) as T | null,
  list<T>(m: unknown, key: string): T[] {
    const list = repeated(get(m, key), key);
    for (let i = 0; i < list.length; i++) {
      try {
        jElement(list[i]);
      } catch (e) {
        rethrowAtIndex(e, key, i);
      }
    }
    return list as T[];
  },
  anyValue,
};

/** The request's top-level object, or an OtlpDecodeError at path `request`. */
export function jsonRoot<T>(v: unknown): T {
  try {
    return jElement(v) as T;
  } catch (e) {
    rethrowAt(e, 'request');
  }
}
