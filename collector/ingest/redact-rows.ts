/**
 * Redaction of normalized events (schema fields). The raw rows' columns belong to the store: its ingest
 * codec passes each stored text column through the same redactor (store/ingest/row-text.ts).
 */
import type { Redactor } from '../../schema/fast.js';
import { type AgentEvent, emptyAgentEvent } from '../../schema/index.js';

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
