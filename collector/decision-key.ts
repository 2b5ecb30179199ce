import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject, sign } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  decisionSignatureMessage,
  grantSignatureMessage,
  type SignedDecisionFields,
  type SignedGrantFields,
} from '../schema/index.js';
import { OwnerOnlyFileError, readOwnerOnlyFile } from './owner-only-file.js';

/** The server's Ed25519 decision key: signs decided approvals; runners pin its public half. */
export interface DecisionKey {
  /** SPKI PEM of the public key (also written to <data>/decision-key.pub.pem for runners to pin). */
  publicKeyPem: string;
  /** Base64 signature of a decided approval's fields. */
  sign(a: SignedDecisionFields): string;
  /** Base64 signature of a grant's fields. */
  signGrant(g: SignedGrantFields): string;
}

/**
 * Loads the decision key from the data dir, generating it at first start (mode 0600; an existing file is
 * adopted only when it is ours and private). The public key is written beside it for operators to hand to
 * runners (`WARD_DECISION_KEY`).
 */
export function loadDecisionKey(dataDir: string): DecisionKey {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const file = join(dataDir, 'decision-key.pem');
  let privateKey: KeyObject;
  try {
    const pair = generateKeyPairSync('ed25519');
    writeFileSync(file, pair.privateKey.export({ type: 'pkcs8', format: 'pem' }), {
      mode: 0o600,
      flag: 'wx',
    });
    privateKey = pair.privateKey;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    privateKey = createPrivateKey(readOwnerOnlyFile(file, 'the decision signing key'));
    if (privateKey.asymmetricKeyType !== 'ed25519')
      throw new OwnerOnlyFileError(
        `${file} is not an Ed25519 key: remove it (rm ${file}) to have one generated`,
      );
  }
  const publicKeyPem = createPublicKey(privateKey).export({ type: 'spki', format: 'pem' }).toString();
  writeFileSync(join(dataDir, 'decision-key.pub.pem'), publicKeyPem, { mode: 0o644 });
  return {
    publicKeyPem,
    sign: (a) => sign(null, Buffer.from(decisionSignatureMessage(a), 'utf8'), privateKey).toString('base64'),
    signGrant: (g) =>
      sign(null, Buffer.from(grantSignatureMessage(g), 'utf8'), privateKey).toString('base64'),
  };
}
