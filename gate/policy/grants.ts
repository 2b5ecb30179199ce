import { Grant } from '../../schema/index.js';
import { grantPrefix, refuseReason } from './grant-prefix.js';

export { Grant, grantPrefix, refuseReason };

export type GrantResult = { ok: true; grant: Grant & { command: string } } | { ok: false; reason: string };

/**
 * Makes a grant from an approved command, or says why it cannot be granted. The grant keeps the command (by
 * default its words joined): it covers only the kinds of risk that command had.
 */
export function makeGrant(
  approved: { argv: readonly string[]; risk: number; command?: string },
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
      command: approved.command ?? approved.argv.join(' '),
    },
  };
}
