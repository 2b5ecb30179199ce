import { existsSync, mkdirSync, readdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CgroupPlan } from './cgroup-detect.js';

/** One control group (v1: one per hierarchy) bounding everything one sandbox run starts; removed after it. */
export interface SandboxCgroup {
  /** argv prefix: a launcher that joins the groups, then execs the rest (every child is born inside). */
  wrap(argv: string[]): string[];
  /**
   * bwrap options showing the sandbox its own group(s) read-only at /sys/fs/cgroup instead of the host's tree:
   * runtimes that size themselves by the cgroup limit read the real one, and the host's groups stay unseen.
   */
  bwrapArgs: string[];
  /** After the run: what the group saw, then leftovers killed and the group removed. */
  release(): Promise<CgroupUsage>;
}

export interface CgroupUsage {
  /** Processes the kernel's OOM killer ended because the sandbox reached its memory limit. */
  oomKills: number;
  peakBytes?: number;
  /** false: a process would not die in time; the empty group is removed by a later runner (sweep). */
  removed: boolean;
}

/** The launcher's stderr prefix when it cannot join (nothing ran; the runner makes it a setup error). */
export const JOIN_FAILED = 'ward-cgroup:';

/**
 * Writes its own pid into each cgroup.procs given before `--`, then execs the command: bwrap and all it starts
 * are inside from their first instruction. A group it cannot join stops it (fail closed: no unbounded run).
 */
const LAUNCHER = [
  '/bin/sh',
  '-c',
  `while [ "$1" != -- ]; do { echo $$ > "$1"; } 2>/dev/null || { echo "${JOIN_FAILED} cannot join $1" >&2; exit 125; }; shift; done; shift; exec "$@"`,
  'ward-cgroup',
];

const MIB = 1024 * 1024;
const CGROUP_FS = '/sys/fs/cgroup';
let counter = 0;

/** Makes a run's group(s) with the limits; throws when the kernel refuses (the caller falls back to rlimits). */
export function createSandboxCgroup(
  plan: CgroupPlan,
  limits: { memoryMb: number; processes: number },
): SandboxCgroup {
  for (const base of new Set([plan.memory, plan.pids])) if (base) sweepStale(base);
  enableControllers(plan);
  const name = `ward-${process.pid}-${++counter}`;
  const memory = plan.memory ? join(plan.memory, name) : undefined;
  const pids = plan.pids ? join(plan.pids, name) : undefined;
  const dirs = [...new Set([memory, pids].filter((d): d is string => !!d))];
  const bytes = String(limits.memoryMb * MIB);
  const made: string[] = [];
  try {
    for (const d of dirs) {
      mkdirSync(d);
      made.push(d);
    }
    if (memory && plan.version === 'v2') {
      writeFileSync(join(memory, 'memory.max'), bytes);
      if (existsSync(join(memory, 'memory.swap.max'))) writeFileSync(join(memory, 'memory.swap.max'), '0');
    } else if (memory) {
      writeFileSync(join(memory, 'memory.limit_in_bytes'), bytes);
      // memsw is memory + swap: the same figure allows no swap (it must be written after the memory limit).
      if (plan.swap) writeFileSync(join(memory, 'memory.memsw.limit_in_bytes'), bytes);
    }
    if (pids) writeFileSync(join(pids, 'pids.max'), String(limits.processes));
  } catch (err) {
    for (const d of made) tryRmdir(d);
    throw err;
  }
  const view =
    plan.version === 'v2'
      ? ['--ro-bind', dirs[0]!, CGROUP_FS]
      : [
          '--perms',
          '0555',
          '--tmpfs',
          CGROUP_FS,
          ...(memory ? ['--ro-bind', memory, `${CGROUP_FS}/memory`] : []),
          ...(pids ? ['--ro-bind', pids, `${CGROUP_FS}/pids`] : []),
          '--remount-ro',
          CGROUP_FS,
        ];
  return {
    bwrapArgs: existsSync(CGROUP_FS) ? view : [],
    wrap: (argv) => [...LAUNCHER, ...dirs.map((d) => join(d, 'cgroup.procs')), '--', ...argv],
    async release() {
      const usage = memory ? readUsage(plan.version, memory) : { oomKills: 0 };
      let removed = true;
      for (const d of dirs) removed = (await removeGroup(d, plan.version)) && removed;
      return { ...usage, removed };
    },
  };
}

/** v2: the base's subtree_control must list the controllers before a child can use them (once per plan). */
function enableControllers(plan: CgroupPlan): void {
  if (plan.version !== 'v2' || !plan.memory || plan.enable.length === 0) return;
  for (const c of plan.enable) writeFileSync(join(plan.memory, 'cgroup.subtree_control'), `+${c}`);
  plan.enable = [];
}

function readUsage(version: 'v1' | 'v2', dir: string): { oomKills: number; peakBytes?: number } {
  const read = (f: string) => {
    try {
      return readFileSync(join(dir, f), 'utf8');
    } catch {
      return '';
    }
  };
  // v1 memory.oom_control and v2 memory.events both carry an "oom_kill N" line (kernel 4.13+).
  const oom = /^oom_kill (\d+)$/m.exec(read(version === 'v2' ? 'memory.events' : 'memory.oom_control'));
  const peak = Number.parseInt(read(version === 'v2' ? 'memory.peak' : 'memory.max_usage_in_bytes'), 10);
  return { oomKills: oom ? Number(oom[1]) : 0, ...(Number.isFinite(peak) ? { peakBytes: peak } : {}) };
}

function pidsIn(dir: string): number[] {
  try {
    return readFileSync(join(dir, 'cgroup.procs'), 'utf8').split('\n').filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

function killAll(dir: string, version: 'v1' | 'v2'): void {
  if (version === 'v2' && existsSync(join(dir, 'cgroup.kill'))) {
    try {
      writeFileSync(join(dir, 'cgroup.kill'), '1');
      return;
    } catch {
      // fall through to one signal per process
    }
  }
  for (const pid of pidsIn(dir)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

/** Kills whatever is still in the group and removes it, waiting up to ~2 s for killed processes to exit. */
async function removeGroup(dir: string, version: 'v1' | 'v2'): Promise<boolean> {
  for (let i = 0; i < 100; i++) {
    killAll(dir, version);
    if (tryRmdir(dir)) return true;
    await new Promise((r) => setTimeout(r, 20));
  }
  return false;
}

function tryRmdir(dir: string): boolean {
  try {
    rmdirSync(dir);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ENOENT';
  }
}

/** Removes groups left by Ward processes that are gone (a runner killed before it could clean up). */
function sweepStale(base: string): void {
  let names: string[];
  try {
    names = readdirSync(base);
  } catch {
    return;
  }
  for (const name of names) {
    const pid = /^ward-(\d+)-\d+$/.exec(name)?.[1];
    if (!pid || Number(pid) === process.pid) continue;
    try {
      process.kill(Number(pid), 0);
    } catch (err) {
      // EPERM: alive, someone else's. Only a dead owner's group goes (rmdir refuses one still in use).
      if ((err as NodeJS.ErrnoException).code === 'ESRCH') tryRmdir(join(base, name));
    }
  }
}
