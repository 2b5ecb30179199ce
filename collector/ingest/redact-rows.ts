import type { Redactor } from '../../schema/fast.js';
import { type AgentEvent, emptyAgentEvent } from '../../schema/index.js';

/**
 * Columns whose text Ward itself wrote from validated input (times, hex ids, enum names): they cannot hold a
 * secret, so the walk skips them. Every other column is redacted, so a column added later is covered
 * without anyone remembering to list it.
 */
const RAW_SKIP = new Set([
  'Timestamp',
  'TimeUnix',
  'StartTimeUnix',
  'TraceId',
  'SpanId',
  'ParentSpanId',
  'Duration',
  'SpanKind',
  'StatusCode',
  'Events.Timestamp',
  'Links.TraceId',
  'Links.SpanId',
  'Exemplars.TimeUnix',
  'Exemplars.SpanId',
  'Exemplars.TraceId',
]);

const EVENT_SKIP = new Set([
  'event_id',
  'time',
  'raw_time',
  'kind',
  'decision',
  'trace_id',
  'span_id',
  'raw_table',
]);

/** Redacts a Map(String, String) in place, keys as well as values (a key can carry a token too). */
function redactMap(map: Record<string, string>, redactor: Redactor): void {
  const renamed: [string, string, string][] = [];
  for (const k in map) {
    const v = map[k] as string;
    const nv = v ? redactor.text(v) : v;
    const nk = redactor.text(k);
    if (nk !== k) renamed.push([k, nk, nv]);
    else if (nv !== v) map[k] = nv;
  }
  for (const [k, nk, nv] of renamed) {
    delete map[k];
    map[nk] = nv;
  }
}

function redactValue(v: unknown, redactor: Redactor, seen: WeakSet<object>): unknown {
  if (typeof v === 'string') return v ? redactor.text(v) : v;
  if (v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) v[i] = redactValue(v[i], redactor, seen);
    return v;
  }
  // Rows of one resource or scope share their attribute maps: redact each map once.
  if (!seen.has(v)) {
    seen.add(v);
    redactMap(v as Record<string, string>, redactor);
  }
  return v;
}

/**
 * Redacts every text column of raw OTel rows before they are stored: strings, map keys and values, arrays
 * of strings and of maps (span events and links, exemplars), whatever the table.
 */
export function redactRawRows<T extends object>(rows: T[], redactor: Redactor): T[] {
  const seen = new WeakSet<object>();
  for (const row of rows as Record<string, unknown>[]) {
    for (const col in row) {
      if (RAW_SKIP.has(col)) continue;
      row[col] = redactValue(row[col], redactor, seen);
    }
  }
  return rows;
}

/**
 * Redacts every text field of normalized events that the builder did not (host, cwd, user, version, call id,
 * tool, session…) and the attribute keys (their values were redacted and cut by the builder).
 */
export function redactEvents(events: AgentEvent[], redactor: Redactor): AgentEvent[] {
  for (const e of events as unknown as Record<string, string>[]) {
    for (const col of EVENT_TEXT_FIELDS) {
      const v = e[col] as string;
      if (v) e[col] = redactor.text(v);
    }
    redactKeys((e as unknown as AgentEvent).attributes, redactor);
  }
  return events;
}

/** Every text field of an event, taken from the schema's empty event so a new field is covered. */
const EVENT_TEXT_FIELDS = Object.entries(emptyAgentEvent())
  .filter(([k, v]) => typeof v === 'string' && !EVENT_SKIP.has(k))
  .map(([k]) => k);

function redactKeys(map: Record<string, string>, redactor: Redactor): void {
  const renamed: [string, string][] = [];
  for (const k in map) {
    const nk = redactor.text(k);
    if (nk !== k) renamed.push([k, nk]);
  }
  for (const [k, nk] of renamed) {
    const v = map[k] as string;
    delete map[k];
    map[nk] = v;
  }
}
