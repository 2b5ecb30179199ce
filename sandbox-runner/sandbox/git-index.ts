import { readRegularFile } from './regular-file.js';

const GITLINK = 0o160000;
const MAX_INDEX_BYTES = 256 * 1024 * 1024;

/**
 * Paths of the gitlinks (submodules, mode 160000) in a git index file, versions 2 to 4. The user's
 * `git status` recurses into each one that has a `.git`, running git there with that repository's config:
 * a sandboxed command that adds a gitlink and a repository of its own would have code run outside.
 * Returns [] for an unreadable or malformed index (the check is best effort; nothing here runs git).
 */
export function indexGitlinks(indexPath: string, hashBytes = 20): string[] {
  // Never a pipe or a device the sandbox put in its place (see regular-file.ts).
  const buf = readRegularFile(indexPath, MAX_INDEX_BYTES);
  if (!buf || buf.length < 12 || buf.toString('latin1', 0, 4) !== 'DIRC') return [];
  const version = buf.readUInt32BE(4);
  const count = buf.readUInt32BE(8);
  if (version < 2 || version > 4) return [];
  const out: string[] = [];
  let at = 12;
  let previous = '';
  const fixed = 40 + hashBytes + 2;
  for (let i = 0; i < count; i++) {
    const start = at;
    if (start + fixed > buf.length) return out;
    const mode = buf.readUInt32BE(start + 24);
    const flags = buf.readUInt16BE(start + 40 + hashBytes);
    at = start + fixed + (version >= 3 && flags & 0x4000 ? 2 : 0);
    let path: string;
    if (version === 4) {
      // Prefix compression: strip N bytes from the previous path, then a NUL-terminated suffix.
      let c = buf[at++] ?? 0;
      let strip = c & 127;
      while (c & 128) {
        c = buf[at++] ?? 0;
        strip = ((strip + 1) << 7) + (c & 127);
      }
      const end = buf.indexOf(0, at);
      if (end < 0 || strip > previous.length) return out;
      path = previous.slice(0, previous.length - strip) + buf.toString('utf8', at, end);
      at = end + 1;
    } else {
      const end = buf.indexOf(0, at);
      if (end < 0) return out;
      path = buf.toString('utf8', at, end);
      // Entries are NUL-padded to a multiple of 8 bytes (at least one NUL).
      at = start + ((end - start + 8) & ~7);
    }
    previous = path;
    if ((mode & 0o170000) === GITLINK) out.push(path);
  }
  return out;
}
