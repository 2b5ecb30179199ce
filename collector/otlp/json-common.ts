import type { OtlpAttributes, OtlpResource, OtlpScope, OtlpValue } from '../../schema/fast.js';
import { type DecodeContext, setAttribute } from './decode-context.js';
import { OtlpDecodeError, rethrowAt } from './errors.js';
import {
  hexId,
  jsonDouble,
  jsonInt64Number,
  jsonInt64Value,
  jsonTypeName,
  jsonUint64Decimal,
} from './wire-values.js';

/**
 * Typed readers for OTLP/JSON (the protobuf JSON mapping with hex ids). Absent and null fields read as the
 * proto3 default; anything of the wrong type throws OtlpDecodeError. Field lookups take the lowerCamelCase
 * name first and the original snake_case name second, as protobuf JSON parsers do.
 */
export type JsonObject = { readonly [key: string]: unknown };

const EMPTY: readonly unknown[] = Object.freeze([]);

/** An object, or null when absent. */
export function jObject(v: unknown): JsonObject | null {
  if (v === undefined || v === null) return null;
  if (typeof v !== 'object' || Array.isArray(v))
    throw new OtlpDecodeError(`expected an object, got ${jsonTypeName(v)}`);
  return v as JsonObject;
}

/** An object that must be present (array elements). */
export function jElement(v: unknown): JsonObject {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) {
    throw new OtlpDecodeError(`expected an object, got ${jsonTypeName(v)}`);
  }
  return v as JsonObject;
}

export function jArray(v: unknown): readonly unknown[] {
  if (v === undefined || v === null) return EMPTY;
  if (!Array.isArray(v)) throw new OtlpDecodeError(`expected an array, got ${jsonTypeName(v)}`);
  return v;
}

export function jString(v: unknown): string {
  if (typeof v === 'string') return v;
  if (v === undefined || v === null) return '';
  throw new OtlpDecodeError(`expected a string, got ${jsonTypeName(v)}`);
}

export function jBool(v: unknown): boolean {
  if (typeof v === 'boolean') return v;
  if (v === undefined || v === null) return false;
  throw new OtlpDecodeError(`expected a boolean, got ${jsonTypeName(v)}`);
}

function jInteger(v: unknown, min: number, max: number): number {
  if (v === undefined || v === null) return 0;
  const n = typeof v === 'string' && v.trim() === v && v !== '' ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < min || n > max) {
    throw new OtlpDecodeError(`expected an integer in [${min}, ${max}], got ${jsonTypeName(v)}`);
  }
  return n;
}

export function jUint32(v: unknown): number {
  if (typeof v === 'number' && v >= 0 && v <= 0xffffffff && Number.isInteger(v)) return v;
  return jInteger(v, 0, 0xffffffff);
}

export function jInt32(v: unknown): number {
  if (typeof v === 'number' && v >= -0x80000000 && v <= 0x7fffffff && Number.isInteger(v)) return v;
  return jInteger(v, -0x80000000, 0x7fffffff);
}

/** An enum given as its number or its proto name (unknown numbers are kept, as proto3 does). */
export function jEnum(v: unknown, names: Readonly<Record<string, number>>): number {
  if (typeof v === 'string') {
    const n = names[v];
    if (n !== undefined) return n;
  }
  return jInt32(v);
}

/** A fixed64 time (string or number) as a decimal string; absent is "0". */
export function jTime(v: unknown): string {
  if (v === undefined || v === null) return '0';
  return jsonUint64Decimal(v);
}

/** A 64-bit unsigned count as a number; absent is 0. */
export function jCount(v: unknown): number {
  if (typeof v === 'number' && v >= 0 && Number.isInteger(v)) return v;
  if (v === undefined || v === null) return 0;
  return Number(jsonUint64Decimal(v));
}

/** A signed 64-bit value as a number; absent is 0. */
export function jInt64Number(v: unknown): number {
  if (v === undefined || v === null) return 0;
  return jsonInt64Number(v);
}

/** A double (number or proto3 JSON string); absent is 0. */
export function jDouble(v: unknown): number {
  if (typeof v === 'number') return v;
  if (v === undefined || v === null) return 0;
  return jsonDouble(v);
}

export function jId(v: unknown, size: 8 | 16): string {
  return hexId(jString(v), size);
}

/** Builds `name -> number` for an OTLP enum from its value names (index = number). */
function enumNames(prefix: string, names: readonly string[]): Readonly<Record<string, number>> {
  const out: Record<string, number> = {};
  names.forEach((n, i) => {
    out[`${prefix}_${n}`] = i;
  });
  return out;
}

const SEVERITY_LEVELS = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL'];
export const SEVERITY_NUMBER = enumNames('SEVERITY_NUMBER', [
  'UNSPECIFIED',
  ...SEVERITY_LEVELS.flatMap((l) => [l, `${l}2`, `${l}3`, `${l}4`]),
]);
export const SPAN_KIND = enumNames('SPAN_KIND', [
  'UNSPECIFIED',
  'INTERNAL',
  'SERVER',
  'CLIENT',
  'PRODUCER',
  'CONSUMER',
]);
export const STATUS_CODE = enumNames('STATUS_CODE', ['UNSET', 'OK', 'ERROR']);
export const AGGREGATION_TEMPORALITY = enumNames('AGGREGATION_TEMPORALITY', [
  'UNSPECIFIED',
  'DELTA',
  'CUMULATIVE',
]);

const BASE64 = /^[A-Za-z0-9+/_-]*={0,2}$/;

function jBytes(v: unknown): string {
  const s = jString(v);
  if (!BASE64.test(s)) throw new OtlpDecodeError('bytesValue must be base64');
  return Buffer.from(s, 'base64').toString('base64');
}

