import { accessSync, constants, existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/**
 * Where Ward may create one control group per sandbox run. v2: one directory holds both controllers; v1: the
 * memory and pids hierarchies are separate trees. `memory` unset means memory is bounded per process only.
 */
export interface CgroupPlan {
  version: 'v1' | 'v2';
  /** Directory under which the run's memory group is made (v2: the same as pids). */
  memory?: string;
  /** Directory under which the run's pids group is made. */
  pids?: string;
  /** v2: controllers to enable in the base's cgroup.subtree_control before the first group (`+memory`). */
  enable: string[];
  /** Whether swap can be capped too (v1 memory.memsw.*, v2 memory.swap.max). */
  swap: boolean;
}

/** What detection reads: /proc/self/cgroup and /proc/self/mountinfo (injected by tests). */
export interface CgroupSources {
  procCgroup: string;
  mountinfo: string;
}

function readSources(): CgroupSources {
  return {
    procCgroup: readFileSync('/proc/self/cgroup', 'utf8'),
    mountinfo: readFileSync('/proc/self/mountinfo', 'utf8'),
  };
}

function writable(path: string): boolean {
  try {
    accessSync(path, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

function words(path: string): string[] {
  try {
    return readFileSync(path, 'utf8').split(/\s+/).filter(Boolean);
  } catch {
    return [];
  }
}

/** This process's cgroup path for a v1 controller, or (controller null) on the v2 hierarchy. */
function ownPath(src: CgroupSources, controller: string | null): string | undefined {
  for (const line of src.procCgroup.split('\n')) {
    const m = /^\d+:([^:]*):(.*)$/.exec(line);
    if (!m) continue;
    if (controller === null ? m[1] === '' : m[1]!.split(',').includes(controller)) return m[2];
  }
  return undefined;
}

/** Mount point and mounted root of the cgroup fs holding `controller` (null: the cgroup2 fs). */
function mountOf(src: CgroupSources, controller: string | null): { point: string; root: string } | undefined {
  for (const line of src.mountinfo.split('\n')) {
    const [pre, post] = line.split(' - ');
    const f = pre?.split(' ');
    const g = post?.split(' ');
    if (!f || !g || f.length < 5) continue;
    const ok =
      controller === null ? g[0] === 'cgroup2' : g[0] === 'cgroup' && g[2]?.split(',').includes(controller);
    if (ok) return { point: unescapeMount(f[4]!), root: unescapeMount(f[3]!) };
  }
  return undefined;
}

function unescapeMount(s: string): string {
  return s.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(Number.parseInt(o, 8)));
}

/** The directory of this process's own group in a hierarchy (the mount may show a subtree of it). */
function ownDir(src: CgroupSources, controller: string | null): string | undefined {
  const mount = mountOf(src, controller);
  const path = ownPath(src, controller);
  if (!mount || path === undefined) return undefined;
  const rel = mount.root !== '/' && path.startsWith(mount.root) ? path.slice(mount.root.length) : path;
  const dir = resolve(mount.point, `.${rel}`);
  return existsSync(join(dir, 'cgroup.procs')) ? dir : undefined;
}

/**
 * cgroup v2: a group whose children may get a memory limit and that Ward may write. Its own group qualifies
 * only when it may have children with controllers (the root; elsewhere a group with processes cannot); else the
 * parent (a delegated subtree: systemd's user@.service, `systemd-run --user --scope -p Delegate=yes`, root).
 * Moving the launcher from its group into a sibling needs write access to the parent's cgroup.procs.
 */
function detectV2(src: CgroupSources): CgroupPlan | undefined {
  const own = ownDir(src, null);
  const mount = mountOf(src, null);
  if (!own || !mount) return undefined;
  for (const base of [own, dirname(own)]) {
    if (!existsSync(join(base, 'cgroup.procs'))) continue;
    const available = words(join(base, 'cgroup.controllers'));
    const enabled = words(join(base, 'cgroup.subtree_control'));
    // A non-root group holding processes (Ward's own) cannot enable controllers for children: use the parent.
    if (base === own && own !== mount.point && !enabled.includes('memory')) continue;
    if (!available.includes('memory') || !writable(base) || !writable(join(base, 'cgroup.procs'))) continue;
    const wanted = ['memory', ...(available.includes('pids') ? ['pids'] : [])];
    const enable = wanted.filter((c) => !enabled.includes(c));
    if (enable.length > 0 && !writable(join(base, 'cgroup.subtree_control'))) continue;
    return {
      version: 'v2',
      memory: base,
      ...(wanted.includes('pids') ? { pids: base } : {}),
      enable,
      // memory.swap.max exists in a child only with swap accounting; the base's own file says the same.
      swap: existsSync(join(own, 'memory.swap.max')) || existsSync(join(base, 'memory.swap.max')),
    };
  }
  return undefined;
}

/** cgroup v1: a group nested under this process's own, in the memory and the pids hierarchies it may write. */
function detectV1(src: CgroupSources): CgroupPlan | undefined {
  const usable = (c: string) => {
    const dir = ownDir(src, c);
    return dir && writable(dir) ? dir : undefined;
  };
  const memory = usable('memory');
  const pids = usable('pids');
  if (!memory && !pids) return undefined;
  return {
    version: 'v1',
    ...(memory ? { memory } : {}),
    ...(pids ? { pids } : {}),
    enable: [],
    swap: !!memory && existsSync(join(memory, 'memory.memsw.limit_in_bytes')),
  };
}

/**
 * Where this process may bound each sandbox run as a whole: cgroup v2 with the memory controller first, else
 * the v1 memory/pids hierarchies. Undefined when neither is usable (then only the per-process rlimits hold).
 * Reads only; enabling controllers waits for the first group.
 */
export function detectCgroupPlan(src?: CgroupSources): CgroupPlan | undefined {
  try {
    const s = src ?? readSources();
    return detectV2(s) ?? detectV1(s);
  } catch {
    // unreadable /proc files mean no cgroup; the rlimits still apply
    return undefined;
  }
}

/**
 * Said when nothing bounds the number of processes: the kernel does not apply RLIMIT_NPROC to root (uid 0
 * outside the sandbox's user namespace), so without a pids group a fork bomb run by a root Ward (a container, CI)
 * is bounded by nothing of Ward's.
 */
export const PROCESSES_UNBOUNDED = 'processes unbounded: RLIMIT_NPROC does not bind root, and no pids cgroup';

/**
 * Said whenever no memory cgroup bounds the run: RLIMIT_DATA counts a process's private memory only, so shared
 * mappings (mmap MAP_SHARED|MAP_ANONYMOUS, memfd_create, SysV shm) hold any amount (1 GB under a 256 MB limit).
 */
export const SHARED_UNBOUNDED = 'shared memory (MAP_SHARED, memfd) not bounded at all';

/** Whether a `limitsBy` line leaves memory or processes bounded per process only, or not at all. */
export function limitsIncomplete(by: string): boolean {
  return !by.startsWith('cgroup-') || by.includes(PROCESSES_UNBOUNDED);
}

/**
 * One line for `ward doctor`, the span (ward.limits_by) and `ward run`'s note: what bounds the sandbox.
 * `uid`: this process's (root is not bound by RLIMIT_NPROC).
 */
export function describeLimits(plan: CgroupPlan | undefined, uid = process.getuid?.()): string {
  const unbounded = uid === 0 && !plan?.pids ? `; ${PROCESSES_UNBOUNDED}` : '';
  if (!plan?.memory) {
    const pids = plan?.pids ? `; processes in total by a cgroup-${plan.version} pids group` : '';
    return `rlimits (memory per process only: no memory cgroup Ward may use; ${SHARED_UNBOUNDED}${pids}${unbounded})`;
  }
  const parts = [plan.swap ? 'memory+swap' : 'memory (swap not capped)', ...(plan.pids ? ['pids'] : [])];
  return `cgroup-${plan.version}(${parts.join(',')})+rlimits${unbounded ? ` (${unbounded.slice(2)})` : ''}`;
}
