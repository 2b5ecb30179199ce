import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { checkAgentHooks } from '../sandbox-runner/index.js';

// Real agents start slowly on a loaded machine (Gemini CLI ~10 s alone): a wide margin, never a timing assertion.
vi.setConfig({ testTimeout: 120_000 });

// `ward doctor` tells an installed hook the agent really runs from one it skips, for each agent.
const ROOT = join(import.meta.dirname, '..');
const BIN = join(ROOT, 'node_modules', '.bin');
const WARD = `${process.execPath} ${join(ROOT, 'bin', 'ward.mjs')}`;

function fresh() {
  const root = realpathSync(mkdtempSync(join(tmpdir(), 'ward-doctor-hooks-')));
  const home = join(root, 'home');
  const project = join(root, 'project');
  mkdirSync(home);
  mkdirSync(project);
  const processEnv = {
    HOME: home,
    PATH: [BIN, join(process.execPath, '..'), '/usr/bin', '/bin'].join(delimiter),
  };
  const install = (...args: string[]) => {
    const r = spawnSync(
      process.execPath,
      [join(ROOT, 'bin', 'ward.mjs'), 'install', ...args, '--ward-command', WARD],
      {
        cwd: project,
        env: processEnv,
        encoding: 'utf8',
      },
    );
    return r.status;
  };
  const check = async () =>
    Object.fromEntries(
      (
        await checkAgentHooks({
          home,
          project,
          processEnv,
          codexCommand: join(BIN, 'codex'),
          ward: { entry: join(ROOT, 'bin', 'ward.mjs'), node: process.execPath },
        })
      ).map((c) => [c.name, c]),
    );
  return { home, project, install, check };
}

describe('ward doctor: installed but inactive hooks', () => {
  it('says nothing is wrong when nothing is installed', async () => {
    const f = fresh();
    const c = await f.check();
    for (const name of ['claude-code hook', 'codex hook', 'gemini-cli hook'])
      expect(c[name]).toMatchObject({ ok: true, detail: expect.stringMatching(/^not installed/) });
  });

  it('Claude Code: active, then inactive once hooks are disabled in a settings file', async () => {
    const f = fresh();
    expect(f.install('claude-code')).toBe(0);
    expect((await f.check())['claude-code hook']).toMatchObject({
      ok: true,
      detail: expect.stringMatching(/^active/),
    });
    // An install from before every tool went through Ward: the shell only.
    const settings = join(f.project, '.claude', 'settings.json');
    writeFileSync(settings, readFileSync(settings, 'utf8').replace('"*"', '"Bash"'));
    expect((await f.check())['claude-code hook']).toMatchObject({
      ok: false,
      detail: expect.stringContaining('misses Read, Write, WebFetch'),
    });
    expect(f.install('claude-code')).toBe(0);
    writeFileSync(
      join(f.project, '.claude', 'settings.local.json'),
      JSON.stringify({ disableAllHooks: true }),
    );
    expect((await f.check())['claude-code hook']).toMatchObject({
      ok: false,
      detail: expect.stringContaining('disableAllHooks is set'),
    });
  });

  it.runIf(existsSync(join(BIN, 'codex')))(
    'Codex (needs node_modules/.bin/codex): a trusted hook is active; edited afterwards, Codex skips it',
    async () => {
      const f = fresh();
      expect(f.install('codex', '--user', '--codex-command', join(BIN, 'codex'))).toBe(0);
      expect((await f.check())['codex hook']).toMatchObject({
        ok: true,
        detail: expect.stringMatching(/^active/),
      });
      // What an agent could do to get rid of the hook: change it. Codex then treats it as unreviewed.
      const file = join(f.home, '.codex', 'hooks.json');
      writeFileSync(file, readFileSync(file, 'utf8').replace('hook codex', 'hook codex --mode autonomous'));
      expect((await f.check())['codex hook']).toMatchObject({
        ok: false,
        detail: expect.stringContaining('changed since it was trusted'),
        fix: expect.stringContaining('ward install codex --user'),
      });
    },
  );

  it('Gemini CLI: a project hook in a folder Gemini does not trust is inactive', async () => {
    const f = fresh();
    expect(f.install('gemini-cli')).toBe(0);
    expect((await f.check())['gemini-cli hook']).toMatchObject({
      ok: false,
      detail: expect.stringContaining('does not trust'),
    });
    mkdirSync(join(f.home, '.gemini'), { recursive: true });
    writeFileSync(
      join(f.home, '.gemini', 'trustedFolders.json'),
      JSON.stringify({ [f.project]: 'TRUST_FOLDER' }),
    );
    expect((await f.check())['gemini-cli hook']).toMatchObject({ ok: true });
  });
});
