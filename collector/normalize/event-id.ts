import { createHash } from 'node:crypto';

function sha32(s: string): string {
  return createHash('sha256').update(s).digest('hex').slice(0, 32);
}

/**
 * Deterministic event ids: sha256 (hex, first 32 chars = 128 bits) of where the record sits and what it
 * says. The same export retried gives the same ids; records identical in every byte within one request
 * get an occurrence suffix so they stay distinct (and stay stable when that request is retried).
 */
export function createEventIds(): (parts: readonly string[]) => string {
  const seen = new Map<string, number>();
  return (parts) => {
    const id = sha32(parts.join('\u001f'));
    const n = seen.get(id) ?? 0;
    seen.set(id, n + 1);
    return n === 0 ? id : sha32(`${id}#${n}`);
  };
}
