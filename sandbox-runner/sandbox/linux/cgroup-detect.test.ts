import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createSandboxCgroup, JOIN_FAILED } from './cgroup.js';
import { describeLimits, detectCgroupPlan } from './cgroup-detect.js';

// Detection over fake cgroup trees: v2 cannot be exercised for real on a v1/hybrid machine (nor the reverse).
let root: string;
afterEach(() => rmSync(root, { recursive: true, force: true }));

function group(dir: string, files: Record<string, string>): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'cgroup.procs'), '');
  for (const [f, v] of Object.entries(files)) writeFileSync(join(dir, f), v);
}

function v2Tree(parentSubtree: string, ownSubtree = '') {
  root = mkdtempSync('/tmp/ward-cgfake-');
  group(root, { 'cgroup.controllers': 'cpu memory pids', 'cgroup.subtree_control': 'memory pids' });
  const app = join(root, 'user.slice/user@1000.service/app.slice');
  group(app, { 'cgroup.controllers': 'memory pids', 'cgroup.subtree_control': parentSubtree });
  group(join(app, 'ward.scope'), {
    'cgroup.controllers': parentSubtree,
    'cgroup.subtree_control': ownSubtree,
    'memory.swap.max': 'max',
  });
  return {
    app,
    sources: (path = '/user.slice/user@1000.service/app.slice/ward.scope') => ({
      procCgroup: `0::${path}\n`,
      mountinfo: `30 25 0:26 / ${root} rw,nosuid - cgroup2 cgroup2 rw,nsdelegate\n`,
    }),
  };
}

describe('cgroup detection', () => {
  it('v2: the parent of a group with processes (systemd user slice), controllers already enabled', () => {
    const t = v2Tree('memory pids');
    expect(detectCgroupPlan(t.sources())).toEqual({
      version: 'v2',
      memory: t.app,
      pids: t.app,
      enable: [],
      swap: true,
    });
  });

  it('v2: the parent whose subtree_control still lacks memory: enabled on first use', () => {
    const t = v2Tree('');
    const plan = detectCgroupPlan(t.sources());
    expect(plan).toMatchObject({ version: 'v2', memory: t.app, enable: ['memory', 'pids'] });
    const cg = createSandboxCgroup(plan!, { memoryMb: 256, processes: 64 });
    const made = cg.wrap(['/bin/true']).find((a) => a.startsWith(t.app) && a.endsWith('cgroup.procs'))!;
    const dir = made.slice(0, -'/cgroup.procs'.length);
    expect(readFileSync(join(dir, 'memory.max'), 'utf8')).toBe(String(256 * 1024 * 1024));
    expect(readFileSync(join(dir, 'pids.max'), 'utf8')).toBe('64');
    expect(plan!.enable).toEqual([]);
    expect(cg.bwrapArgs).toEqual(['--ro-bind', dir, '/sys/fs/cgroup']);
  });

  it('v2: the root cgroup itself (root on the host)', () => {
    const t = v2Tree('memory pids');
    expect(detectCgroupPlan(t.sources('/'))).toMatchObject({ version: 'v2', memory: root });
  });

  it('v2 without the memory controller anywhere Ward may write: none, and the user is told', () => {
    root = mkdtempSync('/tmp/ward-cgfake-');
    group(root, { 'cgroup.controllers': 'cpu pids', 'cgroup.subtree_control': 'pids' });
    group(join(root, 'a/b'), { 'cgroup.controllers': 'pids', 'cgroup.subtree_control': '' });
    const plan = detectCgroupPlan({
      procCgroup: '0::/a/b\n',
      mountinfo: `30 25 0:26 / ${root} rw - cgroup2 cgroup2 rw\n`,
    });
    expect(plan).toBeUndefined();
    expect(describeLimits(plan)).toMatch(/^rlimits \(memory per process only: no memory cgroup/);
  });

  it('v1: nested under its own memory and pids groups (a mount showing a subtree)', () => {
    root = mkdtempSync('/tmp/ward-cgfake-');
    group(join(root, 'memory/x'), { 'memory.memsw.limit_in_bytes': '' });
    group(join(root, 'pids'), {});
    const plan = detectCgroupPlan({
      procCgroup: '4:memory:/process_api/x\n8:pids:/\n0::/\n',
      mountinfo: [
        `35 31 0:32 /process_api ${root}/memory rw - cgroup cgroup rw,memory`,
        `39 31 0:36 / ${root}/pids rw - cgroup cgroup rw,pids`,
      ].join('\n'),
    });
    expect(plan).toEqual({
      version: 'v1',
      memory: join(root, 'memory/x'),
      pids: join(root, 'pids'),
      enable: [],
      swap: true,
    });
    expect(describeLimits(plan)).toBe('cgroup-v1(memory+swap,pids)+rlimits');
  });

  it('the launcher refuses to run the command when it cannot join the group (fail closed)', () => {
    root = mkdtempSync('/tmp/ward-cgfake-');
    group(join(root, 'memory'), {});
    const cg = createSandboxCgroup(
      { version: 'v1', memory: join(root, 'memory'), enable: [], swap: false },
      { memoryMb: 64, processes: 8 },
    );
    const argv = cg.wrap(['/bin/echo', 'ran']);
    const procs = argv.find((a) => a.endsWith('cgroup.procs'))!;
    // A cgroup.procs that takes no pid (here a directory where the file should be).
    rmSync(procs, { force: true });
    mkdirSync(procs);
    const r = spawnSync(argv[0]!, argv.slice(1), { encoding: 'utf8' });
    expect(r.status).toBe(125);
    expect(r.stdout).toBe('');
    expect(r.stderr.startsWith(JOIN_FAILED)).toBe(true);
  });
});
