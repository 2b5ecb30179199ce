/**
 * What the server signs when it answers a decided approval, so a runner holding the server's pinned public
 * key runs only what that server approved: the approval id, its final state and scope, when it was decided,
 * and the SHA-256 of the command exactly as the runner sent it (the stored command is redacted). A JSON
 * array, so no field can run into the next.
 */
export const DECISION_SIGNATURE_VERSION = 'ward-decision/v1';

/** The fields of an approval a decision signature covers. */
export interface SignedDecisionFields {
  id: string;
  status: string;
  scope: string;
  decided_at: string;
  command_sha256: string;
  session_id: string;
}

/** The exact bytes (UTF-8 of this string) that are signed with Ed25519. */
export function decisionSignatureMessage(a: SignedDecisionFields): string {
  return JSON.stringify([
    DECISION_SIGNATURE_VERSION,
    a.id,
    a.status,
    a.scope,
    a.decided_at,
    a.command_sha256,
    a.session_id,
  ]);
}

export const GRANT_SIGNATURE_VERSION = 'ward-grant/v2';

/**
 * The fields of a grant its signature covers: what it allows (prefix, ceiling, the approved command), where, for
 * whose requests, and when it was served (a grant list signed while a grant was live, kept and served again
 * after its revocation, is then stale).
 */
export interface SignedGrantFields {
  id: string;
  scope: string;
  session_id: string;
  project: string;
  prefix: readonly string[];
  max_risk: number;
  requester_id: string;
  /** The approved command (as served, redacted): the kinds of risk the grant covers are that command's. */
  command: string;
  /** ISO time the server served it; absent (never signed so) on a grant that was not served signed. */
  served_at?: string | undefined;
}

/** The exact bytes (UTF-8 of this string) of a grant that are signed with Ed25519. */
export function grantSignatureMessage(g: SignedGrantFields): string {
  return JSON.stringify([
    GRANT_SIGNATURE_VERSION,
    g.id,
    g.scope,
    g.session_id,
    g.project,
    g.prefix,
    g.max_risk,
    g.requester_id,
    g.command,
    g.served_at ?? '',
  ]);
}
