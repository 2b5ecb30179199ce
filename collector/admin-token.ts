import { randomBytes } from 'node:crypto';
import { closeSync, constants, fstatSync, mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Where the admin token came from: generated now, adopted from the data dir, or the environment. */
export type AdminTokenOrigin = 'generated' | 'file' | 'env';

/** Why an existing admin-token file is not trusted, with the fix; thrown before the server starts. */
export class AdminTokenFileError extends Error {}

/**
 * The admin token: WARD_ADMIN_TOKEN when given, else generated at first start and kept in the data dir
 * (mode 0600, like an SSH key; the database only ever sees its hash). An existing file is adopted only when
 * it is a regular file (not a symlink) owned by this user and unreadable by anyone else: a file another
 * user (or a process that could only plant files) left there must not become the admin credential.
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
  return { token: readTrusted(file), source: file, origin: 'file' };
}

function readTrusted(file: string): string {
  let fd: number;
  try {
    // O_NOFOLLOW: a symlink planted in place of the file is refused, not followed.
    fd = openSync(file, constants.O_RDONLY | constants.O_NOFOLLOW);
  } catch (err) {
    throw new AdminTokenFileError(`cannot read ${file}: ${(err as Error).message}`);
  }
  try {
    const st = fstatSync(fd);
    const uid = process.getuid?.();
    const fix = `remove it to have a new one generated (rm ${file}), or set WARD_ADMIN_TOKEN`;
    if (!st.isFile()) throw new AdminTokenFileError(`${file} is not a regular file: ${fix}`);
    if (uid !== undefined && st.uid !== uid)
      throw new AdminTokenFileError(
        `${file} is owned by uid ${st.uid}, not by this user (uid ${uid}): refusing to adopt it as the admin token; ${fix}`,
      );
    if ((st.mode & 0o077) !== 0)
      throw new AdminTokenFileError(
        `${file} has mode ${(st.mode & 0o777).toString(8)}, readable or writable by others: refusing to adopt it ` +
          `as the admin token; if you wrote it yourself, chmod 600 ${file}; else ${fix}`,
      );
    const token = readFileSync(fd, 'utf8').trim();
    if (token.length < 16)
      throw new AdminTokenFileError(`${file} holds no usable token (under 16 characters): ${fix}`);
    return token;
  } finally {
    closeSync(fd);
  }
}
