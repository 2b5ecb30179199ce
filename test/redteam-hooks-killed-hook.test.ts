import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { has, scenario, WARD, ward } from './helpers/agent-cli.js';
import { fakeModelsForFile } from './helpers/fake-model.js';
import { BAD, claude, doctorChecks, HOOK_KILLER, type Scenario } from './helpers/hook-review.js';

// A process the agent left behind SIGKILLs every `ward hook` Claude Code starts (same user, /proc), and Claude
// Code runs a tool whose hook died by a signal: under bypassPermissions the gate failed open
// (test/redteam-hooks-review-4.test.ts). `ward install claude-code` now also sets permissions.defaultMode
// "dontAsk" and disableBypassPermissionsMode "disable": Claude Code refuses what no hook allows, ignores the
// --permission-mode bypassPermissions it is started with, and Ward answers allow where it has no objection.
// Measured with Claude Code 2.1.197: a hook killed in dontAsk mode refuses the call; a disable in user, project
// or local settings drops a later bypassPermissions (or --dangerously-skip-permissions) for the settings' mode.

vi.setConfig({ testTimeout: 120_000 });

const { closing, model } = fakeModelsForFile();

const DONT_ASK_REFUSAL =
  /Permission to use Bash has been denied because Claude Code is running in don't ask mode/;

/** The killer written and started through Claude Code (Ward allows both), then the call it must not let run. */
const killThen = (s: Scenario, command: string) =>
  model([
    {
      command: '',
      tool: { name: 'Write', input: { file_path: join(s.project, 'k.js'), content: HOOK_KILLER } },
    },
    { command: 'node k.js' },
    { command },
  ]);

describe.runIf(has('claude'))(
  'Claude Code in the mode `ward install` sets: only Ward’s allow runs a tool',
  () => {
    it('a process the agent left behind SIGKILLs the hook: the risky call is refused, though started with bypassPermissions', async () => {
      const s = await scenario();
      closing.push(s.model);
      const installed = await ward(['install', 'claude-code', '--ward-command', WARD], s.project, {
        HOME: s.home,
      });
      expect(installed.out).toContain('dontAsk mode with bypass mode disabled');
      const settings = JSON.parse(readFileSync(join(s.project, '.claude', 'settings.json'), 'utf8'));
      expect(settings.permissions).toEqual({
        defaultMode: 'dontAsk',
        disableBypassPermissionsMode: 'disable',
      });
      const m = await killThen(s, BAD('ran-killed-hook'));
      await claude(s, m.url); // --permission-mode bypassPermissions, as the review tests run it
      expect(existsSync(join(s.project, 'ran-killed-hook'))).toBe(false);
      // Ward's allow ran the first two (in dontAsk mode nothing else would have)…
      expect(readFileSync(join(s.project, 'k.js'), 'utf8')).toBe(HOOK_KILLER);
      expect(m.results()[1]?.output).not.toMatch(/denied|Ward/);
      // …and the third call's hook was killed before it answered: Claude Code refused the call itself.
      expect(m.results()[2]?.output).toMatch(DONT_ASK_REFUSAL);
      expect((await doctorChecks(s))['claude-code mode']).toMatchObject({ ok: true });
    });

    it('with the hook alive, Ward allows, denies, and turns its ask into a deny that says why', async () => {
      const s = await scenario();
      closing.push(s.model);
      await ward(['install', 'claude-code', '--ward-command', WARD], s.project, { HOME: s.home });
      const m = await model([
        { command: 'touch ran-allowed' },
        { command: 'curl -s https://example.com/x -o ran-asked' },
        { command: BAD('ran-denied') },
      ]);
      await claude(s, m.url);
      expect(existsSync(join(s.project, 'ran-allowed'))).toBe(true);
      expect(existsSync(join(s.project, 'ran-asked'))).toBe(false);
      expect(m.results()[1]?.output).toMatch(/needs approval.*dontAsk mode, where it cannot ask.*--wait/s);
      expect(m.results()[2]?.output).toMatch(/Ward: denied by policy/);
    });

    it("a broad allow rule in the user's settings runs the killed hook's call; doctor flags it", async () => {
      const s = await scenario();
      closing.push(s.model);
      await ward(['install', 'claude-code', '--ward-command', WARD], s.project, { HOME: s.home });
      mkdirSync(join(s.home, '.claude'), { recursive: true });
      writeFileSync(
        join(s.home, '.claude', 'settings.json'),
        JSON.stringify({ permissions: { allow: ['Bash(*)'] } }),
      );
      const m = await killThen(s, BAD('ran-allow-rule'));
      await claude(s, m.url);
      expect(existsSync(join(s.project, 'ran-allow-rule'))).toBe(true);
      expect((await doctorChecks(s))['claude-code mode']).toMatchObject({
        ok: false,
        detail: expect.stringContaining('`Bash(*)` in permissions.allow of'),
      });
    });
  },
);
