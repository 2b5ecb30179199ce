import { closeSync, constants, fstatSync, openSync, readFileSync } from 'node:fs';

/** Why a secret file is not trusted, with the fix; thrown before the server starts. */
export class OwnerOnlyFileError extends Error {}

/**
 * Reads a secret file Ward keeps in its data dir only when it is a regular file (a symlink in its place is
 * refused, not followed), owned by this user and unreadable by anyone else: a file another user, or a
 * process that could only plant files, left there must not become one of Ward's keys.
 */
export function readOwnerOnlyFile(file: string, what: string): string {
  let fd: number;
  try {
    fd = openSync(file, constants.O_RDONLY | constants.O_NOFOLLOW);
  } catch (err) {
    throw new OwnerOnlyFileError(`cannot read ${file}: ${(err as Error).message}`);
  }
  try {
    const st = fstatSync(fd);
    const uid = process.getuid?.();
    const fix = `remove it to have a new one generated (rm ${file})`;
    if (!st.isFile()) throw new OwnerOnlyFileError(`${file} is not a regular file: ${fix}`);
    if (uid !== undefined && st.uid !== uid)
      throw new OwnerOnlyFileError(
        `${file} is owned by uid ${st.uid}, not by this user (uid ${uid}): refusing to adopt it as ${what}; ${fix}`,
      );
    if ((st.mode & 0o077) !== 0)
      throw new OwnerOnlyFileError(
        `${file} has mode ${(st.mode & 0o777).toString(8)}, readable or writable by others: refusing to adopt ` +
          `it as ${what}; if you wrote it yourself, chmod 600 ${file}; else ${fix}`,
      );
    return readFileSync(fd, 'utf8');
  } finally {
    closeSync(fd);
  }
}
