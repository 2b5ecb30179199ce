import { z } from 'zod';

export const APPROVAL_STATUSES = ['pending', 'approved', 'denied', 'expired'] as const;
export const ApprovalStatus = z.enum(APPROVAL_STATUSES);
export type ApprovalStatus = z.infer<typeof ApprovalStatus>;

/** How far an approval reaches. */
export const GRANT_SCOPES = ['once', 'session', 'project'] as const;
export const GrantScope = z.enum(GRANT_SCOPES);
export type GrantScope = z.infer<typeof GrantScope>;

/** One reason the gate gave for its decision. */
export const RiskReason = z.object({
  rule_id: z.string(),
  category: z.string(),
  attack_id: z.string().describe('MITRE ATT&CK technique id, empty when none applies'),
  detail: z.string(),
});
export type RiskReason = z.infer<typeof RiskReason>;

/** A string cut to `max` characters (code points), with "…" where it was cut. */
const cut = (max: number) =>
  z.string().transform((s) => {
    if (s.length <= max) return s;
    const points = Array.from(s);
    return points.length <= max ? s : `${points.slice(0, max).join('')}…`;
  });

/**
 * A reason as a runner sends it, each text cut to a bound: a runner could otherwise send 64 reasons of ~16 KB
 * each with every request, and every list of approvals carries them (the server shows them, it decides nothing
 * by them).
 */
export const RiskReasonInput = z.object({
  rule_id: cut(128),
  category: cut(128),
  attack_id: cut(64),
  detail: cut(1024),
});

/** What a runner sends when the gate says ask. */
export const ApprovalRequestInput = z.object({
  session_id: z.string().min(1).max(256),
  agent: z.string().min(1).max(128),
  command: z.string().min(1).max(65_536),
  cwd: z.string().max(4096).default(''),
  risk: z.number().min(0).max(1),
  reasons: z.array(RiskReasonInput).max(64).default([]),
  timeout_s: z.number().int().min(1).max(3600).default(300),
  project: z
    .string()
    .max(4096)
    .default('')
    .describe('absolute workspace path of the runner; a project-scoped grant covers this path'),
  grantable: z
    .boolean()
    .default(false)
    .describe(
      'the gate offers an "always allow" grant for this command (never for interpreters or wrappers)',
    ),
});
export type ApprovalRequestInput = z.infer<typeof ApprovalRequestInput>;

/** An approval request as stored and served. */
export const Approval = z.object({
  id: z.string(),
  created_at: z.string(),
  expires_at: z.string(),
  session_id: z.string(),
  agent: z.string(),
  command: z.string(),
  cwd: z.string(),
  risk: z.number(),
  reasons: z.array(RiskReason),
  requested_by: z.string(),
  requester_id: z
    .string()
    .default('')
    .describe(
      'id of the token that requested it: it alone (as a runner) sees the request and never decides it',
    ),
  status: ApprovalStatus,
  scope: GrantScope.or(z.literal('')),
  decided_by: z.string(),
  decided_at: z.string(),
  decision_reason: z.string(),
  project: z.string().optional().describe('workspace path the request came from (absent: none given)'),
  grantable: z.boolean().optional().describe("the runner's gate offered a grant for this command"),
  command_sha256: z
    .string()
    .optional()
    .describe('SHA-256 (hex) of the command as the runner sent it, before redaction'),
  signature: z
    .string()
    .optional()
    .describe(
      "Ed25519 signature (base64) of a decided approval by the server's decision key; empty while pending",
    ),
});
export type Approval = z.infer<typeof Approval>;

/** What an analyst posts to decide. */
export const ApprovalDecisionInput = z.object({
  decision: z.enum(['approve', 'deny']),
  scope: GrantScope.default('once'),
  reason: z.string().max(4096).default(''),
});
export type ApprovalDecisionInput = z.infer<typeof ApprovalDecisionInput>;
