import {
  chmodSync,
  chownSync,
  mkdtempSync,
  readFileSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AdminTokenFileError, loadAdminToken } from './admin-token.js';

const dir = () => mkdtempSync(join(tmpdir(), 'ward-admin-token-'));
const PLANTED = 'ward_admin_planted-by-someone-else-0123456789';

describe('admin token', () => {
  it('generates a 0600 file once, then adopts it; the environment wins and is never written', () => {
    const d = dir();
    const first = loadAdminToken(d, undefined);
    expect(first.origin).toBe('generated');
    expect(statSync(join(d, 'admin-token')).mode & 0o777).toBe(0o600);
    const again = loadAdminToken(d, undefined);
    expect(again).toMatchObject({ origin: 'file', token: first.token });
    expect(loadAdminToken(d, 'from-the-environment-0123')).toMatchObject({
      origin: 'env',
      source: 'WARD_ADMIN_TOKEN',
    });
  });

  it('refuses a planted file readable or writable by others, saying how to fix it', () => {
    const d = dir();
    writeFileSync(join(d, 'admin-token'), `${PLANTED}\n`, { mode: 0o644 });
    chmodSync(join(d, 'admin-token'), 0o644);
    expect(() => loadAdminToken(d, undefined)).toThrow(AdminTokenFileError);
    expect(() => loadAdminToken(d, undefined)).toThrow(/mode 644.*chmod 600/);
  });

  it('refuses a symlink put in place of the file (it is not followed)', () => {
    const d = dir();
    const target = join(dir(), 'elsewhere');
    writeFileSync(target, `${PLANTED}\n`, { mode: 0o600 });
    symlinkSync(target, join(d, 'admin-token'));
    expect(() => loadAdminToken(d, undefined)).toThrow(AdminTokenFileError);
    expect(readFileSync(target, 'utf8').trim()).toBe(PLANTED);
  });

  describe.runIf(process.getuid?.() === 0)('as root (needs chown to another uid)', () => {
    it('refuses a 0600 file owned by another user', () => {
      const d = dir();
      const file = join(d, 'admin-token');
      writeFileSync(file, `${PLANTED}\n`, { mode: 0o600 });
      chownSync(file, 65534, 65534);
      expect(() => loadAdminToken(d, undefined)).toThrow(/owned by uid 65534/);
    });
  });
});
