import type { AgentEvent } from '../../schema/index.js';
import { isoToTicks, secondsDotNanosToTicks } from '../rowbinary/times.js';

/**
 * Large attribute values are kept once, in the raw OTel row. An event attribute longer than this that equals
 * the raw row's attribute of the same key is stored in agent_events as a short prefix plus a reference (its
 * hash); readers put the full value back from the raw row (store/raw-attributes.ts).
 */
export const ELIDE_MIN_CHARS = 256;
/** What agent_events keeps of an elided value: the start, so an event still reads after the raw row is gone. */
export const ELIDED_PREFIX_CHARS = 96;
/** Marks a value cut here because its full text is in the raw row (it stays when the raw row has expired). */
export const ELIDED_MARK = '…[full value in the raw row]';

/** The raw rows one request produced: the table and each row's link and attributes. */
export interface RawRowsRef {
  table: 'otel_logs' | 'otel_traces';
  rows: readonly { Timestamp: string; TraceId: string; SpanId: string }[];
}

/** An event as stored: its attributes with elided values cut, and the elided keys with their values' hashes. */
export interface StoredAttributes {
  attributes: Record<string, string>;
  /** Key → hash of the full value (`valueHash`); empty when nothing was elided. */
  refs: Record<string, bigint>;
}

/** 53-bit hash of a string (cyrb53): a reader tells apart raw rows that share a link. Not for security. */
export function valueHash(s: string): bigint {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return BigInt(4294967296 * (2097151 & h2) + (h1 >>> 0));
}

/** The stored prefix of an elided value (whole UTF-16 pairs only). */
export function elidedPrefix(s: string): string {
  let end = ELIDED_PREFIX_CHARS;
  const code = s.charCodeAt(end - 1);
  if (code >= 0xd800 && code <= 0xdbff) end--;
  return `${s.slice(0, end)}${ELIDED_MARK}`;
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
    index ??= indexRows(raw);
    const candidates = index.get(linkOf(ticks, e.trace_id, e.span_id)) ?? [];
    const attributes: Record<string, string> = {};
    const refs: Record<string, bigint> = {};
    for (const k in e.attributes) {
      const v = e.attributes[k] as string;
      if (v.length > ELIDE_MIN_CHARS && candidates.some((row) => rowAttributes(row, raw.table)?.[k] === v)) {
        attributes[k] = elidedPrefix(v);
        refs[k] = valueHash(v);
      } else attributes[k] = v;
    }
    out.push({ attributes, refs });
  }
  return out;
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
