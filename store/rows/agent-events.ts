import { type AgentEvent, EventKind, toCanonicalIso } from '../../schema/index.js';
import { clickhouseTimeToIso, toNumberOrNull } from './common.js';

/** agent_events row as ClickHouse returns it (64-bit ints as strings, its own date format). */
export interface AgentEventRow
  extends Omit<AgentEvent, 'exit_code' | 'duration_ms' | 'bytes_in' | 'bytes_out'> {
  exit_code: number | null;
  duration_ms: number | null;
  bytes_in: string | number | null;
  bytes_out: string | number | null;
}

/** AgentEvent → insertable row (ISO times are parsed by ClickHouse's best_effort input format). */
export function eventToRow(e: AgentEvent): Record<string, unknown> {
  return { ...e, time: toCanonicalIso(e.time), raw_time: toCanonicalIso(e.raw_time) };
}

export function rowToEvent(r: AgentEventRow): AgentEvent {
  const kind = EventKind.safeParse(r.kind);
  return {
    ...r,
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
