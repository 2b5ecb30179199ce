import type protobuf from 'protobufjs';
import type { OtlpAttributes, OtlpResource, OtlpScope, OtlpValue } from '../../schema/fast.js';
import { type DecodeContext, setAttribute } from './decode-context.js';
import { OtlpDecodeError, rethrowAt } from './errors.js';
import { attributeKey } from './key-cache.js';
import { otlpProtoTypes } from './otlp-proto.js';
import { utf8, type Wire64, wireInt64Value } from './wire-values.js';

/** Shapes protobufjs produces for otlp-proto.ts (absent optional members are null, absent bytes empty). */
export interface PbAnyValue {
  stringValue: Uint8Array | null;
  boolValue: boolean | null;
  intValue: Wire64 | null;
  doubleValue: number | null;
  arrayValue: Uint8Array | null;
  kvlistValue: Uint8Array | null;
  bytesValue: Uint8Array | null;
}
export interface PbKeyValue {
  key: Uint8Array;
  value: PbAnyValue | null;
}
export interface PbScope {
  name: Uint8Array;
  version: Uint8Array;
  attributes: PbKeyValue[];
  droppedAttributesCount: number;
}
export interface PbResource {
  attributes: PbKeyValue[];
  droppedAttributesCount: number;
}

function base64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

/** Decodes an array or kvlist value kept as bytes by otlp-proto.ts, enforcing the depth limit first. */
function decodeNested<T>(type: protobuf.Type, bytes: Uint8Array, c: DecodeContext, depth: number): T {
  if (depth >= c.maxDepth) throw new OtlpDecodeError(`value nested deeper than ${c.maxDepth} levels`);
  try {
    return type.decode(bytes) as unknown as T;
  } catch (e) {
    throw new OtlpDecodeError(`invalid protobuf: ${(e as Error).message}`);
  }
}

/** Converts an AnyValue; `depth` is 1 for a top-level attribute or body. */
export function pbValue(v: PbAnyValue, c: DecodeContext, depth: number): OtlpValue {
  if (v.stringValue !== null) return utf8(v.stringValue);
  // protobufjs gives an absent optional int64 a Long zero on the prototype, so presence is an own property.
  if (v.intValue !== null && Object.hasOwn(v, 'intValue')) return wireInt64Value(v.intValue);
  if (v.boolValue !== null) return v.boolValue;
  if (v.doubleValue !== null) return v.doubleValue;
  if (v.kvlistValue !== null) {
    const list = decodeNested<{ values: PbKeyValue[] }>(
      otlpProtoTypes().keyValueList,
      v.kvlistValue,
      c,
      depth,
    );
    return pbAttributes(list.values, c, 'kvlistValue.values', depth + 1);
  }
  if (v.arrayValue !== null) {
    const values = decodeNested<{ values: PbAnyValue[] }>(
      otlpProtoTypes().arrayValue,
      v.arrayValue,
      c,
      depth,
    ).values;
    const out: OtlpValue[] = new Array(values.length);
    for (let i = 0; i < values.length; i++) {
      try {
        out[i] = pbValue(values[i]!, c, depth + 1);
      } catch (e) {
        rethrowAt(e, `arrayValue.values[${i}]`);
      }
    }
    return out;
  }
  if (v.bytesValue !== null) return base64(v.bytesValue);
  return null;
}

/** Converts a KeyValue list to a record; `name` is the field name used in error paths. */
export function pbAttributes(list: PbKeyValue[], c: DecodeContext, name: string, depth = 1): OtlpAttributes {
  const n = list.length;
  const out: OtlpAttributes = {};
  if (n === 0) return out;
  if (n > c.maxAttributes)
    throw new OtlpDecodeError(`${n} attributes exceed the limit of ${c.maxAttributes}`, name);
  for (let i = 0; i < n; i++) {
    const kv = list[i]!;
    try {
      setAttribute(out, attributeKey(kv.key), kv.value === null ? null : pbValue(kv.value, c, depth));
    } catch (e) {
      rethrowAt(e, `${name}[${i}]`);
    }
  }
  return out;
}

export function pbResource(r: PbResource | null, c: DecodeContext): OtlpResource {
  if (r === null) return { attributes: {}, droppedAttributesCount: 0 };
  return {
    attributes: pbAttributes(r.attributes, c, 'resource.attributes'),
    droppedAttributesCount: r.droppedAttributesCount,
  };
}

export function pbScope(s: PbScope | null, c: DecodeContext): OtlpScope {
  if (s === null) return { name: '', version: '', attributes: {}, droppedAttributesCount: 0 };
  c.field = 'scope.name';
  const name = utf8(s.name);
  c.field = 'scope.version';
  const version = utf8(s.version);
  return {
    name,
    version,
    attributes: pbAttributes(s.attributes, c, 'scope.attributes'),
    droppedAttributesCount: s.droppedAttributesCount,
  };
}

/** The resource and schema URL every Resource{Logs,Spans,Metrics} message starts with. */
export function pbResourceHeader(
  r: { resource: PbResource | null; schemaUrl: Uint8Array },
  c: DecodeContext,
): { resource: OtlpResource; schemaUrl: string } {
  const resource = pbResource(r.resource, c);
  c.field = 'schemaUrl';
  return { resource, schemaUrl: utf8(r.schemaUrl) };
}

/** The scope and schema URL every Scope{Logs,Spans,Metrics} message starts with. */
export function pbScopeHeader(
  s: { scope: PbScope | null; schemaUrl: Uint8Array },
  c: DecodeContext,
): { scope: OtlpScope; schemaUrl: string } {
  const scope = pbScope(s.scope, c);
  c.field = 'schemaUrl';
  return { scope, schemaUrl: utf8(s.schemaUrl) };
}
