import { hash } from 'node:crypto';
import { valueToString } from '../../schema/fast.js';
import type { OtlpAttributes } from '../../schema/index.js';

/** A part of an event's identity: text, or attributes (hashed key by key, without building JSON). */
export type IdPart = string | OtlpAttributes;

/**
 * The parts as one text that no other parts give: every text and every attribute key and value is written
 * with its length first. (Joined by a separator alone, `a=b` + `c=d` and `a=b<sep>c=d` read the same: a sender
 * could then give its copy of another event that event's id, with the session moved into a value, and replace
 * the stored row.)
 */
export function idText(parts: readonly IdPart[]): string {
  let text = '';
  for (const p of parts) {
    if (typeof p === 'string') text += `${p.length}:${p};`;
    else {
      let n = 0;
      for (const _ in p) n++;
      text += `{${n}:`;
      for (const key in p) {
        const v = valueToString(p[key]);
        text += `${key.length}:${key}${v.length}:${v}`;
      }
      text += '}';
    }
  }
  return text;
}

function hashParts(parts: readonly IdPart[]): string {
  // One string, one digest: many small updates cost more than the copy. One-shot: ~2.5 × faster than a Hash
  // object for texts this short (one per event).
  return hash('sha256', idText(parts), 'hex').slice(0, 32);
}

/**
 * What identifies where records come from: a digest of their resource's attributes (session, host, service,
 * process), computed once per resource. It is part of every event id, so identical records of two resources
 * (two sessions, two hosts) never share an id: agent_events keeps one row per id, and an agent that sent a copy
 * of another session's record under its own resource would otherwise replace that session's event.
 */
export function sourceKey(resourceAttributes: OtlpAttributes): string {
  return hashParts([resourceAttributes]);
}

/**
 * Deterministic event ids: sha256 (hex, first 32 chars = 128 bits) of where the record sits and what it
 * says. The same export retried gives the same ids; records identical in every byte within one request
 * get an occurrence suffix so they stay distinct (and stay stable when that request is retried).
 */
export function createEventIds(): (parts: readonly IdPart[]) => string {
  const seen = new Map<string, number>();
  return (parts) => {
    const id = hashParts(parts);
    const n = seen.get(id) ?? 0;
    seen.set(id, n + 1);
    return n === 0 ? id : hashParts([id, `#${n}`]);
  };
}
