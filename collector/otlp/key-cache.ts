import { utf8 } from './wire-values.js';

/**
 * Attribute keys repeat across records and batches. Decoding them once and reusing the internalized string
 * saves the UTF-8 decode and makes the property store on the attributes object cheap (V8 looks up
 * non-internalized keys in its string table on every store). Bounded; a hash collision is only a miss.
 */
const MAX_KEY_BYTES = 64;
const MAX_ENTRIES = 8192;

interface Entry {
  bytes: Uint8Array;
  key: string;
}

const cache = new Map<number, Entry>();

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  const n = a.length;
  if (n !== b.length) return false;
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** UTF-8 decodes an attribute key (fatal on invalid UTF-8), through the cache. */
export function attributeKey(bytes: Uint8Array): string {
  const n = bytes.length;
  if (n > MAX_KEY_BYTES) return utf8(bytes);
  let h = n;
  for (let i = 0; i < n; i++) h = Math.imul(h ^ bytes[i]!, 16777619);
  const hit = cache.get(h);
  if (hit !== undefined && sameBytes(hit.bytes, bytes)) return hit.key;
  const decoded = utf8(bytes);
  // A computed property name comes back from Object.keys as the internalized string.
  const key = Object.keys({ [decoded]: 0 })[0] ?? decoded;
  if (cache.size >= MAX_ENTRIES) cache.clear();
  cache.set(h, { bytes: bytes.slice(), key });
  return key;
}
