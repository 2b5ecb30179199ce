import { readFileSync } from 'node:fs';

const MAX_SOCKETS = 4096;

/**
 * Paths of the unix sockets bound on this host (its network namespace), from /proc/net/unix. A read-only
 * mount does not stop connect(2) on a socket file, and a new network namespace only separates abstract
 * sockets: a daemon listening at, say, /var/lib/mysql/mysql.sock would answer a sandboxed command unless
 * the socket is hidden. Sockets bound after the runner started are not in this list.
 */
export function hostUnixSockets(procNetUnix = '/proc/net/unix'): string[] {
  let text: string;
  try {
    text = readFileSync(procNetUnix, 'utf8');
  } catch {
    return [];
  }
  const out = new Set<string>();
  for (const line of text.split('\n').slice(1)) {
    // Num RefCount Protocol Flags Type St Inode Path: the path is the rest of the line (it may hold spaces).
    const m = /^\S+\s+\S+\s+\S+\s+\S+\s+\S+\s+\S+\s+\S+\s+(\/.*)$/.exec(line);
    if (m?.[1]) out.add(m[1]);
    if (out.size >= MAX_SOCKETS) break;
  }
  return [...out];
}
