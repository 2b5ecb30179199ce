import type protobuf from 'protobufjs';
import type { OtlpAttributes, OtlpValue } from '../../schema/fast.js';
import { type DecodeContext, setAttribute } from './decode-context.js';
import { OtlpDecodeError, rethrowAt, rethrowAtIndex } from './errors.js';
import { attributeKey } from './key-cache.js';
import { otlpProtoTypes } from './otlp-proto.js';
import { arrayValues, checkAttributeCount, checkDepth, KVLIST_VALUES } from './walk.js';
import type { WireReader } from './wire-reader.js';
import {
  idToHex,
  utf8,
  type Wire64,
  wireInt64Number,
  wireInt64Value,
  wireUint64Decimal,
  wireUint64Number,
} from './wire-values.js';

/**
 * The WireReader over protobufjs's decoded objects (otlp-proto.ts): string fields are bytes (decoded here
 * with a fatal UTF-8 decoder), 64-bit fields are Longs, absent optional members and messages are null,
 * and AnyValue's array/kvlist members are bytes decoded on demand, after the depth check.
 */

interface PbAnyValue {
  stringValue: Uint8Array | null;
  boolValue: boolean | null;
  intValue: Wire64 | null;
  doubleValue: number | null;
  arrayValue: Uint8Array | null;
  kvlistValue: Uint8Array | null;
  bytesValue: Uint8Array | null;
}
interface PbKeyValue {
  key: Uint8Array;
  value: PbAnyValue | null;
}

/** A decoded message's fields (field names as in otlp-proto.ts). */
type Fields = Record<string, unknown>;

function base64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

function decodeNested<T>(type: protobuf.Type, bytes: Uint8Array): T {
  try {
    return type.decode(bytes) as unknown as T;
  } catch (e) {
    throw new OtlpDecodeError(`invalid protobuf: ${(e as Error).message}`);
  }
}

function numbers(list: Wire64[]): number[] {
  const out: number[] = new Array(list.length);
  for (let i = 0; i < list.length; i++) out[i] = wireUint64Number(list[i]!);
  return out;
}

function anyValue(v: PbAnyValue, c: DecodeContext, depth: number): OtlpValue {
  if (v.stringValue !== null) return utf8(v.stringValue);
  // protobufjs gives an absent optional int64 a Long zero on the prototype, so presence is an own property.
  if (v.intValue !== null && Object.hasOwn(v, 'intValue')) return wireInt64Value(v.intValue);
  if (v.boolValue !== null) return v.boolValue;
  if (v.doubleValue !== null) return v.doubleValue;
  if (v.kvlistValue !== null) {
    checkDepth(c, depth);
    const list = decodeNested<{ values: PbKeyValue[] }>(otlpProtoTypes().keyValueList, v.kvlistValue);
    return keyValues(list.values, KVLIST_VALUES, c, depth + 1);
  }
  if (v.arrayValue !== null) {
    checkDepth(c, depth);
    const list = decodeNested<{ values: unknown[] }>(otlpProtoTypes().arrayValue, v.arrayValue);
    return arrayValues(protobufReader, list.values, c, depth);
  }
  if (v.bytesValue !== null) return base64(v.bytesValue);
  return null;
}

function keyValues(list: PbKeyValue[], name: string, c: DecodeContext, depth: number): OtlpAttributes {
  const out: OtlpAttributes = {};
  const n = list.length;
  if (n === 0) return out;
  checkAttributeCount(n, name, c);
  for (let i = 0; i < n; i++) {
    const kv = list[i]!;
    try {
      setAttribute(out, attributeKey(kv.key), kv.value === null ? null : anyValue(kv.value, c, depth));
    } catch (e) {
      rethrowAtIndex(e, name, i);
    }
  }
  return out;
}

/** Reads protobufjs-decoded OTLP messages. */
export const protobufReader: WireReader = {
  text(m, key) {
    try {
      return utf8((m as Fields)[key] as Uint8Array);
    } catch (e) {
      rethrowAt(e, key);
    }
  },
  id(m, key, size) {
    try {
      return idToHex((m as Fields)[key] as Uint8Array, size);
    } catch (e) {
      rethrowAt(e, key);
    }
  },
  time: (m, key) => wireUint64Decimal((m as Fields)[key] as Wire64),
  count: (m, key) => wireUint64Number((m as Fields)[key] as Wire64),
  int64(m, key) {
    const v = (m as Fields)[key] as Wire64 | null;
    return v === null ? 0 : wireInt64Number(v);
  },
  double: (m, key) => ((m as Fields)[key] as number | null) ?? 0,
  has: (m, key) => (m as Fields)[key] !== null,
  uint32: (m, key) => (m as Fields)[key] as number,
  int32: (m, key) => (m as Fields)[key] as number,
  enumOf: (m, key) => (m as Fields)[key] as number,
  bool: (m, key) => (m as Fields)[key] as boolean,
  counts: (m, key) => numbers((m as Fields)[key] as Wire64[]),
  doubles: (m, key) => ((m as Fields)[key] as number[]).slice(),
  value(m, key, c) {
    const v = (m as Fields)[key] as PbAnyValue | null;
    if (v === null) return null;
    try {
      return anyValue(v, c, 1);
    } catch (e) {
      rethrowAt(e, key);
    }
  },
  attributes: (m, key, c) => keyValues((m as Fields)[key] as PbKeyValue[], key, c, 1),
  message: <T>(m: unknown, key: string) => (m as Fields)[key] as T | null,
  list: <T>(m: unknown, key: string) => (m as Fields)[key] as T[],
  anyValue: (v, c, depth) => anyValue(v as PbAnyValue, c, depth),
};
