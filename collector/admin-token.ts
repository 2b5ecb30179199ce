import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The admin token: WARD_ADMIN_TOKEN when given, else generated at first start and kept in the data dir
 * (mode 0600, like an SSH key; the database only ever sees its hash).
 */
export function loadAdminToken(
  dataDir: string,
  override: string | undefined,
): { token: string; source: string } {
  if (override) return { token: override, source: 'WARD_ADMIN_TOKEN' };
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const file = join(dataDir, 'admin-token');
  if (existsSync(file)) return { token: readFileSync(file, 'utf8').trim(), source: file };
  const token = `ward_admin_${randomBytes(24).toString('base64url')}`;
  writeFileSync(file, `${token}\n`, { mode: 0o600, flag: 'wx' });
  return { token, source: file };
}
