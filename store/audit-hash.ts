import { createHash } from 'node:crypto';
import type { AuditRecord } from '../schema/index.js';

/** JSON with object keys sorted at every level: the same value always hashes the same. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(
          Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
        )
      : v,
  );
}

/** prev_hash of a writer's first record: bound to the writer id, so one chain cannot be passed off as another. */
export function genesisHash(writer: string): string {
  return createHash('sha256').update(`ward-audit-genesis/v1\n${writer}`, 'utf8').digest('hex');
}

/** hash = sha256(prev_hash + canonical JSON of the record without its hash), sequence and writer included. */
export function auditHash(r: Omit<AuditRecord, 'hash'>): string {
  const { writer, seq, time, actor, action, target, details, prev_hash } = r;
  return createHash('sha256')
    .update(
      prev_hash + canonicalJson({ writer, seq, time, actor, action, target, details, prev_hash }),
      'utf8',
    )
    .digest('hex');
}

/** The exact text a checkpoint signature covers (a signed note: one field per line). */
export function checkpointBody(c: { writer: string; seq: number; head: string; time: string }): string {
  return `ward-audit-checkpoint/v1\n${c.writer}\n${c.seq}\n${c.head}\n${c.time}\n`;
}
