import type { OtlpAttributes, OtlpValue } from '../../schema/fast.js';
import type { DecodeContext } from './decode-context.js';
import type {
  AnyValue,
  Bool,
  Enum,
  F64,
  F64s,
  I32,
  I64,
  Id,
  KeyOf,
  KeyValues,
  List,
  Of,
  OptF64,
  Str,
  Sub,
  U32,
  U64,
  U64s,
} from './otlp-messages.js';

/** An OTLP enum's JSON names (`SPAN_KIND_SERVER`) to numbers. */
export type EnumNames = Readonly<Record<string, number>>;

/**
 * Reads the fields of one encoding's messages (protobuf-reader.ts, json-reader.ts) into Ward's values.
 * Each field read takes the field's name and, when the value is wrong, throws an OtlpDecodeError whose
 * path is that name: the name that found the value is the name in the message, for both encodings.
 * Absent fields read as the proto3 default.
 */
export interface WireReader {
  text<M>(m: M, key: KeyOf<M, Str>, c: DecodeContext): string;
  /** A trace (16 bytes) or span (8 bytes) id as lowercase hex; absent is ''. */
  id<M>(m: M, key: KeyOf<M, Id>, size: 8 | 16): string;
  /** A fixed64 time as a decimal string (nanoseconds overflow a double). */
  time<M>(m: M, key: KeyOf<M, U64>): string;
  /** An unsigned 64-bit count as a number (precision loss above 2^53 is accepted). */
  count<M>(m: M, key: KeyOf<M, U64>): number;
  /** A signed 64-bit value as a number (metric values). */
  int64<M>(m: M, key: KeyOf<M, I64>): number;
  double<M>(m: M, key: KeyOf<M, F64 | OptF64>): number;
  /** Whether an optional field is present. */
  has<M>(m: M, key: KeyOf<M, OptF64>): boolean;
  uint32<M>(m: M, key: KeyOf<M, U32>): number;
  int32<M>(m: M, key: KeyOf<M, I32>): number;
  /** An enum's number (JSON may name it; unknown numbers are kept, as proto3 does). */
  enumOf<M>(m: M, key: KeyOf<M, Enum>, names: EnumNames): number;
  bool<M>(m: M, key: KeyOf<M, Bool>): boolean;
  counts<M>(m: M, key: KeyOf<M, U64s>): number[];
  doubles<M>(m: M, key: KeyOf<M, F64s>): number[];
  /** An AnyValue field (a log body); absent is null. */
  value<M>(m: M, key: KeyOf<M, AnyValue>, c: DecodeContext): OtlpValue;
  attributes<M>(m: M, key: KeyOf<M, KeyValues>, c: DecodeContext): OtlpAttributes;
  /** A message field, or null when absent. */
  message<M, K extends KeyOf<M, Sub<unknown>>>(m: M, key: K): Of<M[K]> | null;
  /** A repeated message field's elements (JSON: each must be an object, else an error at `key[i]`). */
  list<M, K extends KeyOf<M, List<unknown>>>(m: M, key: K): readonly Of<M[K]>[];

  // Below: the parts of an AnyValue, used by walk.ts.
  /** One AnyValue; `depth` is 1 for an attribute or a body. No path of its own. */
  anyValue(v: unknown, c: DecodeContext, depth: number): OtlpValue;
}
