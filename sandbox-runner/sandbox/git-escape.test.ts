import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultSandboxPolicy } from '../../gate/fast.js';
import { createRunner, type RunResult } from '../runner.js';
import { bwrapWorks } from './test-support.js';

const canSandbox = bwrapWorks();

/**
 * The agent plants code that the user's own git runs later, outside the sandbox. Each attack leaves a
 * marker command in some git config or hook; after the sandboxed command, the user's git runs in the
 * repository as usual and the marker must not appear.
 */
describe.runIf(canSandbox)('escapes through git metadata (needs real bubblewrap)', () => {
  let base: string;
  let home: string;
  let marker: string;
  const env = { PATH: '/usr/local/bin:/usr/bin:/bin', LANG: 'C.UTF-8' } as Record<string, string>;
  const gitEnv = () => ({
    ...env,
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_AUTHOR_NAME: 'u',
    GIT_AUTHOR_EMAIL: 'u@example.com',
    GIT_COMMITTER_NAME: 'u',
    GIT_COMMITTER_EMAIL: 'u@example.com',
  });
  const git = (cwd: string, ...args: string[]) =>
    execFileSync('git', args, { cwd, env: gitEnv(), encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  /** What the user does next, outside any sandbox: the usual read-only look plus a commit. */
  const userRunsGit = (cwd: string) => {
    for (const args of [['status'], ['diff'], ['commit', '-q', '--allow-empty', '-m', 'user']]) {
      spawnSync('git', args, { cwd, env: gitEnv(), stdio: 'ignore' });
    }
  };
  const evilConfig = (m: string) =>
    `[core]\n\trepositoryformatversion = 0\n\tfsmonitor = "touch ${m}; false"\n\thooksPath = ${base}/evil-hooks\n`;

  const newRepo = (): string => {
    const repo = mkdtempSync(join(base, 'repo-'));
    git(repo, 'init', '-q');
    writeFileSync(join(repo, 'a.txt'), 'a\n');
    git(repo, 'add', 'a.txt');
    git(repo, 'commit', '-q', '-m', 'init');
    return repo;
  };
  const run = async (cwd: string, script: string): Promise<RunResult> => {
    const runner = createRunner(defaultSandboxPolicy(), { cwd, home, processEnv: gitEnv() });
    try {
      return await runner.run(['/bin/sh', '-c', script]);
    } finally {
      await runner.close();
    }
  };
  const kinds = (r: RunResult) => r.violations.map((v) => v.kind);

  beforeAll(() => {
    base = mkdtempSync('/var/tmp/ward-git-escape-');
    home = mkdtempSync('/var/tmp/ward-git-home-');
    env.HOME = home;
    mkdirSync(join(base, 'evil-hooks'));
  });
  afterAll(() => {
    rmSync(base, { recursive: true, force: true });
    rmSync(home, { recursive: true, force: true });
  });
  const freshMarker = () => {
    marker = join(base, `pwned-${Math.random().toString(36).slice(2)}`);
    writeFileSync(join(base, 'evil-hooks/pre-commit'), `#!/bin/sh\ntouch ${marker}\n`, { mode: 0o755 });
    return marker;
  };

  it('cannot rename .git away and put a look-alike with its own config and hooks in its place', async () => {
    const repo = newRepo();
    const m = freshMarker();
    const r = await run(
      repo,
      `mv .git .git-orig && mkdir .git && cp -r .git-orig/HEAD .git-orig/objects .git-orig/refs .git/ &&
       printf '${evilConfig(m).replaceAll('\n', '\\n').replaceAll('\t', '\\t')}' > .git/config &&
       mkdir -p .git/hooks && printf '#!/bin/sh\\ntouch ${m}\\n' > .git/hooks/pre-commit && chmod +x .git/hooks/pre-commit`,
    );
    expect(r.exitCode).not.toBe(0);
    expect(existsSync(join(repo, '.git-orig'))).toBe(false);
    expect(kinds(r)).toContain('protected_path_busy');
    userRunsGit(repo);
    expect(existsSync(m)).toBe(false);
    expect(git(repo, 'log', '--format=%s', '-1').trim()).toBe('user');
  });

  it('cannot remove .git either (rm -rf, then a new one)', async () => {
    const repo = newRepo();
    const m = freshMarker();
    const r = await run(
      repo,
      `rm -rf .git; mkdir -p .git; printf '[core]\\n\\tfsmonitor = "touch ${m}; false"\\n' > .git/config; true`,
    );
    expect(kinds(r)).toEqual(expect.arrayContaining(['protected_path_busy']));
    userRunsGit(repo);
    expect(existsSync(m)).toBe(false);
  });

  it('cannot redirect config and hooks with a commondir file', async () => {
    const repo = newRepo();
    const m = freshMarker();
    const r = await run(
      repo,
      `cp -r .git evil-git && printf '${evilConfig(m).replaceAll('\n', '\\n').replaceAll('\t', '\\t')}' > evil-git/config &&
       echo ../evil-git > .git/commondir`,
    );
    expect(r.exitCode).not.toBe(0);
    expect(kinds(r)).toContain('read_only_write');
    expect(readFileSync(join(repo, '.git/commondir'), 'utf8').trim()).toBe('.');
    userRunsGit(repo);
    expect(existsSync(m)).toBe(false);
  });

  it('cannot change core.hooksPath, core.sshCommand, an include, filters or info/attributes', async () => {
    const repo = newRepo();
    const m = freshMarker();
    const r = await run(
      repo,
      `git config core.hooksPath ${base}/evil-hooks; git config core.sshCommand "touch ${m}";
       git config include.path ../evil.inc; git config filter.x.clean "touch ${m}";
       echo '* filter=x' > .git/info/attributes; echo '* filter=x' > .gitattributes; touch a.txt; true`,
    );
    expect(kinds(r)).toContain('read_only_write');
    expect(git(repo, 'config', '--local', '--list')).not.toMatch(/hookspath|sshcommand|include|filter/i);
    expect(existsSync(join(repo, '.git/info/attributes'))).toBe(false);
    userRunsGit(repo);
    spawnSync('git', ['add', '-A'], { cwd: repo, env: gitEnv(), stdio: 'ignore' });
    expect(existsSync(m)).toBe(false);
  });

  it('cannot rewrite a file the repository config already includes', async () => {
    const repo = newRepo();
    writeFileSync(join(repo, 'project.gitconfig'), '[user]\n\tname = project\n');
    git(repo, 'config', 'include.path', '../project.gitconfig');
    const m = freshMarker();
    const r = await run(repo, `printf '[core]\\n\\tfsmonitor = "touch ${m}; false"\\n' > project.gitconfig`);
    expect(kinds(r)).toContain('read_only_write');
    userRunsGit(repo);
    expect(existsSync(m)).toBe(false);
  });

  it('cannot rewrite hooks in a work-tree hook directory the config names (husky, .githooks)', async () => {
    const repo = newRepo();
    mkdirSync(join(repo, '.husky/_'), { recursive: true });
    writeFileSync(join(repo, '.husky/_/pre-commit'), '#!/bin/sh\n. "$(dirname "$0")/../pre-commit"\n', {
      mode: 0o755,
    });
    writeFileSync(join(repo, '.husky/pre-commit'), '#!/bin/sh\ntrue\n', { mode: 0o755 });
    git(repo, 'config', 'core.hooksPath', '.husky/_');
    const m = freshMarker();
    const r = await run(
      repo,
      `printf '#!/bin/sh\ntouch ${m}\n' > .husky/pre-commit; printf '#!/bin/sh\ntouch ${m}\n' > .husky/_/pre-commit; true`,
    );
    expect(kinds(r)).toContain('read_only_write');
    userRunsGit(repo);
    expect(existsSync(m)).toBe(false);
    // A relative hooksPath in the user's own git config names a directory in every work tree: creating it
    // cannot be prevented, and is recorded.
    writeFileSync(join(home, '.gitconfig'), '[core]\n\thooksPath = .githooks\n');
    try {
      const planted = await run(
        repo,
        `mkdir .githooks && printf '#!/bin/sh\ntouch ${m}\n' > .githooks/pre-commit`,
      );
      expect(planted.violations).toContainEqual({
        kind: 'protected_path_created',
        detail: join(repo, '.githooks'),
      });
    } finally {
      rmSync(join(home, '.gitconfig'));
    }
  });

  it('still lets the agent commit, branch and check out (objects, refs, index and HEAD stay writable)', async () => {
    const repo = newRepo();
    const r = await run(
      repo,
      'echo b > b.txt && git add b.txt && git -c user.name=a -c user.email=a@example.com commit -q -m agent && git checkout -q -b feature && git checkout -q - && git log --format=%s -1',
    );
    expect(r.stderr).toBe('');
    expect(r).toMatchObject({ exitCode: 0, stdout: 'agent\n' });
    expect(r.violations).toEqual([]);
  });

  it('cannot retarget a .git file (linked worktree) at a gitdir of its own', async () => {
    const repo = newRepo();
    const wt = join(base, `wt-${Math.random().toString(36).slice(2)}`);
    git(repo, 'worktree', 'add', '-q', wt);
    const m = freshMarker();
    const r = await run(
      wt,
      `cp -r ${repo}/.git evil-git 2>/dev/null; printf '[core]\\n\\tfsmonitor = "touch ${m}; false"\\n' >> evil-git/config;
       echo "gitdir: $PWD/evil-git" > .git`,
    );
    expect(r.exitCode).not.toBe(0);
    expect(readFileSync(join(wt, '.git'), 'utf8')).toMatch(/worktrees/);
    userRunsGit(wt);
    expect(existsSync(m)).toBe(false);
  });

  it("cannot redirect a linked worktree's commondir from the main repository", async () => {
    const repo = newRepo();
    const wt = join(base, `wt-${Math.random().toString(36).slice(2)}`);
    git(repo, 'worktree', 'add', '-q', wt);
    const name = wt.split('/').pop() ?? '';
    const m = freshMarker();
    const r = await run(
      repo,
      `cp -r .git evil-git && printf '[core]\\n\\tfsmonitor = "touch ${m}; false"\\n' >> evil-git/config &&
       echo "$PWD/evil-git" > .git/worktrees/${name}/commondir`,
    );
    expect(r.exitCode).not.toBe(0);
    userRunsGit(wt);
    expect(existsSync(m)).toBe(false);
  });

  it("cannot plant config or hooks in a submodule's git directory, or retarget its .git file", async () => {
    const sub = newRepo();
    const repo = newRepo();
    execFileSync('git', ['-c', 'protocol.file.allow=always', 'submodule', 'add', '-q', sub, 'lib'], {
      cwd: repo,
      env: gitEnv(),
      stdio: 'ignore',
    });
    git(repo, 'commit', '-q', '-m', 'sub');
    const m = freshMarker();
    const r = await run(
      repo,
      `printf '[core]\\n\\tfsmonitor = "touch ${m}; false"\\n' >> .git/modules/lib/config;
       printf '#!/bin/sh\\ntouch ${m}\\n' > .git/modules/lib/hooks/pre-commit;
       mv .git/modules/lib .git/modules/lib-orig; echo ../evil > .git/modules/lib/commondir;
       cp -r .git/modules/lib evil-sub && printf '[core]\\n\\tfsmonitor = "touch ${m}; false"\\n' >> evil-sub/config;
       echo "gitdir: ../evil-sub" > lib/.git; true`,
    );
    expect(kinds(r)).toEqual(expect.arrayContaining(['read_only_write', 'protected_path_busy']));
    expect(readFileSync(join(repo, 'lib/.git'), 'utf8')).toMatch(/modules\/lib/);
    userRunsGit(repo);
    userRunsGit(join(repo, 'lib'));
    expect(existsSync(m)).toBe(false);
  });

  it('records a repository planted in a subdirectory or a bare one in the work tree', async () => {
    const repo = newRepo();
    const r = await run(
      repo,
      `git init -q nested && git -C nested config core.fsmonitor "touch /tmp/x" 2>/dev/null;
       mkdir -p objects refs && echo 'ref: refs/heads/main' > HEAD && echo garbage > .git/HEAD; true`,
    );
    const details = r.violations.map((v) => `${v.kind} ${v.detail}`);
    expect(details).toEqual(
      expect.arrayContaining([
        `git_repository_created ${join(repo, 'nested/.git')} (quarantined as ${join(repo, 'nested/.git.ward-quarantine')}; mv it back if you want it)`,
        `git_repository_created ${join(repo, 'HEAD')}`,
        expect.stringMatching(/^git_metadata_changed .*\.git\/HEAD/),
      ]),
    );
    // The planted repository is moved aside: git outside the sandbox no longer finds its config.
    expect(existsSync(join(repo, 'nested/.git'))).toBe(false);
    expect(existsSync(join(repo, 'nested/.git.ward-quarantine/config'))).toBe(true);
  });
});

describe.runIf(!canSandbox)('escapes through git metadata (needs real bubblewrap)', () => {
  it.skip('needs a working /usr/bin/bwrap on Linux', () => {});
});
