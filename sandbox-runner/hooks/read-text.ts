import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';

/**
 * Up to `maxBytes` of a regular file as UTF-8, for the gate to judge a script edit in place; undefined for
 * anything else. Opened without blocking and checked after opening: a FIFO or device the agent planted under a
 * script's name never holds the hook, and a huge file is read only as far as asked.
 */
export function readTextFile(path: string, maxBytes: number): string | undefined {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY);
  } catch {
    return undefined;
  }
  try {
    if (!fstatSync(fd).isFile()) return undefined;
    const buf = Buffer.alloc(Math.max(0, Math.min(maxBytes, fstatSync(fd).size)));
    let got = 0;
    while (got < buf.length) {
      const n = readSync(fd, buf, got, buf.length - got, got);
      if (n === 0) break;
      got += n;
    }
    return buf.subarray(0, got).toString('utf8');
  } catch {
    return undefined;
  } finally {
    closeSync(fd);
  }
}
