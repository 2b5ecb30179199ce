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
