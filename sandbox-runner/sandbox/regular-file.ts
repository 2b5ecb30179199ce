import { closeSync, constants, fstatSync, openSync, readSync, statSync } from 'node:fs';

/**
 * The bytes of a file a sandboxed command may have made (git's HEAD, index and config, a `.git` file,
 * `.gitmodules`, `.envrc`), read by Ward outside the sandbox: undefined when it is missing, null when it is
 * there but not a regular file of at most `maxBytes` (then it is not read at all). A named pipe opened the
 * ordinary way waits for a writer for ever, and a link to /dev/zero never ends: Ward's own process, outside
 * the sandbox's limits, would hang without reporting the command or read until the host runs out of memory.
 * So: stat first (a device is never opened), open without blocking, check the descriptor is still a regular
 * file (it may have been swapped since), and never read more than `maxBytes`.
 */
export function readRegularFile(path: string, maxBytes: number): Buffer | undefined | null {
  let st: import('node:fs').Stats | undefined;
  try {
    st = statSync(path, { throwIfNoEntry: false });
  } catch {
    return null; // a looping link, a name too long: something is there that is not a file to read
  }
  if (!st) return undefined;
  if (!st.isFile()) return null;
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ENOENT' ? undefined : null;
  }
  try {
    const now = fstatSync(fd);
    if (!now.isFile() || now.size > maxBytes) return null;
    // Read to the end, never past the bound: a file that grew beyond it since the stat is refused, not cut.
    const chunks: Buffer[] = [];
    let length = 0;
    for (;;) {
      const chunk = Buffer.allocUnsafe(
        Math.min(Math.max(now.size - length, 0) + 1, maxBytes + 1 - length, CHUNK),
      );
      const n = readSync(fd, chunk, 0, chunk.length, null);
      if (n === 0) break;
      chunks.push(chunk.subarray(0, n));
      length += n;
      if (length > maxBytes) return null;
    }
    return Buffer.concat(chunks, length);
  } catch {
    return null;
  } finally {
    closeSync(fd);
  }
}

/** A small text file as readRegularFile reads it (undefined: missing, null: not a regular file that size). */
export function readRegularText(path: string, maxBytes = TEXT_MAX_BYTES): string | undefined | null {
  const buf = readRegularFile(path, maxBytes);
  return buf ? buf.toString('utf8') : buf;
}

const CHUNK = 1024 * 1024;

/** Bound for git's and direnv's text files (configs, HEAD, `.git` files): far above any real one. */
export const TEXT_MAX_BYTES = 4 * 1024 * 1024;
