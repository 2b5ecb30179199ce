import type { OtlpAttributes, OtlpValue } from '../../schema/fast.js';
import type { OtlpDecodeLimits } from './limits.js';

/** State of one decode call: the limits the converter checks and what the JSON body may contain. */
export interface DecodeContext {
  readonly maxDepth: number;
  readonly maxAttributes: number;
  /** Set when a JSON body contains `\uD800`-`\uDFFF` escapes: strings are then checked for lone surrogates. */
  surrogateEscapes: boolean;
}

export function createDecodeContext(limits: OtlpDecodeLimits): DecodeContext {
  return { maxDepth: limits.maxDepth, maxAttributes: limits.maxAttributes, surrogateEscapes: false };
}

/** Sets an attribute; `__proto__` becomes an own property instead of replacing the prototype. */
export function setAttribute(out: OtlpAttributes, key: string, value: OtlpValue): void {
  if (key === '__proto__') {
    Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
  } else {
    out[key] = value;
  }
}
