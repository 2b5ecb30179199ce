import {
  accessSync,
  constants,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmdirSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';

const ROOT = '/sys/fs/cgroup';

/** A control group capping processes (and memory on cgroup v2) for one runner's commands; removed on close. */
export interface CommandCgroup {
  version: 'v1' | 'v2';
  dir: string;
  /** argv prefix that moves itself into the group, then execs the rest (so every child starts inside). */
  wrap(argv: string[]): string[];
  remove(): void;
}

function ownPath(controller: string | null): string | undefined {
  for (const line of readFileSync('/proc/self/cgroup', 'utf8').split('\n')) {
    const [, controllers, path] = line.split(':');
    if (controller === null ? controllers === '' : controllers?.split(',').includes(controller)) return path;
  }
  return undefined;
}

function writable(dir: string): boolean {
  try {
    accessSync(dir, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * Where this process may create child groups with a pids limit: nested under its own cgroup, cgroup v2 when
 * its pids controller is delegated, else the v1 pids hierarchy. Undefined when neither is usable.
 */
export function detectCgroupBase(): { version: 'v1' | 'v2'; base: string; memory: boolean } | undefined {
  try {
    if (existsSync(join(ROOT, 'cgroup.controllers'))) {
      const base = join(ROOT, ownPath(null) ?? '/');
      const sub = readFileSync(join(base, 'cgroup.subtree_control'), 'utf8');
      if (sub.split(/\s+/).includes('pids') && writable(base)) {
        return { version: 'v2', base, memory: sub.split(/\s+/).includes('memory') };
      }
      return undefined;
    }
    const base = join(ROOT, 'pids', ownPath('pids') ?? '/');
    if (existsSync(join(base, 'cgroup.procs')) && writable(base))
      return { version: 'v1', base, memory: false };
  } catch {
    // unreadable cgroup files mean no cgroup limits; rlimits still apply
  }
  return undefined;
}

let counter = 0;

/** Creates a group for a runner; pass the detected base. */
export function createCommandCgroup(
  found: { version: 'v1' | 'v2'; base: string; memory: boolean },
  limits: { processes: number; memoryMb: number },
): CommandCgroup {
  sweepStale(found.base);
  const dir = join(found.base, `ward-${process.pid}-${++counter}`);
  mkdirSync(dir);
  writeFileSync(join(dir, 'pids.max'), String(limits.processes));
  if (found.version === 'v2' && found.memory) {
    writeFileSync(join(dir, 'memory.max'), String(limits.memoryMb * 1024 * 1024));
    writeFileSync(join(dir, 'memory.swap.max'), '0');
  }
  const procs = join(dir, 'cgroup.procs');
  return {
    version: found.version,
    dir,
    wrap: (argv) => ['/bin/sh', '-c', 'echo $$ > "$1" && shift && exec "$@"', 'ward-cgroup', procs, ...argv],
    remove: () => {
      try {
        rmdirSync(dir);
      } catch {
        // still has exiting processes; an empty leftover group holds no resources
      }
    },
  };
}

/** Removes groups left by Ward processes that are gone (a runner that was never closed). */
function sweepStale(base: string): void {
  for (const name of readdirSync(base)) {
    const pid = /^ward-(\d+)-\d+$/.exec(name)?.[1];
    if (!pid || Number(pid) === process.pid) continue;
    try {
      process.kill(Number(pid), 0);
    } catch {
      try {
        rmdirSync(join(base, name));
      } catch {
        // still in use or already gone
      }
    }
  }
}
