import { z } from 'zod';
import { GrantScope } from '../../../schema/approval.js';
import { grantPrefix, refuseReason } from './grant-prefix.js';

export { grantPrefix, refuseReason };

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

export type GrantResult = { ok: true; grant: Grant } | { ok: false; reason: string };

/** Makes a grant from an approved command, or says why it cannot be granted. */
export function makeGrant(
  approved: { argv: readonly string[]; risk: number },
  who: { scope: Grant['scope']; by: string; reason?: string; sessionId?: string; now?: Date },
): GrantResult {
  const prefix = grantPrefix(approved.argv);
  const refused = refuseReason(prefix);
  if (refused) return { ok: false, reason: refused };
  return {
    ok: true,
    grant: {
      prefix,
      max_risk: approved.risk,
      scope: who.scope,
      session_id: who.sessionId ?? '',
      granted_by: who.by,
      granted_at: (who.now ?? new Date()).toISOString(),
      reason: who.reason ?? '',
    },
  };
}
