import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultSandboxPolicy, withOverrides } from '../gate/fast.js';
import { runSandboxCommand } from '../sandbox-runner/command/run-sandbox-command.js';
import { createRunner, type RunResult } from '../sandbox-runner/runner.js';
import {
  detectCgroupPlan,
  PROCESSES_UNBOUNDED,
  SHARED_UNBOUNDED,
} from '../sandbox-runner/sandbox/linux/cgroup-detect.js';
import { bwrapWorks } from '../sandbox-runner/sandbox/test-support.js';

// Attacks on the per-run cgroup (and on the rlimits left when there is none), after review 4.
// Found: the fallback's process limit is RLIMIT_NPROC, which the kernel never applies to root (uid 0 outside
// the sandbox's user namespace): a Ward running as root (a container, CI) without a pids group let a sandboxed
// command start any number of processes, while the run, `ward exec` and doctor said nothing about processes.
// Also: RLIMIT_DATA counts private memory only, so without a memory group a shared mapping held 1 GB under a
// 256 MB limit while the run said "memory per process only"; it now says shared memory is not bounded.
// Holding: a fork bomb under a pids group, a double-forked setsid daemon (killed, the group removed), and a
// pre-created group name (the run falls back and says so).

const canSandbox = bwrapWorks();
const plan = canSandbox ? detectCgroupPlan() : undefined;
const root = process.getuid?.() === 0;
const PROCESSES = 10;

/** Forks up to 60 children that sleep (python: a failed fork is an exception, not the end of a shell). */
const FORKS = `
import os, time
n = 0
for i in range(60):
    try:
        if os.fork() == 0:
            time.sleep(30)
            os._exit(0)
        n += 1
    except OSError:
        pass
print('forked', n, flush=True)
`;
const forked = (r: RunResult) => Number(/forked (\d+)/.exec(r.stdout)?.[1]);

/** A daemon (double fork + setsid) that outlives the command; the command returns once the daemon runs. */
const DAEMON = `
import os, sys, time
if os.fork() == 0:
    os.setsid()
    if os.fork() == 0:
        open('daemon-up', 'w').close()
        while True:
            time.sleep(0.05)
    os._exit(0)
while not os.path.exists('daemon-up'):
    time.sleep(0.01)
print('daemon started', flush=True)
`;

/** 1 GB in a shared anonymous mapping, touched page by page, then 1 GB of private memory. */
const SHARED_GB = `
import mmap
m = mmap.mmap(-1, 1024 << 20)
for i in range(0, 1024 << 20, 4096):
    m[i] = 1
print('holding 1024 MB shared', flush=True)
b = bytearray(1024 << 20)
print('holding 1024 MB private', flush=True)
`;

describe.skipIf(!canSandbox)('the per-run cgroup and the rlimits fallback (review 5)', () => {
  let ws: string;
  let home: string;
  const env: Record<string, string> = { PATH: '/usr/local/bin:/usr/bin:/bin', LANG: 'C.UTF-8' };
  beforeAll(() => {
    ws = mkdtempSync('/tmp/ward-cgroup5-ws-');
    home = mkdtempSync('/var/tmp/ward-cgroup5-home-');
    env.HOME = home;
  });
  afterAll(() => {
    for (const d of [ws, home]) rmSync(d, { recursive: true, force: true });
  });
  const run = async (argv: string[], useCgroup?: boolean): Promise<RunResult> => {
    const policy = withOverrides(defaultSandboxPolicy(), {
      limits: { memoryMb: 256, processes: PROCESSES, timeoutS: 20 },
    });
    const runner = createRunner(policy, { cwd: ws, home, processEnv: env, useCgroup });
    try {
      return await runner.run(argv);
    } finally {
      await runner.close();
    }
  };
  const ours = () =>
    [plan?.memory, plan?.pids].flatMap((b) =>
      b ? readdirSync(b).filter((n) => n.startsWith(`ward-${process.pid}-`)) : [],
    );
  const execNote = async (useCgroup: boolean) => {
    let err = '';
    const stderr = new PassThrough().on('data', (b: Buffer) => (err += b));
    await runSandboxCommand(
      { cmd: 'exec', argv: ['/bin/true'], session: 's' },
      {
        cwd: ws,
        home,
        processEnv: env,
        stdout: new PassThrough(),
        stderr,
        dataDirs: async () => [],
        useCgroup,
      },
    );
    return err;
  };

  it('without a pids group, the process limit is said to be missing where the kernel ignores it (root)', async () => {
    const r = await run(['python3', '-c', FORKS], false);
    if (root) {
      // The kernel exempts root from RLIMIT_NPROC: --nproc=10 bounds nothing.
      expect(forked(r)).toBeGreaterThan(PROCESSES);
      expect(r.limitsBy).toContain(PROCESSES_UNBOUNDED);
      expect(await execNote(false)).toContain(PROCESSES_UNBOUNDED);
    } else {
      expect(forked(r)).toBeLessThan(PROCESSES);
      expect(r.limitsBy).not.toContain(PROCESSES_UNBOUNDED);
    }
  });

  it('without a memory group, shared memory is not bounded even per process, and the run says so', async () => {
    const r = await run(['python3', '-c', SHARED_GB], false);
    // RLIMIT_DATA refuses the private gigabyte only: the shared one is held under memoryMb 256.
    expect(r.stdout).toBe('holding 1024 MB shared\n');
    expect(r.limitsBy).toContain(SHARED_UNBOUNDED);
    expect(await execNote(false)).toContain(SHARED_UNBOUNDED);
    if (plan?.memory) {
      const bounded = await run(['python3', '-c', SHARED_GB]);
      expect(bounded.stdout).toBe('');
      expect(bounded.violations.map((v) => v.kind)).toContain('memory_limit');
      expect(bounded.limitsBy).not.toContain(SHARED_UNBOUNDED);
    }
  });

  it.skipIf(!plan?.pids)(
    'under a pids group a fork bomb stays bounded, and nothing says unbounded',
    async () => {
      const r = await run(['python3', '-c', FORKS]);
      expect(r.limitsBy).toMatch(/^cgroup-v[12]\(.*pids\)\+rlimits$/);
      expect(forked(r)).toBeLessThan(PROCESSES);
      expect(await execNote(true)).not.toContain('note: limits');
      expect(ours()).toEqual([]);
    },
  );

  it.skipIf(!plan?.memory)(
    'a double-forked setsid daemon does not outlive the run: killed, group removed',
    async () => {
      const r = await run(['python3', '-c', DAEMON]);
      expect(r.stdout).toContain('daemon started');
      expect(existsSync(join(ws, 'daemon-up'))).toBe(true);
      // rmdir succeeds only on an empty group, and nothing inside can leave it (its cgroup fs is read-only).
      expect(ours()).toEqual([]);
      expect(r.exitCode).toBe(0);
    },
  );

  it.skipIf(!plan?.memory)(
    'a pre-created group name: the run falls back to rlimits and says so',
    async () => {
      const made = Array.from({ length: 400 }, (_, i) => join(plan!.memory!, `ward-${process.pid}-${i + 1}`));
      for (const d of made) if (!existsSync(d)) mkdirSync(d);
      try {
        const r = await run(['/bin/true']);
        expect(r.limitsBy).toMatch(
          /^rlimits \(memory per process only: the cgroup could not be made: EEXIST/,
        );
        if (root) expect(r.limitsBy).toContain(PROCESSES_UNBOUNDED);
        expect(await execNote(true)).toMatch(/note: limits are rlimits .*EEXIST/);
      } finally {
        for (const d of made) if (existsSync(d)) rmdirSync(d);
      }
    },
  );
});
