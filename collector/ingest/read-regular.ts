import { constants } from 'node:fs';
import { open } from 'node:fs/promises';

/** Why a file in the spool or journal is not read: it goes to quarantine unread. */
export class NotRegularFileError extends Error {}

/**
 * Reads a file Ward wrote itself into its data dir (spool batches, journal segments and marks) only when it
 * is a regular file of at most `maxBytes`: a symlink in its place is refused, not followed, and a FIFO or
 * device is refused without blocking, so a planted `0001.wal -> /dev/zero` or a named pipe can neither
 * exhaust memory nor hold the server's start forever.
 */
export async function readRegularFile(file: string, maxBytes: number): Promise<Buffer> {
  let fh: Awaited<ReturnType<typeof open>>;
  try {
    fh = await open(file, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ELOOP')
      throw new NotRegularFileError(`${file} is a symbolic link, not a file this server wrote`);
    throw err;
  }
  try {
    const st = await fh.stat();
    if (!st.isFile()) throw new NotRegularFileError(`${file} is not a regular file`);
    if (st.size > maxBytes)
      throw new NotRegularFileError(
        `${file} holds ${st.size} bytes, more than this server writes (${maxBytes})`,
      );
    const buf = Buffer.alloc(st.size);
    let at = 0;
    while (at < buf.length) {
      const { bytesRead } = await fh.read(buf, at, buf.length - at, at);
      if (bytesRead === 0) break;
      at += bytesRead;
    }
    return buf.subarray(0, at);
  } finally {
    await fh.close();
  }
}
