import { execFileSync } from 'node:child_process';
import {
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultSandboxPolicy } from '../../gate/fast.js';
import { claudeMemoryRoot, claudeProjectDirName } from './claude-project-dir.js';
import { geminiProjectSlug } from './gemini-project-dir.js';
import { type HomeMount, resolveHomeMounts } from './home-layout.js';

let root: string;
let home: string;
beforeAll(() => {
  root = realpathSync(mkdtempSync(join(tmpdir(), 'ward-project-mounts-')));
  home = join(root, 'home');
  mkdirSync(join(home, '.claude', 'projects', '-srv-other'), { recursive: true });
  mkdirSync(join(home, '.gemini', 'tmp'), { recursive: true });
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

const mounts = (agent: string, project: string) =>
  resolveHomeMounts(defaultSandboxPolicy().home, { homes: [home], agent, project }).mounts;
const under = (ms: HomeMount[], dir: string) =>
  ms
    .filter((m) => m.dest.startsWith(`${dir}/`) || m.dest === dir)
    .map((m) => ({ ...m, dest: m.dest.slice(dir.length) }));

describe('Claude Code project directory names', () => {
  it('replaces every non-alphanumeric; past 200 characters cuts and adds a hash of the whole path', () => {
    expect(claudeProjectDirName('/srv/my app.v2')).toBe('-srv-my-app-v2');
    const long = `/p/${'a'.repeat(120)}/${'b.'.repeat(50)}end`;
    const name = claudeProjectDirName(long);
    expect(name.slice(0, 201)).toBe(`${long.replace(/[^a-zA-Z0-9]/g, '-').slice(0, 200)}-`);
    expect(name).toMatch(/^.{201}[0-9a-z]+$/);
    expect(claudeProjectDirName(`${long}x`)).not.toBe(name);
  });

  it('keys memory by the repository root, a linked worktree by its main repository', () => {
    const repo = join(root, 'repo');
    mkdirSync(join(repo, 'sub'), { recursive: true });
    const git = (...a: string[]) =>
      execFileSync('git', a, { cwd: repo, env: { PATH: '/usr/bin:/bin', HOME: home } });
    git('init', '-q', '-b', 'main');
    git('-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-q', '--allow-empty', '-m', 'x');
    git('worktree', 'add', '-q', join(root, 'wt'));
    expect(claudeMemoryRoot(join(repo, 'sub'))).toBe(repo);
    expect(claudeMemoryRoot(join(root, 'wt'))).toBe(repo);
    expect(claudeMemoryRoot(join(root, 'no-git-here'))).toBe(join(root, 'no-git-here'));
  });
});

describe('ward run claude: ~/.claude/projects in the sandbox', () => {
  it('is a private tmpfs with this project read-write and its memory read-only', () => {
    const project = join(root, 'repo', 'sub');
    const projects = join(home, '.claude', 'projects');
    const own = claudeProjectDirName(project);
    const memory = claudeProjectDirName(join(root, 'repo'));
    expect(under(mounts('claude', project), projects)).toEqual([
      { op: 'tmpfs', dest: '' },
      { op: 'bind', src: join(projects, own), dest: `/${own}`, writable: true },
      { op: 'bind', src: join(projects, own, 'memory'), dest: `/${own}/memory`, writable: false },
      { op: 'bind', src: join(projects, memory, 'memory'), dest: `/${memory}/memory`, writable: false },
    ]);
  });

  it('binds nothing of it when a part is a symlink (a memory left writable otherwise)', () => {
    const project = join(root, 'linked');
    const own = join(home, '.claude', 'projects', claudeProjectDirName(project));
    mkdirSync(own, { recursive: true });
    symlinkSync(join(root, 'elsewhere'), join(own, 'memory'));
    expect(under(mounts('claude', project), join(home, '.claude', 'projects'))).toEqual([
      { op: 'tmpfs', dest: '' },
    ]);
  });
});

describe('ward run gemini: ~/.gemini/tmp in the sandbox', () => {
  it('shows only the project’s slug directory, its marker and memory read-only', () => {
    const project = join(root, 'My Proj');
    const tmp = join(home, '.gemini', 'tmp');
    // Another project of the same name already owns `my-proj`.
    mkdirSync(join(tmp, 'my-proj'), { recursive: true });
    writeFileSync(join(tmp, 'my-proj', '.project_root'), '/srv/My Proj');
    expect(under(mounts('gemini', project), tmp)).toEqual([
      { op: 'tmpfs', dest: '' },
      { op: 'bind', src: join(tmp, 'my-proj-1'), dest: '/my-proj-1', writable: true },
      {
        op: 'bind',
        src: join(tmp, 'my-proj-1', '.project_root'),
        dest: '/my-proj-1/.project_root',
        writable: false,
      },
      { op: 'bind', src: join(tmp, 'my-proj-1', 'memory'), dest: '/my-proj-1/memory', writable: false },
    ]);
    expect(readFileSync(join(tmp, 'my-proj-1', '.project_root'), 'utf8')).toBe(project);
  });

  it('follows the registry, and a marker that names the project', () => {
    const gem = join(root, 'gem');
    mkdirSync(join(gem, 'tmp', 'found'), { recursive: true });
    writeFileSync(join(gem, 'projects.json'), JSON.stringify({ projects: { '/a': 'alpha', '/b': 'taken' } }));
    writeFileSync(join(gem, 'tmp', 'found', '.project_root'), '/c');
    mkdirSync(join(gem, 'history', 'taken'), { recursive: true });
    writeFileSync(join(gem, 'history', 'taken', '.project_root'), '/someone-else');
    expect(geminiProjectSlug('/a', gem)).toBe('alpha');
    // A registered slug whose marker names another project is not trusted: Gemini claims a new one too.
    expect(geminiProjectSlug('/b', gem)).toBe('b');
    expect(geminiProjectSlug('/c', gem)).toBe('found');
  });
});
