import { createHash, createPublicKey, type KeyObject, verify } from 'node:crypto';
import {
  type Approval,
  decisionSignatureMessage,
  type GrantRecord,
  grantSignatureMessage,
} from '../../schema/index.js';

/** SHA-256 (hex) of a command as sent: what a signed decision names. */
export function commandDigest(command: string): string {
  return createHash('sha256').update(command, 'utf8').digest('hex');
}

/** The server's public decision key from PEM; throws with what is wrong. */
export function parseDecisionKey(pem: string): KeyObject {
  const key = createPublicKey(pem);
  if (key.asymmetricKeyType !== 'ed25519') throw new Error('the decision key is not an Ed25519 public key');
  return key;
}

/** How far the server's clock may run behind the runner's when a decision is checked for freshness. */
export const DECISION_CLOCK_SKEW_MS = 60_000;

/**
 * Why an approval's answer must not be trusted, or null when it is the pinned server's signed decision for
 * this request and this exact command. A runner with a pinned key runs nothing on an answer that fails this.
 * The id is the answering server's word, so a spoofed server can name an old genuine approval of the same
 * command: the signed session and decision time must also be this request's (`requestedAt`, the runner's
 * clock when it sent the request, less DECISION_CLOCK_SKEW_MS).
 */
export function decisionProblem(
  a: Approval,
  expected: { id: string; command: string; session: string; requestedAt: number },
  key: KeyObject,
): string | null {
  if (a.id !== expected.id) return `the answer is for approval ${a.id}, not ${expected.id}`;
  const digest = commandDigest(expected.command);
  if (a.command_sha256 !== digest) return 'the decision names a different command than the one requested';
  if (a.session_id !== expected.session) return 'the decision is for another session than the one requested';
  const decidedAt = Date.parse(a.decided_at);
  if (!(decidedAt >= expected.requestedAt - DECISION_CLOCK_SKEW_MS))
    return 'the decision was made before this request was sent (an old answer replayed)';
  if (!a.signature) return 'the decision is not signed';
  const ok = verify(
    null,
    Buffer.from(
      decisionSignatureMessage({
        id: a.id,
        status: a.status,
        scope: a.scope,
        decided_at: a.decided_at,
        command_sha256: digest,
        session_id: a.session_id,
      }),
      'utf8',
    ),
    key,
    Buffer.from(a.signature, 'base64'),
  );
  return ok ? null : "the decision's signature does not verify with the pinned server key";
}

/** The id the server knows a token by (the hash prefix `ward token list` shows): grants name it. */
export function tokenIdOf(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex').slice(0, 16);
}

/**
 * Why a grant must not be used, or null when the pinned server signed it for this runner's token and for
 * the session or project asked about (a genuine grant of another session or runner, replayed, is refused),
 * and signed it as served within DECISION_CLOCK_SKEW_MS of `now` (a signed list kept from before the grant was
 * revoked, served again later, is refused).
 */
export function grantProblem(
  g: GrantRecord,
  expected: { session: string; project: string; requesterId: string | undefined; now: number },
  key: KeyObject,
): string | null {
  if (!expected.requesterId) return 'this runner has no token, so no grant can be checked as its own';
  if (g.requester_id !== expected.requesterId) return 'the grant was made for another token';
  if (g.scope === 'session' && g.session_id !== expected.session) return 'the grant is for another session';
  if (g.scope === 'project' && g.project !== expected.project) return 'the grant is for another project';
  if (!g.signature) return 'the grant is not signed';
  const servedAt = Date.parse(g.served_at ?? '');
  if (!(Math.abs(expected.now - servedAt) <= DECISION_CLOCK_SKEW_MS))
    return 'the grant was not signed as served now (an old grant list replayed)';
  const ok = verify(
    null,
    Buffer.from(grantSignatureMessage(g), 'utf8'),
    key,
    Buffer.from(g.signature, 'base64'),
  );
  return ok ? null : "the grant's signature does not verify with the pinned server key";
}
