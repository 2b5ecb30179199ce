import { chmodSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  loadOrCreateSigner,
  publicKeyFromPem,
  publicKeyToPem,
  SIGNING_KEY_FILE,
  TRUSTED_KEYS_DIR,
  trustedPublicKeys,
  verifySignature,
} from './audit-key.js';

describe('audit signing key', () => {
  it('is generated once, owner-only, and signs what verifySignature accepts', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ward-key-'));
    const a = loadOrCreateSigner(dir);
    const path = join(dir, SIGNING_KEY_FILE);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    chmodSync(path, 0o644); // loosened by someone: narrowed again on load, same key
    const b = loadOrCreateSigner(dir);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(b.keyId).toBe(a.keyId);
    const sig = a.sign('hello');
    expect(verifySignature(b.publicKey, 'hello', sig)).toBe(true);
    expect(verifySignature(b.publicKey, 'hellO', sig)).toBe(false);
    expect(verifySignature('bm90IGEga2V5', 'hello', sig)).toBe(false);
    expect(publicKeyFromPem(publicKeyToPem(a.publicKey))).toBe(a.publicKey);
    // The signer's own fields never carry the private key.
    expect(JSON.stringify(a)).not.toContain('PRIVATE');
    expect(a.publicKeyPem).toContain('BEGIN PUBLIC KEY');
  });

  it('trusts the data dir key plus PEM files in audit-keys/, ignoring junk', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ward-key-'));
    const own = loadOrCreateSigner(dir);
    const other = loadOrCreateSigner(mkdtempSync(join(tmpdir(), 'ward-key-')));
    const keys = join(dir, TRUSTED_KEYS_DIR);
    mkdirSync(keys);
    writeFileSync(join(keys, 'other.pem'), other.publicKeyPem);
    writeFileSync(join(keys, 'junk.pem'), 'not a key');
    expect(trustedPublicKeys(dir).sort()).toEqual([own.publicKey, other.publicKey].sort());
  });

  it('refuses a key file that is not an Ed25519 private key instead of replacing it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ward-key-'));
    writeFileSync(join(dir, SIGNING_KEY_FILE), 'garbage', { mode: 0o600 });
    expect(() => loadOrCreateSigner(dir)).toThrow(/not an Ed25519 private key/);
    expect(readFileSync(join(dir, SIGNING_KEY_FILE), 'utf8')).toBe('garbage');
  });
});
