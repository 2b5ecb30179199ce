import { randomBytes } from 'node:crypto';
import { closeSync, fstatSync, openSync, readFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';

/** Name of the spool's HMAC key in the data dir. */
export const SPOOL_KEY_FILE = 'spool.key';

/**
 * The key that authenticates spool files this server wrote: 32 random bytes in `<data>/spool.key`, created
 * 0600 on first use and never printed. An existing key is used only when it is this user's and not readable
 * by group or others (a key planted or exposed by someone else would let them forge spool files).
 */
export function loadSpoolKey(dataDir: string): Buffer {
  const path = join(dataDir, SPOOL_KEY_FILE);
  let fd: number;
  try {
    fd = openSync(path, 'wx', 0o600);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    fd = openSync(path, 'r');
    const st = fstatSync(fd);
    try {
      if (typeof process.getuid === 'function' && st.uid !== process.getuid())
        throw new Error(
          `${path} belongs to another user: remove it (spooled batches it signed are then refused)`,
        );
      if ((st.mode & 0o077) !== 0)
        throw new Error(
          `${path} is readable by others (mode ${(st.mode & 0o777).toString(8)}): chmod 600 it`,
        );
      const key = readFileSync(fd);
      if (key.length < 32) throw new Error(`${path} is shorter than 32 bytes: remove it to make a new one`);
      return key;
    } finally {
      closeSync(fd);
    }
  }
  try {
    const key = randomBytes(32);
    writeSync(fd, key);
    return key;
  } finally {
    closeSync(fd);
  }
}
