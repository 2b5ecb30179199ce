import { z } from 'zod';

/**
 * One record of the tamper-evident audit trail. Each writer (one `ward serve` process) keeps its own chain:
 * a record carries the hash of the writer's previous record, so an edit, deletion, insertion or reordering
 * breaks the chain from that point on.
 */
export const AuditRecord = z.object({
  writer: z.string().describe('Id of the chain (one per store instance / ward serve process)'),
  seq: z.number().int().nonnegative().describe('Position in the writer chain, from 1'),
  time: z.string(),
  actor: z.string().describe('Token name or "system"'),
  action: z.string().describe('e.g. approval.requested, approval.decided, token.created'),
  target: z.string(),
  details: z.string().describe('JSON text'),
  prev_hash: z.string(),
  hash: z.string(),
});
export type AuditRecord = z.infer<typeof AuditRecord>;

/** A signed statement "writer W had N records whose last hash is H" (Ed25519 over a fixed text body). */
export const AuditCheckpoint = z.object({
  writer: z.string(),
  seq: z.number().int().nonnegative(),
  head: z.string(),
  time: z.string(),
  key_id: z.string(),
  public_key: z.string().describe('Raw Ed25519 public key, base64'),
  signature: z.string().describe('Ed25519 signature of the checkpoint body, base64'),
});
export type AuditCheckpoint = z.infer<typeof AuditCheckpoint>;

/** Outcome of walking the audit chains (GET /api/audit/verify, `ward audit verify`). */
export const AuditVerifyReport = z.object({
  ok: z.boolean(),
  checked: z.number().int(),
  first_bad: z.object({ writer: z.string(), seq: z.number().int(), reason: z.string() }).nullable(),
  writers: z.array(
    z.object({
      writer: z.string(),
      records: z.number().int(),
      first_seq: z.number().int(),
      last_seq: z.number().int(),
      signed_through: z.number().int().describe('Highest seq covered by a trusted signed checkpoint'),
    }),
  ),
  checkpoints: z.array(
    z.object({
      writer: z.string(),
      seq: z.number().int(),
      time: z.string(),
      signed: z.boolean(),
      valid: z.boolean().describe('Signature checks out with a trusted key and the head matches the chain'),
    }),
  ),
});
export type AuditVerifyReport = z.infer<typeof AuditVerifyReport>;
