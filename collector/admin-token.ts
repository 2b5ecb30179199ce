import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { OwnerOnlyFileError, readOwnerOnlyFile } from './owner-only-file.js';

/** Where the admin token came from: generated now, adopted from the data dir, or the environment. */
export type AdminTokenOrigin = 'generated' | 'file' | 'env';

export { OwnerOnlyFileError as AdminTokenFileError };

/**
 * The admin token: WARD_ADMIN_TOKEN when given, else generated at first start and kept in the data dir
 * (mode 0600, like an SSH key; the database only ever sees its hash). An existing file is adopted only when
 * it is a regular file owned by this user and unreadable by anyone else (owner-only-file.ts).
 */
export function loadAdminToken(
  dataDir: string,
  override: string | undefined,
): { token: string; source: string; origin: AdminTokenOrigin } {
  if (override) return { token: override, source: 'WARD_ADMIN_TOKEN', origin: 'env' };
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const file = join(dataDir, 'admin-token');
  const token = `ward_admin_${randomBytes(24).toString('base64url')}`;
  try {
    writeFileSync(file, `${token}\n`, { mode: 0o600, flag: 'wx' });
    return { token, source: file, origin: 'generated' };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  const adopted = readOwnerOnlyFile(file, 'the admin token').trim();
  if (adopted.length < 16)
    throw new OwnerOnlyFileError(
      `${file} holds no usable token (under 16 characters): remove it (rm ${file}) or set WARD_ADMIN_TOKEN`,
    );
  return { token: adopted, source: file, origin: 'file' };
}
