import { hash } from 'node:crypto';
import type { AgentEvent } from '../../schema/index.js';
import { isoToTicks, secondsDotNanosToTicks } from '../rowbinary/times.js';

/**
 * Large attribute values are kept once, in the raw OTel row. An event attribute longer than this that the raw
 * row's attribute of the same key holds (whole, or cut with a short tail added: the normalizer's truncation) is
 * stored in agent_events as a short prefix, the tail, and a reference (how much of the raw value, and a hash of
 * the event's value); readers put the value back from the raw row (store/raw-attributes.ts).
 */
export const ELIDE_MIN_CHARS = 256;
/** Longest tail an elided value may add to the raw value's start (the normalizer's truncation mark). */
export const MAX_TAIL_CHARS = 64;
/** What agent_events keeps of an elided value: the start, so an event still reads after the raw row is gone. */
export const ELIDED_PREFIX_CHARS = 96;
/**
 * Marks a value cut here because its full text is in the raw row (it stays when the raw row has expired). The
 * mark carries a digest of the full value: `…[full value in the raw row, sha256 <32 hex>]`. Values elided
 * before the digest end the mark at `row]`.
 */
export const ELIDED_MARK = '…[full value in the raw row';
const DIGEST_HEX = 32;
/** The mark after its fixed start: `]` (no digest, older rows) or `, sha256 <hex>]`. */
const MARK_END = new RegExp(`\\]|, sha256 ([0-9a-f]{${DIGEST_HEX}})\\]`, 'y');

/**
 * SHA-256 of a value's UTF-8 (what the store keeps), first 128 bits in hex. The sender chooses its raw rows'
 * links and values: a reader puts back only a raw value with this digest, and finding two values that share
 * it is out of reach (a 32-bit hash was brute-forced in seconds).
 */
export function valueDigest(s: string): string {
  return hash('sha256', s, 'hex').slice(0, DIGEST_HEX);
}

/** An elided value's parts as stored: its start, the digest of the full value (when stored), the tail added. */
export interface ElidedParts {
  prefix: string;
  digest: string | undefined;
  tail: string;
}

/** The parts of a stored elided value, or undefined when it carries no mark where the prefix ends. */
export function readElided(stored: string): ElidedParts | undefined {
  const at = stored.indexOf(ELIDED_MARK, ELIDED_PREFIX_CHARS - 1);
  if (at < 0 || at > ELIDED_PREFIX_CHARS) return undefined;
  MARK_END.lastIndex = at + ELIDED_MARK.length;
  const m = MARK_END.exec(stored);
  if (!m) return undefined;
  return { prefix: stored.slice(0, at), digest: m[1], tail: stored.slice(MARK_END.lastIndex) };
}

/**
 * How old (by its own time, which the sender chooses) an event may be and still have its values elided. A raw
 * row expires by its own time, so a record stamped just inside the raw retention would lose its full value
 * within seconds while its event is kept for a year: older records keep their values inline.
 */
export const ELIDE_MAX_AGE_MS = 86_400_000;

/** The raw rows one request produced: the table and each row's link and attributes. */
export interface RawRowsRef {
  table: 'otel_logs' | 'otel_traces';
  rows: readonly { Timestamp: string; TraceId: string; SpanId: string }[];
  /** When the request was received (epoch ms; the time rule's "now"). */
  receivedAtMs: number;
}

/** An event as stored: its attributes with elided values cut, and the elided keys with their values' hashes. */
export interface StoredAttributes {
  attributes: Record<string, string>;
  /** Key → `elisionRef` of the value; empty when nothing was elided. */
  refs: Record<string, bigint>;
}

/**
 * 32-bit hash of a string (cyrb53's low word), kept in the reference. Rows elided before the mark carried a
 * digest are checked with it alone (and put back only when no other value at the link shares it).
 */
export function valueHash(s: string): number {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  return h1 >>> 0;
}

// A reference packs the value's hash above how much of the raw value it takes, in 52 bits: JSON readers see
// UInt64 map values as plain numbers, exact only below 2^53.
const RAW_CHARS_BITS = 20n;
const MAX_RAW_CHARS = 2 ** 20 - 1;

/** The reference stored per elided key: the value's hash and how much of the raw value it takes. */
export function elisionRef(value: string, rawChars: number): bigint {
  return (BigInt(valueHash(value)) << RAW_CHARS_BITS) | BigInt(rawChars);
}

/** A reference's parts. */
export function readElisionRef(ref: bigint): { hash: number; rawChars: number } {
  return { hash: Number(ref >> RAW_CHARS_BITS), rawChars: Number(ref & BigInt(MAX_RAW_CHARS)) };
}

