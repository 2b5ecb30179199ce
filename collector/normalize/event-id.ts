import { hash } from 'node:crypto';
import { valueToString } from '../../schema/fast.js';
import type { OtlpAttributes } from '../../schema/index.js';

/** A part of an event's identity: text, or attributes (hashed key by key, without building JSON). */
export type IdPart = string | OtlpAttributes;

const SEP = '\u001f';

/** The parts as one text (attributes key by key), separated: what an id is the digest of. */
export function idText(parts: readonly IdPart[]): string {
  let text = '';
  for (const p of parts) {
    if (typeof p === 'string') text += p;
    else for (const key in p) text += `${key}=${valueToString(p[key])}${SEP}`;
    text += SEP;
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
