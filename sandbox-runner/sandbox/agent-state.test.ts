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
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultSandboxPolicy } from '../../gate/fast.js';
import { AGENT_STATE_DIR, projectStateKey } from './agent-state.js';
import { type HomeMount, resolveHomeMounts } from './home-layout.js';

let root: string;
beforeAll(() => {
  root = realpathSync(mkdtempSync(join(tmpdir(), 'ward-agent-state-unit-')));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A home holding the agent's directory with `files` (relative to it). */
function homeWith(name: string, dir: string, files: Record<string, string> = {}): string {
  const home = join(root, name);
  mkdirSync(join(home, dir), { recursive: true });
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(join(home, dir, rel, '..'), { recursive: true });
    writeFileSync(join(home, dir, rel), text);
  }
  return home;
}
const mounts = (home: string, agent: string, project: string, homes = [home]) =>
  resolveHomeMounts(defaultSandboxPolicy().home, { homes, agent, project }).mounts;
/** The mounts at or under `dir`, relative to it, in mount order (by depth, then by name). */
const under = (ms: HomeMount[], dir: string) =>
  ms
    .filter((m) => m.dest.startsWith(`${dir}/`) || m.dest === dir)
    .map((m) => ({ ...m, dest: m.dest.slice(dir.length) }))
    .sort((a, b) => a.dest.split('/').length - b.dest.split('/').length || a.dest.localeCompare(b.dest));
const stateOf = (home: string, project: string, agent: string) =>
  join(home, AGENT_STATE_DIR, projectStateKey(project), agent);

describe('the project state key', () => {
  it('names the folder and hashes the real path: one per project, the same every run', () => {
    expect(projectStateKey('/srv/my app')).toMatch(/^my-app-[0-9a-f]{16}$/);
    expect(projectStateKey('/srv/my app')).toBe(projectStateKey('/srv/my app'));
    expect(projectStateKey('/a/app')).not.toBe(projectStateKey('/b/app'));
    expect(projectStateKey('/')).toMatch(/^root-/);
  });
});

describe('ward run codex: ~/.codex is the project state directory', () => {
  it('bound read-write, with only the user’s config shown (read-only) from the real one', () => {
    const home = homeWith('cx', '.codex', {
      'config.toml': 'x',
      'work.config.toml': 'x',
      'rules/default.rules': 'x',
      'history.jsonl': 'x',
      'state_5.sqlite': 'x',
      'sessions/2026/01/02/rollout-x.jsonl': 'x',
      'auth.json': 'x',
    });
    const project = join(root, 'cx-project');
    const state = stateOf(home, project, 'codex');
    const real = join(home, '.codex');
    expect(under(mounts(home, 'codex', project), real)).toEqual([
      { op: 'bind', src: state, dest: '', writable: true },
      { op: 'bind', src: join(real, 'config.toml'), dest: '/config.toml', writable: false },
      { op: 'bind', src: join(real, 'rules'), dest: '/rules', writable: false },
      { op: 'bind', src: join(real, 'work.config.toml'), dest: '/work.config.toml', writable: false },
    ]);
    expect(readFileSync(join(state, '..', 'project'), 'utf8')).toBe(`${project}\n`);
  });

  it('removes what the last run left there under a config, instruction, rule or login name', () => {
    const home = homeWith('cx-clean', '.codex', { 'config.toml': 'x' });
    const project = join(root, 'cx-clean-project');
    const state = stateOf(home, project, 'codex');
    mkdirSync(join(state, 'rules'), { recursive: true });
    mkdirSync(join(state, 'sessions'), { recursive: true });
    for (const f of [
      'config.toml',
      'AGENTS.md',
      '.env',
      'hooks.json',
      'auth.json',
      'x.config.toml',
      'rules/a.rules',
    ])
      writeFileSync(join(state, f), 'planted');
    symlinkSync(join(home, '.codex', 'config.toml'), join(state, 'AGENTS.override.md'));
    writeFileSync(join(state, 'sessions', 'kept.jsonl'), 'kept');
    mounts(home, 'codex', project);
    for (const f of [
      'AGENTS.md',
      '.env',
      'hooks.json',
      'auth.json',
      'x.config.toml',
      'rules',
      'AGENTS.override.md',
    ])
      expect(existsSync(join(state, f)), f).toBe(false);
    // The user's own config, then, is the only one; the project's sessions stay.
    expect(readFileSync(join(home, '.codex', 'config.toml'), 'utf8')).toBe('x');
    expect(readFileSync(join(state, 'sessions', 'kept.jsonl'), 'utf8')).toBe('kept');
  });

  it('is scratch (a tmpfs with the config) when a part of the way is a symlink', () => {
    const home = homeWith('cx-link', '.codex', { 'config.toml': 'x', 'history.jsonl': 'secret' });
    mkdirSync(join(home, '.ward'), { recursive: true });
    mkdirSync(join(root, 'cx-link-elsewhere'));
    symlinkSync(join(root, 'cx-link-elsewhere'), join(home, AGENT_STATE_DIR));
    const real = join(home, '.codex');
    expect(under(mounts(home, 'codex', join(root, 'p')), real)).toEqual([
      { op: 'tmpfs', dest: '' },
      { op: 'bind', src: join(real, 'config.toml'), dest: '/config.toml', writable: false },
    ]);
  });

  it('is kept for the home the agent runs with only; in another home it is scratch', () => {
    const home = homeWith('cx-first', '.codex');
    const other = homeWith('cx-second', '.codex');
    const ms = mounts(home, 'codex', join(root, 'p2'), [home, other]);
    expect(under(ms, join(other, '.codex'))).toEqual([{ op: 'tmpfs', dest: '' }]);
    expect(existsSync(join(other, '.ward'))).toBe(false);
  });
});

describe('ward run claude: its state not filed by project comes from the project state directory', () => {
  it('history.jsonl and file-history/ (not the real ones); a symlink there is not bound', () => {
    const home = homeWith('cl', '.claude', {
      'history.jsonl': 'every prompt',
      'file-history/s1/a@v1': 'x',
      'settings.json': '{}',
    });
    const project = join(root, 'cl-project');
    const state = stateOf(home, project, 'claude');
    mkdirSync(state, { recursive: true });
    symlinkSync(join(home, '.claude', 'file-history'), join(state, 'file-history'));
    const ms = under(mounts(home, 'claude', project), join(home, '.claude'));
    expect(ms).toContainEqual({
      op: 'bind',
      src: join(state, 'history.jsonl'),
      dest: '/history.jsonl',
      writable: true,
    });
    expect(ms).toContainEqual({ op: 'bind', src: join(state, 'todos'), dest: '/todos', writable: true });
    expect(ms.filter((m) => m.dest.startsWith('/file-history') || m.dest === '/history.jsonl')).toEqual([
      { op: 'bind', src: join(state, 'history.jsonl'), dest: '/history.jsonl', writable: true },
    ]);
    expect(readFileSync(join(state, 'history.jsonl'), 'utf8')).toBe('');
  });
});