/** How many leading UTF-16 units two strings share. */
function commonPrefix(a: string, b: string): number {
  if (a === b) return a.length;
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i < n && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  return i;
}

/** What agent_events keeps of an elided value before its tail: its start (whole UTF-16 pairs) and the mark. */
export function elidedPrefix(s: string): string {
  let end = ELIDED_PREFIX_CHARS;
  const code = s.charCodeAt(end - 1);
  if (code >= 0xd800 && code <= 0xdbff) end--;
  return `${s.slice(0, end)}${ELIDED_MARK}, sha256 ${valueDigest(s)}]`;
}

const NONE: StoredAttributes['refs'] = Object.freeze({}) as Record<string, bigint>;

function rowAttributes(row: object, table: RawRowsRef['table']): Record<string, string> | undefined {
  const r = row as { LogAttributes?: Record<string, string>; SpanAttributes?: Record<string, string> };
  return table === 'otel_logs' ? r.LogAttributes : r.SpanAttributes;
}

/**
 * Per event, the attributes to store: values that the event's own raw row holds verbatim and that are long
 * are replaced by a prefix and referenced. Only exact equality with the raw row elides, so a reader always
 * gets back the very value the event had. Events without long values cost one length check per attribute.
 */
export function elideAttributes(
  events: readonly AgentEvent[],
  raw: RawRowsRef | undefined,
): StoredAttributes[] {
  let index: Map<string, object[]> | undefined;
  const out: StoredAttributes[] = [];
  for (const e of events) {
    let long = false;
    for (const k in e.attributes) {
      if ((e.attributes[k] as string).length > ELIDE_MIN_CHARS) {
        long = true;
        break;
      }
    }
    if (!long || !raw || e.raw_table !== raw.table) {
      out.push({ attributes: e.attributes, refs: NONE });
      continue;
    }
    let ticks: bigint;
    try {
      ticks = isoToTicks(e.raw_time);
    } catch {
      out.push({ attributes: e.attributes, refs: NONE });
      continue;
    }
    if (ticks < BigInt(raw.receivedAtMs - ELIDE_MAX_AGE_MS) * 1_000_000n) {
      out.push({ attributes: e.attributes, refs: NONE });
      continue;
    }
    index ??= indexRows(raw);
    const candidates = index.get(linkOf(ticks, e.trace_id, e.span_id)) ?? [];
    const attributes: Record<string, string> = {};
    const refs: Record<string, bigint> = {};
    for (const k in e.attributes) {
      const v = e.attributes[k] as string;
      const shared = v.length > ELIDE_MIN_CHARS ? sharedChars(v, k, candidates, raw.table) : 0;
      if (shared > 0) {
        attributes[k] = `${elidedPrefix(v)}${v.slice(shared)}`;
        refs[k] = elisionRef(v, shared);
      } else attributes[k] = v;
    }
    out.push({ attributes, refs });
  }
  return out;
}

/** How much of `v` a candidate raw row's `key` holds, when enough to elide (else 0). */
function sharedChars(
  v: string,
  key: string,
  candidates: readonly object[],
  table: RawRowsRef['table'],
): number {
  for (const row of candidates) {
    const r = rowAttributes(row, table)?.[key];
    if (r === undefined) continue;
    let shared = commonPrefix(v, r);
    // Never between the halves of a surrogate pair: a tail that starts with a lone half is stored as U+FFFD,
    // and the value put back would never match its digest (a decoy sharing half an emoji hid the real value).
    const last = v.charCodeAt(shared - 1);
    if (shared < v.length && last >= 0xd800 && last <= 0xdbff) shared--;
    if (shared >= ELIDE_MIN_CHARS && shared <= MAX_RAW_CHARS && v.length - shared <= MAX_TAIL_CHARS)
      return shared;
  }
  return 0;
}

/** The link an event keeps to its raw row, as one string. */
export function linkOf(ticks: bigint, traceId: string, spanId: string): string {
  return `${ticks}|${traceId}|${spanId}`;
}

function indexRows(raw: RawRowsRef): Map<string, object[]> {
  const index = new Map<string, object[]>();
  for (const row of raw.rows) {
    let ticks: bigint;
    try {
      ticks = secondsDotNanosToTicks(row.Timestamp);
    } catch {
      continue;
    }
    const key = linkOf(ticks, row.TraceId, row.SpanId);
    const list = index.get(key);
    if (list) list.push(row);
    else index.set(key, [row]);
  }
  return index;
}
