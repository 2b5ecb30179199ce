import { type AgentEvent, EventKind, type ReceivedEvent, toCanonicalIso } from '../../schema/index.js';
import { clickhouseTimeToIso, toNumberOrNull } from './common.js';
import { elideAttributes, type RawRowsRef, type StoredAttributes } from './elide.js';

/** agent_events row as ClickHouse returns it (64-bit ints as strings, its own date format). */
export interface AgentEventRow
  extends Omit<AgentEvent, 'exit_code' | 'duration_ms' | 'bytes_in' | 'bytes_out'> {
  exit_code: number | null;
  duration_ms: number | null;
  bytes_in: string | number | null;
  bytes_out: string | number | null;
  /** Elided attribute keys → hashes of their full values (64-bit ints come back as strings). */
  attributes_ref?: Record<string, string | number>;
  /** When the store received the row (read for the API's listings only). */
  ingested_at?: string;
}

/** agent_events columns a full event is read from (with the references readers resolve; store/raw-attributes.ts). */
export const EVENT_READ_COLUMNS = `event_id, time, agent, agent_version, session_id, user_id, host, repo, cwd, kind,
  event_name, tool, call_id, command, target, decision, decision_source, exit_code, duration_ms, bytes_in,
  bytes_out, success, trace_id, span_id, raw_table, raw_time, attributes, missing, attributes_ref`;

/** EVENT_READ_COLUMNS and the time the store received the row (`rowToReceivedEvent`). */
export const RECEIVED_EVENT_COLUMNS = `${EVENT_READ_COLUMNS}, ingested_at`;

/** AgentEvent → insertable row (ISO times are parsed by ClickHouse's best_effort input format). */
export function eventToRow(e: AgentEvent): Record<string, unknown> {
  return storedRow(e, undefined);
}

function storedRow(e: AgentEvent, stored: StoredAttributes | undefined): Record<string, unknown> {
  const row: Record<string, unknown> = {
    ...e,
    time: toCanonicalIso(e.time),
    raw_time: toCanonicalIso(e.raw_time),
  };
  if (stored && stored.attributes !== e.attributes) {
    row.attributes = stored.attributes;
    row.attributes_ref = Object.fromEntries(Object.entries(stored.refs).map(([k, h]) => [k, h.toString()]));
  }
  return row;
}

/**
 * Agent events → insertable rows; with `raw` (the request's raw rows) long values those rows hold are stored
 * once, there (store/rows/elide.ts).
 */
export function eventsToRows(events: readonly AgentEvent[], raw?: RawRowsRef): Record<string, unknown>[] {
  const stored = elideAttributes(events, raw);
  return events.map((e, i) => storedRow(e, stored[i]));
}

export function rowToEvent(r: AgentEventRow): AgentEvent {
  const kind = EventKind.safeParse(r.kind);
  const { attributes_ref: _ref, ingested_at: _at, ...rest } = r;
  return {
    ...rest,
    time: clickhouseTimeToIso(r.time),
    raw_time: clickhouseTimeToIso(r.raw_time),
    kind: kind.success ? kind.data : 'other',
    exit_code: toNumberOrNull(r.exit_code),
    duration_ms: toNumberOrNull(r.duration_ms),
    bytes_in: toNumberOrNull(r.bytes_in),
    bytes_out: toNumberOrNull(r.bytes_out),
    success: r.success === null ? null : Boolean(r.success),
  };
}

/** A row of `RECEIVED_EVENT_COLUMNS` → the event as the API serves it, with the time it was received. */
export function rowToReceivedEvent(r: AgentEventRow): ReceivedEvent {
  return { ...rowToEvent(r), received_at: r.ingested_at ? clickhouseTimeToIso(r.ingested_at) : '' };
}
