import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultSandboxPolicy, withOverrides } from '../gate/fast.js';
import { runSandboxCommand } from '../sandbox-runner/command/run-sandbox-command.js';
import { createRunner, type RunResult } from '../sandbox-runner/runner.js';
import { detectCgroupPlan } from '../sandbox-runner/sandbox/linux/cgroup-detect.js';
import { bwrapWorks } from '../sandbox-runner/sandbox/test-support.js';
import { type CommandSpanRecord, commandSpanRecord } from '../sandbox-runner/telemetry/span-record.js';
import { WARD } from '../schema/fast.js';

// The memory limit used to be per process (RLIMIT_DATA): six 200 MB processes under `memoryMb: 256` held
// ~1.2 GB together. Each run now gets a cgroup bounding everything it starts, whenever the machine lets Ward
// make one; the sandbox must not be able to raise that limit or leave the group, and the group must go after.

const canSandbox = bwrapWorks();
const plan = canSandbox ? detectCgroupPlan() : undefined;
const why = !canSandbox
  ? 'bubblewrap cannot create a sandbox here'
  : !plan?.memory
    ? `no memory cgroup Ward may create here (${JSON.stringify(plan ?? null)})`
    : '';
if (why) process.stderr.write(`redteam-cgroup-review-4: cgroup tests SKIPPED: ${why}\n`);

const MB = 1024 * 1024;
/** One process holding 200 MB (written, so resident) until the sandbox ends; /tmp/h<i> says it holds it. */
const HOG =
  'const b=Buffer.alloc(200<<20,1);require("fs").writeFileSync("/tmp/h"+process.argv[1],"");setInterval(()=>{},1e6)';
/**
 * Six hogs at once; /tmp/d<i> marks one that died. Once each has either died or holds its 200 MB, nothing
 * allocates any more: the hogs holding then hold their memory together. Prints how many.
 */
const SIX_HOGS = [
  '/bin/sh',
  '-c',
  `for i in 1 2 3 4 5 6; do ("$1" -e "$2" $i || touch /tmp/d$i) & done
   settled() { for i in 1 2 3 4 5 6; do [ -e /tmp/h$i ] || [ -e /tmp/d$i ] || return 1; done; }
   until settled; do sleep 0.05; done
   n=0; for i in 1 2 3 4 5 6; do [ -e /tmp/h$i ] && [ ! -e /tmp/d$i ] && n=$((n+1)); done
   echo "holding together: $n"`,
  'sh',
  process.execPath,
  HOG,
];
const holding = (r: RunResult) => Number(/holding together: (\d+)/.exec(r.stdout)?.[1]);