/** Rejects lone UTF-16 surrogates (only reachable through `\uD8xx` escapes; see DecodeContext). */
function checkWellFormed(s: string): string {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0xd800 || c > 0xdfff) continue;
    const next = s.charCodeAt(i + 1);
    if (c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
      i++;
      continue;
    }
    throw new OtlpDecodeError('string contains an unpaired surrogate (not valid Unicode)');
  }
  return s;
}

/** A string field, checked for lone surrogates when the body contained surrogate escapes. */
export function jText(v: unknown, c: DecodeContext): string {
  const s = jString(v);
  return c.surrogateEscapes ? checkWellFormed(s) : s;
}

/** Converts an AnyValue object; `depth` is 1 for a top-level attribute or body. */
export function jValue(v: unknown, c: DecodeContext, depth: number): OtlpValue {
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
    if (depth >= c.maxDepth) throw new OtlpDecodeError(`value nested deeper than ${c.maxDepth} levels`);
    return jAttributes(jObject(x)?.values, c, 'kvlistValue.values', depth + 1);
  }
  x = o.arrayValue ?? o.array_value;
  if (x !== undefined) {
    if (depth >= c.maxDepth) throw new OtlpDecodeError(`value nested deeper than ${c.maxDepth} levels`);
    const values = jArray(jObject(x)?.values);
    const out: OtlpValue[] = new Array(values.length);
    for (let i = 0; i < values.length; i++) {
      try {
        out[i] = jValue(values[i], c, depth + 1);
      } catch (e) {
        rethrowAt(e, `arrayValue.values[${i}]`);
      }
    }
    return out;
  }
  x = o.bytesValue ?? o.bytes_value;
  if (x !== undefined) return jBytes(x);
  return null;
}

/** Converts a KeyValue array to a record; `name` is the field name used in error paths. */
export function jAttributes(v: unknown, c: DecodeContext, name: string, depth = 1): OtlpAttributes {
  const out: OtlpAttributes = {};
  let list: readonly unknown[];
  try {
    list = jArray(v);
  } catch (e) {
    rethrowAt(e, name);
  }
  const n = list.length;
  if (n > c.maxAttributes)
    throw new OtlpDecodeError(`${n} attributes exceed the limit of ${c.maxAttributes}`, name);
  for (let i = 0; i < n; i++) {
    try {
      const kv = jElement(list[i]);
      const key = kv.key;
      if (typeof key !== 'string')
        throw new OtlpDecodeError(`key: expected a string, got ${jsonTypeName(key)}`);
      setAttribute(out, c.surrogateEscapes ? checkWellFormed(key) : key, jValue(kv.value, c, depth));
    } catch (e) {
      rethrowAt(e, `${name}[${i}]`);
    }
  }
  return out;
}

export function jResource(v: unknown, c: DecodeContext): OtlpResource {
  c.field = 'resource';
  const r = jObject(v);
  if (r === null) return { attributes: {}, droppedAttributesCount: 0 };
  const attributes = jAttributes(r.attributes, c, 'resource.attributes');
  c.field = 'resource.droppedAttributesCount';
  return {
    attributes,
    droppedAttributesCount: jUint32(r.droppedAttributesCount ?? r.dropped_attributes_count),
  };
}

export function jScope(v: unknown, c: DecodeContext): OtlpScope {
  c.field = 'scope';
  const s = jObject(v);
  if (s === null) return { name: '', version: '', attributes: {}, droppedAttributesCount: 0 };
  c.field = 'scope.name';
  const name = jText(s.name, c);
  c.field = 'scope.version';
  const version = jText(s.version, c);
  const attributes = jAttributes(s.attributes, c, 'scope.attributes');
  c.field = 'scope.droppedAttributesCount';
  return {
    name,
    version,
    attributes,
    droppedAttributesCount: jUint32(s.droppedAttributesCount ?? s.dropped_attributes_count),
  };
}

/** Iterates a repeated message field, prefixing errors with `name[i]`. */
export function jList<T>(
  v: unknown,
  c: DecodeContext,
  name: string,
  one: (o: JsonObject, c: DecodeContext) => T,
): T[] {
  let list: readonly unknown[];
  try {
    list = jArray(v);
  } catch (e) {
    rethrowAt(e, name);
  }
  const out: T[] = new Array(list.length);
  for (let i = 0; i < list.length; i++) {
    c.field = '';
    try {
      out[i] = one(jElement(list[i]), c);
    } catch (e) {
      rethrowAt(e, `${name}[${i}]`, c.field);
    }
  }
  return out;
}

/** The resource and schema URL every Resource{Logs,Spans,Metrics} object starts with. */
export function jResourceHeader(
  r: JsonObject,
  c: DecodeContext,
): { resource: OtlpResource; schemaUrl: string } {
  const resource = jResource(r.resource, c);
  c.field = 'schemaUrl';
  return { resource, schemaUrl: jText(r.schemaUrl ?? r.schema_url, c) };
}

/** The scope and schema URL every Scope{Logs,Spans,Metrics} object starts with. */
export function jScopeHeader(s: JsonObject, c: DecodeContext): { scope: OtlpScope; schemaUrl: string } {
  const scope = jScope(s.scope, c);
  c.field = 'schemaUrl';
  return { scope, schemaUrl: jText(s.schemaUrl ?? s.schema_url, c) };
}

/** The request's top-level object, or an OtlpDecodeError at path `request`. */
export function jRoot(v: unknown): JsonObject {
  try {
    return jElement(v);
  } catch (e) {
    rethrowAt(e, 'request');
  }
}
