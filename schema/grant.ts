import { z } from 'zod';
import { Approval, GrantScope } from './approval.js';

/**
 * The argv prefix an approved command may be granted, or why it may not: the gate computes it
 * (gate/grant-rule.ts), the server's grant maker consumes it.
 */
export type GrantPrefixResult = { ok: true; prefix: string[] } | { ok: false; reason: string };

/** The gate's grant rule for a command text, as the server plugs it in. */
export type GrantRule = (command: string) => Promise<GrantPrefixResult>;

/** An "always allow" grant: commands starting with `prefix` and no riskier than `max_risk` are allowed. */
export const Grant = z.object({
  prefix: z.array(z.string().min(1)).min(1).describe('argv prefix the grant covers'),
  max_risk: z.number().min(0).max(1).describe('risk of the approved command; riskier commands still ask'),
  scope: GrantScope.describe('once, session or project'),
  session_id: z.string().default('').describe('session the grant belongs to when scope is session'),
  granted_by: z.string().min(1).describe('who approved'),
  granted_at: z.string().describe('ISO time of approval'),
  reason: z.string().default('').describe('why it was approved'),
});
export type Grant = z.infer<typeof Grant>;

/** A grant as the server stores and serves it: the grant plus where it came from. */
export const GrantRecord = Grant.extend({
  id: z.string().describe('grant id, quoted in the decisions it allows'),
  scope: z.enum(['session', 'project']).describe('session: this session only; project: this workspace'),
  project: z.string().describe('workspace path the grant covers when scope is project'),
  approval_id: z.string().describe('the approval the grant was made from'),
  command: z.string().describe('the approved command (redacted)'),
  requester_id: z
    .string()
    .default('')
    .describe("id of the token whose request the grant came from: only that token's runs may use it"),
  signature: z
    .string()
    .optional()
    .describe("Ed25519 signature (base64) by the server's decision key, made when served"),
  served_at: z
    .string()
    .optional()
    .describe('ISO time the server served and signed the grant: a pinned runner refuses one served long ago'),
});
export type GrantRecord = z.infer<typeof GrantRecord>;

/** GET /api/grants query: the grants a runner in this session and workspace may use. */
export const GrantsQuery = z.object({
  session: z.string().max(256).default('').describe('session id: its session-scoped grants'),
  project: z.string().max(4096).default('').describe('workspace path: its project-scoped grants'),
});
export type GrantsQuery = z.infer<typeof GrantsQuery>;

export const GrantList = z.object({ grants: z.array(GrantRecord) });
export type GrantList = z.infer<typeof GrantList>;

/** POST /api/approvals/:id/decision answer: the approval, the grant it made, or why it made none. */
export const ApprovalDecisionResult = Approval.extend({
  grant: GrantRecord.nullable().describe('the grant an approve with scope session or project made'),
  no_grant_reason: z
    .string()
    .describe('why a session/project approval made no grant (it then counts once); empty otherwise'),
});
export type ApprovalDecisionResult = z.infer<typeof ApprovalDecisionResult>;
