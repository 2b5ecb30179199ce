import { createHash, createPublicKey, type KeyObject, verify } from 'node:crypto';
import { type Approval, decisionSignatureMessage } from '../../schema/index.js';

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

/**
 * Why an approval's answer must not be trusted, or null when it is the pinned server's signed decision for
 * this request and this exact command. A runner with a pinned key runs nothing on an answer that fails this.
 */
export function decisionProblem(
  a: Approval,
  expected: { id: string; command: string },
  key: KeyObject,
): string | null {
  if (a.id !== expected.id) return `the answer is for approval ${a.id}, not ${expected.id}`;
  const digest = commandDigest(expected.command);
  if (a.command_sha256 !== digest) return 'the decision names a different command than the one requested';
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
