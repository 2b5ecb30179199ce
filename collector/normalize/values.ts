import { type OtlpAttributes, type OtlpValue, valueToString } from '../../schema/fast.js';

/**
 * Attribute access that tolerates how agents really send values: Codex sends numbers and booleans as
 * strings in logs, Gemini sends attributes without a value (null), JSON arrives as strings.
 */

/** The first present, non-empty attribute among `keys`, as a string ('' when none). */
export function str(attrs: OtlpAttributes, ...keys: string[]): string {
  for (const k of keys) {
    const v = attrs[k];
    if (v === undefined || v === null) continue;
    const s = valueToString(v);
    if (s !== '') return s;
  }
  return '';
}

/** A finite number from a number or a numeric string ("178"), else null. */
export function num(attrs: OtlpAttributes, ...keys: string[]): number | null {
  for (const k of keys) {
    const n = toNumber(attrs[k]);
    if (n !== null) return n;
  }
  return null;
}

export function toNumber(v: OtlpValue | undefined): number | null {
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (typeof v === 'string' && v.trim() !== '') {
    const n = Number(v);
    return Number.isFinite(n) ? n : null;
  }
  return null;
}

/** An integer (exit codes): numbers or integer strings only. */
export function int(attrs: OtlpAttributes, ...keys: string[]): number | null {
  const n = num(attrs, ...keys);
  return n !== null && Number.isInteger(n) ? n : null;
}

/** true/false from a boolean or "true"/"false" (any case), else null. */
export function bool(attrs: OtlpAttributes, ...keys: string[]): boolean | null {
  for (const k of keys) {
    const v = attrs[k];
    if (typeof v === 'boolean') return v;
    if (typeof v === 'string') {
      const s = v.trim().toLowerCase();
      if (s === 'true') return true;
      if (s === 'false') return false;
    }
  }
  return null;
}

export type JsonObject = { readonly [key: string]: OtlpValue };

export function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** An object attribute: a kvlist value as is, or a JSON string holding an object. Else null. */
export function objectValue(v: OtlpValue | undefined): JsonObject | null {
  if (isObject(v)) return v;
  if (typeof v !== 'string') return null;
  const t = v.trim();
  if (!t.startsWith('{')) return null;
  try {
    const parsed: unknown = JSON.parse(t);
    return isObject(parsed) ? (parsed as JsonObject) : null;
  } catch {
    return null;
  }
}

export function obj(attrs: OtlpAttributes, ...keys: string[]): JsonObject | null {
  for (const k of keys) {
    const o = objectValue(attrs[k]);
    if (o) return o;
  }
  return null;
}
