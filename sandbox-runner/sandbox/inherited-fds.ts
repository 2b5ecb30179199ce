import { closeSync, readdirSync, readFileSync } from 'node:fs';

const O_CLOEXEC = 0o2000000;

/**
 * Closes the descriptors this process inherited open across exec (fd 3 and up, except `keep`), so the
 * sandbox does not get them: bubblewrap passes every open descriptor on, and one a terminal, an editor or a
 * job runner left open (a pipe, a file outside the workspace, a directory to `openat` from) would reach past
 * every mount. Node opens its own with close-on-exec, so only inherited ones go. Linux only (reads
 * /proc/self/fdinfo); returns the descriptors closed. For a process that runs one command and exits (`ward
 * exec`, `ward run`): nothing else in it may still need them.
 */
export function closeInheritedFds(keep: readonly number[] = []): number[] {
  let names: string[];
  try {
    names = readdirSync('/proc/self/fdinfo');
  } catch {
    return [];
  }
  const closed: number[] = [];
  for (const name of names) {
    const fd = Number(name);
    if (!Number.isInteger(fd) || fd < 3 || keep.includes(fd)) continue;
    let flags: number;
    try {
      flags = Number.parseInt(
        /^flags:\s*([0-7]+)/m.exec(readFileSync(`/proc/self/fdinfo/${fd}`, 'utf8'))?.[1] ?? '',
        8,
      );
    } catch {
      continue; // the directory listing's own descriptor, gone by now
    }
    if (Number.isNaN(flags) || flags & O_CLOEXEC) continue;
    try {
      closeSync(fd);
      closed.push(fd);
    } catch {
      // already closed
    }
  }
  return closed;
}
