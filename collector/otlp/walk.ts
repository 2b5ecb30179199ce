import type { OtlpValue } from '../../schema/fast.js';
import type { DecodeContext } from './decode-context.js';
import { OtlpDecodeError, rethrowAt, rethrowAtIndex } from './errors.js';
import type { KeyOf, List, Of, Sub } from './otlp-messages.js';
import type { WireReader } from './wire-reader.js';

/**
 * The walk through nested messages, shared by both encodings: it prefixes an error's path with the field
 * (`scopeLogs[1]`, `status`) it was converting, so every path is built from the field names read.
 */

/** Converts each element of a repeated message field with `one`. */
export function each<M, K extends KeyOf<M, List<unknown>>, T>(
  rd: WireReader,
  m: M,
  key: K,
  c: DecodeContext,
  one: (rd: WireReader, item: Of<M[K]>, c: DecodeContext) => T,
): T[] {
  const list = rd.list(m, key);
  const n = list.length;
  const out: T[] = new Array(n);
  for (let i = 0; i < n; i++) {
    try {
      out[i] = one(rd, list[i]!, c);
    } catch (e) {
      rethrowAtIndex(e, key, i);
    }
  }
  return out;
}

/** Converts a message field with `one`; null when the field is absent. */
export function sub<M, K extends KeyOf<M, Sub<unknown>>, T>(
  rd: WireReader,
  m: M,
  key: K,
  c: DecodeContext,
  one: (rd: WireReader, item: Of<M[K]>, c: DecodeContext) => T,
): T | null {
  const v = rd.message(m, key);
  if (v === null) return null;
  try {
    return one(rd, v, c);
  } catch (e) {
    rethrowAt(e, key);
  }
}

/** Refuses a KeyValue list (attributes, a kvlist) longer than the limit; `name` is its path. */
export function checkAttributeCount(n: number, name: string, c: DecodeContext): void {
  if (n > c.maxAttributes)
    throw new OtlpDecodeError(`${n} attributes exceed the limit of ${c.maxAttributes}`, name);
}

/** The paths of a kvlist and an array AnyValue's elements. */
export const KVLIST_VALUES = 'kvlistValue.values';
export const ARRAY_VALUES = 'arrayValue.values';

/** Refuses to open one more nesting level of array/kvlist values past the limit. */
export function checkDepth(c: DecodeContext, depth: number): void {
  if (depth >= c.maxDepth) throw new OtlpDecodeError(`value nested deeper than ${c.maxDepth} levels`);
}

/** The values of an array AnyValue at `depth` (checked with checkDepth before they were unpacked). */
export function arrayValues(
  rd: WireReader,
  list: readonly unknown[],
  c: DecodeContext,
  depth: number,
): OtlpValue[] {
  const n = list.length;
  const out: OtlpValue[] = new Array(n);
  for (let i = 0; i < n; i++) {
    try {
      out[i] = rd.anyValue(list[i], c, depth + 1);
    } catch (e) {
      rethrowAtIndex(e, ARRAY_VALUES, i);
    }
  }
  return out;
}
