import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
  sign,
  verify,
} from 'node:crypto';
import { chmodSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** File holding Ward's Ed25519 private key (PKCS#8 PEM, mode 0600) inside the data dir. */
export const SIGNING_KEY_FILE = 'audit-signing-key.pem';
/** Directory of extra trusted public keys (PEM), e.g. the keys of other `ward serve` hosts. */
export const TRUSTED_KEYS_DIR = 'audit-keys';

/** Signs with the data dir's key. The private key never leaves this object and is never printed. */
export interface Signer {
  /** Raw 32-byte public key, base64. */
  publicKey: string;
  /** First 16 hex of SHA-256 over the raw public key. */
  keyId: string;
  /** The public key as SPKI PEM (what `ward audit pubkey` prints). */
  publicKeyPem: string;
  sign(data: string | Uint8Array): string;
}

function rawPublicKey(key: KeyObject): Buffer {
  const jwk = key.export({ format: 'jwk' });
  if (jwk.crv !== 'Ed25519' || typeof jwk.x !== 'string') throw new Error('not an Ed25519 key');
  return Buffer.from(jwk.x, 'base64url');
}

/** Key id of a raw base64 public key. */
export function keyIdOf(publicKeyB64: string): string {
  return createHash('sha256').update(Buffer.from(publicKeyB64, 'base64')).digest('hex').slice(0, 16);
}

function signerFor(priv: KeyObject): Signer {
  const pub = createPublicKey(priv);
  const raw = rawPublicKey(pub).toString('base64');
  return {
    publicKey: raw,
    keyId: keyIdOf(raw),
    publicKeyPem: pub.export({ format: 'pem', type: 'spki' }).toString(),
    sign: (data) =>
      sign(null, typeof data === 'string' ? Buffer.from(data, 'utf8') : data, priv).toString('base64'),
  };
}

/**
 * The data dir's signing key, generated on first use (exclusive create, mode 0600, so two processes starting
 * together end up with the same key). A key file readable by others is narrowed to 0600.
 */
export function loadOrCreateSigner(dataDir: string): Signer {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const path = join(dataDir, SIGNING_KEY_FILE);
  try {
    const { privateKey } = generateKeyPairSync('ed25519');
    writeFileSync(path, privateKey.export({ format: 'pem', type: 'pkcs8' }), { mode: 0o600, flag: 'wx' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  if ((statSync(path).mode & 0o077) !== 0) chmodSync(path, 0o600);
  let key: KeyObject;
  try {
    key = createPrivateKey(readFileSync(path));
    if (key.asymmetricKeyType !== 'ed25519') throw new Error(`a ${key.asymmetricKeyType} key`);
  } catch (err) {
    // Never replaced silently: checkpoints and reports signed so far name this key.
    throw new Error(
      `${path} is not an Ed25519 private key (${(err as Error).message}); restore it from a backup`,
    );
  }
  return signerFor(key);
}

/** The public half of the data dir's key, without creating one (`ward report verify`, `ward audit verify`). */
export function readPublicKey(dataDir: string): string | undefined {
  try {
    return rawPublicKey(createPublicKey(readFileSync(join(dataDir, SIGNING_KEY_FILE)))).toString('base64');
  } catch {
    return undefined;
  }
}

/** Raw base64 Ed25519 public key from SPKI PEM text (a trusted-key file, `--pubkey FILE`). */
export function publicKeyFromPem(pem: string): string {
  return rawPublicKey(createPublicKey(pem)).toString('base64');
}

/** Keys whose signatures verify trusts: the data dir's own key plus every PEM in DATA/audit-keys/. */
export function trustedPublicKeys(dataDir: string): string[] {
  const keys = new Set<string>();
  const own = readPublicKey(dataDir);
  if (own) keys.add(own);
  const dir = resolve(dataDir, TRUSTED_KEYS_DIR);
  let names: string[] = [];
  try {
    names = readdirSync(dir);
  } catch {
    // no extra keys
  }
  for (const name of names.sort()) {
    try {
      keys.add(publicKeyFromPem(readFileSync(join(dir, name), 'utf8')));
    } catch {
      // not a public key file: ignored
    }
  }
  return [...keys];
}

/** Checks an Ed25519 signature made by the raw base64 public key. False on any malformed input. */
export function verifySignature(
  publicKeyB64: string,
  data: string | Uint8Array,
  signatureB64: string,
): boolean {
  try {
    const raw = Buffer.from(publicKeyB64, 'base64');
    if (raw.length !== 32) return false;
    const key = createPublicKey({
      key: { kty: 'OKP', crv: 'Ed25519', x: raw.toString('base64url') },
      format: 'jwk',
    });
    const body = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    return verify(null, body, key, Buffer.from(signatureB64, 'base64'));
  } catch {
    return false;
  }
}

/** SPKI PEM text of a raw base64 Ed25519 public key (what `ward audit pubkey` prints). */
export function publicKeyToPem(publicKeyB64: string): string {
  const key = createPublicKey({
    key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(publicKeyB64, 'base64').toString('base64url') },
    format: 'jwk',
  });
  return key.export({ format: 'pem', type: 'spki' }).toString();
}
