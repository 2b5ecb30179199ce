import { createHash } from 'node:crypto';
import { type AgentEvent, emptyAgentEvent, toCanonicalIso } from '../../schema/index.js';

/** A normalized event for store and API tests; the id derives from the fields so equal inputs collide. */
export function makeEvent(fields: Partial<AgentEvent>): AgentEvent {
  const e = { ...emptyAgentEvent(), agent: 'codex', kind: 'command' as const, ...fields };
  e.time = toCanonicalIso(e.time);
  if (!fields.event_id) {
    e.event_id = createHash('sha256')
      .update(JSON.stringify({ ...e, event_id: '' }))
      .digest('hex')
      .slice(0, 32);
  }
  e.raw_time = fields.raw_time ? toCanonicalIso(fields.raw_time) : e.time;
  return e;
}

/**
 * `events` stored as if Ward received each at `receivedAt(e)` (default: the time it claims, as live telemetry
 * arrives). Reports place events by their receive time, which a store insert otherwise sets to now.
 */
export async function insertReceived(
  store: { events: { insert(events: readonly AgentEvent[]): Promise<void> } },
  events: readonly AgentEvent[],
  receivedAt: (e: AgentEvent) => string = (e) => e.time,
): Promise<void> {
  await store.events.insert(events.map((e) => ({ ...e, ingested_at: toCanonicalIso(receivedAt(e)) })));
}
