import type { SandboxLayout } from '../layout.js';

/** The fixed bwrap options: namespaces, capabilities, lifetime. Mount order matters, see bwrapArgs. */
export const BWRAP_ISOLATION = [
  '--unshare-user',
  '--unshare-ipc',
  '--unshare-pid',
  '--unshare-net',
  '--unshare-uts',
  '--unshare-cgroup-try',
  '--disable-userns',
  '--die-with-parent',
  '--new-session',
  '--cap-drop',
  'ALL',
  '--hostname',
  'ward-sandbox',
] as const;

/**
 * Home files copied in (HomeMount 'copy') read their bytes from fds firstCopyFd, firstCopyFd+1, … in order
 * (default right after the seccomp fd); see homeCopySources.
 * bwrap's argv up to (not including) the command: read-only root, fresh /dev, /proc and /tmp, the empty
 * home with its allow-list, the writable
 * roots, the directories pinned in place inside them, then the read-only pins, then the hidden paths last so nothing re-exposes them.
 */
export function bwrapArgs(
  layout: SandboxLayout,
  opts: { seccompFd: number; infoFd?: number; firstCopyFd?: number; memoryBytes?: number },
): string[] {
  const ram = tmpfsSizes(layout, opts.memoryBytes ?? DEFAULT_MEMORY_BYTES);
  // /dev is bwrap's own tmpfs, unsized: read-only but for a sized /dev/shm (device nodes work on a read-only fs).
  const a: string[] = [
    '--ro-bind',
    '/',
    '/',
    '--dev',
    '/dev',
    '--size',
    ram.shm,
    '--tmpfs',
    '/dev/shm',
    '--remount-ro',
    '/dev',
    '--proc',
    '/proc',
    '--size',
    ram.tmp,
    '--tmpfs',
    '/tmp',
  ];
  // An empty home with the allow-list bound back in, before the writable roots (a workspace may live in it).
  let copyFd = opts.firstCopyFd ?? opts.seccompFd + 1;
  for (const m of layout.home.mounts) {
    if (m.op === 'tmpfs') a.push('--perms', '0700', '--size', ram.home, '--tmpfs', m.dest);
    else if (m.op === 'bind') a.push(m.writable ? '--bind' : '--ro-bind', m.src, m.dest);
    else a.push('--perms', '0600', '--file', String(copyFd++), m.dest);
  }
  for (const root of layout.writable) a.push('--bind', root, root);
  // A mount point cannot be renamed or removed (EBUSY): .git stays where the pins inside it are.
  for (const p of layout.mountPoints) a.push('--bind', p, p);
  for (const p of layout.readOnly) a.push('--ro-bind', p, p);
  for (const h of layout.hidden) {
    if (h.kind === 'dir') a.push('--perms', '0000', '--tmpfs', h.path, '--remount-ro', h.path);
    else a.push('--ro-bind', '/dev/null', h.path);
  }
  a.push(...BWRAP_ISOLATION, '--seccomp', String(opts.seccompFd));
  if (opts.infoFd !== undefined) a.push('--info-fd', String(opts.infoFd));
  return a;
}

const DEFAULT_MEMORY_BYTES = 4096 * 1024 * 1024;

/**
 * Sizes of the writable tmpfs mounts, which live in the host's RAM and are charged to no rlimit: unsized, each
 * may take half the machine's memory (a command filled /tmp with 6 GB under a 4 GB memory limit, and /tmp,
 * /dev, /dev/shm and each home are one such half each). Together they get the command's memory limit: half
 * for /tmp, an eighth for /dev/shm, the remaining three eighths shared by the home tmpfs mounts.
 */
function tmpfsSizes(layout: SandboxLayout, memoryBytes: number): { tmp: string; shm: string; home: string } {
  const homes = Math.max(1, layout.home.mounts.filter((m) => m.op === 'tmpfs').length);
  const page = 4096;
  const size = (n: number) => String(Math.max(16 * page, Math.floor(n / page) * page));
  return {
    tmp: size(memoryBytes / 2),
    shm: size(memoryBytes / 8),
    home: size((memoryBytes * 3) / 8 / homes),
  };
}

/** The files whose bytes bwrap reads for the home's copies, in fd order. */
export function homeCopySources(layout: SandboxLayout): string[] {
  return layout.home.mounts.flatMap((m) => (m.op === 'copy' ? [m.src] : []));
}
