import { z } from 'zod';

/**
 * One record of the tamper-evident audit trail: each record carries the hash of the previous one, so
 * any edit or deletion breaks the chain from that point on.
 */
export const AuditRecord = z.object({
  seq: z.number().int().nonnegative(),
  time: z.string(),
  actor: z.string().describe('Token name or "system"'),
  action: z.string().describe('e.g. approval.requested, approval.decided, token.created'),
  target: z.string(),
  details: z.string().describe('JSON text'),
  prev_hash: z.string(),
  hash: z.string(),
});
export type AuditRecord = z.infer<typeof AuditRecord>;