describe('the sandbox memory limit bounds the sandbox in total', () => {
  let ws: string;
  let home: string;
  const env: Record<string, string> = { PATH: '/usr/local/bin:/usr/bin:/bin', LANG: 'C.UTF-8' };
  beforeAll(() => {
    ws = mkdtempSync('/tmp/ward-cgroup-ws-');
    home = mkdtempSync('/var/tmp/ward-cgroup-home-');
    env.HOME = home;
  });
  afterAll(() => {
    for (const d of [ws, home]) rmSync(d, { recursive: true, force: true });
  });

  const run = async (
    argv: string[],
    o: { useCgroup?: boolean; timeoutS?: number; abortWhen?: (r: AbortController) => void } = {},
  ): Promise<RunResult> => {
    const policy = withOverrides(defaultSandboxPolicy(), {
      limits: { memoryMb: 256, timeoutS: o.timeoutS ?? 20 },
    });
    const runner = createRunner(policy, { cwd: ws, home, processEnv: env, useCgroup: o.useCgroup });
    try {
      const abort = new AbortController();
      const pending = runner.run(argv, { abort: abort.signal });
      o.abortWhen?.(abort);
      return await pending;
    } finally {
      await runner.close();
    }
  };
  const ours = () =>
    [plan?.memory, plan?.pids].flatMap((b) =>
      b ? readdirSync(b).filter((n) => n.startsWith(`ward-${process.pid}-`)) : [],
    );

  it.skipIf(!canSandbox)('without a cgroup the limit is per process, and the run says so', async () => {
    const r = await run(SIX_HOGS, { useCgroup: false });
    // The defect as it was: all six hold their 200 MB at once under a 256 MB limit.
    expect(holding(r)).toBe(6);
    expect(r.limitsBy).toMatch(/^rlimits \(memory per process only/);
    expect(
      commandSpanRecord(r, { sessionId: 's', agent: 'a', operation: 'execute_tool' }).attributes,
    ).toMatchObject({ [WARD.limitsBy]: r.limitsBy });
  });

  it.skipIf(!canSandbox)(
    '`ward exec` says on stderr and in the span when memory is bounded per process only',
    async () => {
      const said = async (useCgroup: boolean) => {
        let err = '';
        const stderr = new PassThrough().on('data', (b: Buffer) => (err += b));
        const spans: CommandSpanRecord[] = [];
        const code = await runSandboxCommand(
          { cmd: 'exec', argv: ['/bin/true'], session: 's' },
          {
            cwd: ws,
            home,
            processEnv: env,
            stdout: new PassThrough(),
            stderr,
            reportSpan: async (r) => {
              spans.push(r);
            },
            dataDirs: async () => [],
            useCgroup,
          },
        );
        expect(code).toBe(0);
        return { err, limitsBy: spans[0]?.attributes[WARD.limitsBy] };
      };
      const without = await said(false);
      expect(without.err).toMatch(/ward exec: note: limits are rlimits \(memory per process only/);
      expect(without.limitsBy).toMatch(/^rlimits \(memory per process only/);
      if (!why) {
        const withGroup = await said(true);
        expect(withGroup.err).not.toContain('note: limits');
        expect(withGroup.limitsBy).toMatch(/^cgroup-v[12]\(memory/);
      }
    },
  );

  it.skipIf(!!why)(
    'six 200 MB processes under memoryMb 256: the total stays bounded, the kills are reported',
    async () => {
      const r = await run(SIX_HOGS);
      expect(r.limitsBy).toMatch(/^cgroup-v[12]\(memory/);
      expect(r.memoryPeakBytes).toBeDefined();
      expect(r.memoryPeakBytes!).toBeLessThanOrEqual(256 * MB);
      expect(holding(r)).toBeLessThanOrEqual(1);
      const oom = r.violations.filter((v) => v.kind === 'memory_limit' && /OOM killer/.test(v.detail));
      expect(oom.length).toBe(1);
      const span = commandSpanRecord(r, { sessionId: 's', agent: 'a', operation: 'execute_tool' });
      expect(span.attributes[WARD.memoryPeakBytes]).toBe(r.memoryPeakBytes);
      expect(ours()).toEqual([]);
    },
  );

  it.skipIf(!!why)('a command the OOM killer ended is reported as killed by the memory limit', async () => {
    // The command holds 150 MB and starts a child that takes 150 MB more: the kernel kills the largest (it).
    const script = `const b=Buffer.alloc(150<<20,1);require("child_process").spawnSync(process.execPath,["-e","const c=Buffer.alloc(150<<20,1)"]);console.log("survived",b.length)`;
    const r = await run([process.execPath, '-e', script]);
    expect(r.stdout).not.toContain('survived');
    expect(r).toMatchObject({ killedBy: 'memory_limit', signal: 'SIGKILL', exitCode: 137 });
    expect(
      commandSpanRecord(r, { sessionId: 's', agent: 'a', operation: 'execute_tool' }).attributes,
    ).toMatchObject({ [WARD.killedBy]: 'memory_limit' });
  });

  it.skipIf(!!why)(
    'the sandbox sees only its own group, read-only: it can neither raise its limit nor leave',
    async () => {
      const v2 = plan!.version === 'v2';
      // Inside, the run's group is shown at /sys/fs/cgroup (v2) or /sys/fs/cgroup/{memory,pids} (v1).
      const g = v2 ? '/sys/fs/cgroup' : '/sys/fs/cgroup/memory';
      const p = v2 ? '/sys/fs/cgroup' : '/sys/fs/cgroup/pids';
      const limit = v2 ? 'memory.max' : 'memory.limit_in_bytes';
      // Every write the agent could try on the cgroup fs it sees: each must be refused.
      const attack = `
      g="$1"; p="$2"; lim="$3"; host="$4"
      try() { if e=$(sh -c "$1" 2>&1); then echo "WROTE: $1"; else echo "refused: $1: $e"; fi; }
      echo "limit=$(cat "$g/$lim")"
      [ -e "$host" ] && echo "HOST TREE VISIBLE: $host"
      try "echo 8589934592 > $g/$lim"
      try "echo 8589934592 > $g/memory.memsw.limit_in_bytes"
      try "echo max > $g/memory.swap.max"
      try "echo 1 > $g/memory.oom_control"
      try "echo max > $p/pids.max"
      try "echo 0 > $g/cgroup.procs"
      try "echo 0 > $p/cgroup.procs"
      try "mkdir $g/escape"
      try "mount -o remount,rw $g"
      try "umount -l $g"
      try "mkdir -p /tmp/cg && mount -t cgroup -o memory none /tmp/cg"
      try "mkdir -p /tmp/cg2 && mount -t cgroup2 none /tmp/cg2"
      grep -E ':memory:|^0::' /proc/self/cgroup
      "$5" -e "$6"
    `;
      const r = await run([
        '/bin/sh',
        '-c',
        attack,
        'sh',
        g,
        p,
        limit,
        plan!.memory!,
        process.execPath,
        'const b=Buffer.alloc(200<<20,1);require("child_process").spawnSync(process.execPath,["-e","Buffer.alloc(200<<20,1)"]);console.log("held twice")',
      ]);
      // Runtimes that size themselves by the cgroup (JVM, Node, Go) read the sandbox's real limit.
      expect(r.stdout).toContain(`limit=${256 * MB}`);
      expect(r.stdout).not.toContain('HOST TREE VISIBLE');
      expect(r.stdout).not.toContain('WROTE');
      expect(r.stdout.match(/^refused: /gm)?.length).toBe(12);
      expect(r.stdout.match(/Read-only file system/g)?.length ?? 0).toBeGreaterThanOrEqual(5);
      // Inside its own cgroup namespace the group is the root: it does not even see where it sits.
      expect(r.stdout).toMatch(/^(\d+:memory:\/|0::\/)$/m);
      // The limit still holds after all that: 400 MB in two processes does not fit.
      expect(r.stdout).not.toContain('held twice');
      expect(r.violations.map((v) => v.kind)).toContain('memory_limit');
      expect(ours()).toEqual([]);
    },
  );

  it.skipIf(!!why)('the group is gone after a timeout, after an abort, and when its owner died', async () => {
    const timed = await run(['/bin/sh', '-c', '"$0" -e "$1" 1 & sleep 30', process.execPath, HOG], {
      timeoutS: 1,
    });
    expect(timed.killedBy).toBe('timeout');
    expect(ours()).toEqual([]);

    const aborted = await run(['/bin/sh', '-c', 'echo up; sleep 30'], {
      abortWhen: (a) => setImmediate(() => a.abort()),
    });
    expect(aborted.killedBy).toBe('abort');
    expect(ours()).toEqual([]);

    // A runner killed outright (SIGKILL) leaves an empty group: the next run sweeps it.
    const dead = spawnSync('/bin/true').pid;
    const stale = join(plan!.memory!, `ward-${dead}-1`);
    mkdirSync(stale);
    const next = await run(['/bin/true']);
    expect(next.exitCode).toBe(0);
    expect(existsSync(stale)).toBe(false);
  });
});
