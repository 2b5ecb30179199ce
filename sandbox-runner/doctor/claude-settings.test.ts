import { describe, expect, it } from 'vitest';
import { VALID_CLAUDE_SETTINGS } from '../../test/helpers/claude-settings-files.js';
import { claudeSettingsProblem } from './claude-settings.js';

// Which settings make Claude Code skip a whole settings file (measured with the real binary; a sample of it
// runs for real in test/redteam-hooks-review-5.test.ts and test/redteam-review-6-hooks.test.ts; all of it in
// `npm run measure:claude-settings`).

const HOOKS = {
  PreToolUse: [
    { matcher: '*', hooks: [{ type: 'command', command: '/usr/local/bin/ward hook claude-code' }] },
  ],
};

describe("doctor: a Claude Code settings file Claude Code would skip, Ward's hook with it", () => {
  it('accepts ordinary settings, unknown keys, and values Claude Code only ignores', () => {
    expect(
      claudeSettingsProblem({
        $schema: 'https://json.schemastore.org/claude-code-settings.json',
        hooks: HOOKS,
        permissions: { allow: ['Bash(npm test)', 5], deny: [], defaultMode: 'acceptEdits', extra: 1 },
        env: { DEBUG: '1', N: 5 },
        statusLine: { type: 'command', command: 'date' },
        enabledPlugins: { 'a@b.c': true, d: ['x'] },
        forceLoginOrgUUID: ['u'],
        cleanupPeriodDays: 30,
        feedbackSurveyRate: 0,
        skillListingBudgetFraction: 1,
        defaultShell: 'bash',
        someFutureKey: 5,
        theme: 5,
        effortLevel: 'bogus',
        allowedMcpServers: 'x',
      }),
    ).toBeNull();
  });

  it('accepts real settings files: nested objects, sandbox, hooks of every type', () => {
    for (const [name, settings] of VALID_CLAUDE_SETTINGS)
      expect(
        claudeSettingsProblem({ ...settings, hooks: { ...HOOKS, ...(settings.hooks as object) } }),
        name,
      ).toBeNull();
  });

  it('lets pass what Claude Code drops alone: unknown events and fields, tolerated values, env of any type', () => {
    expect(
      claudeSettingsProblem({
        hooks: { ...HOOKS, NoSuchEvent: 5, PostToolUse: 5 },
        statusLine: { type: 'command', command: 'x', refreshInterval: 0, extra: 1 },
        worktree: { bgIsolation: 'bogus' },
        sandbox: { bwrapPath: 'bwrap', extra: 'x' },
        env: { A: 1, B: null, C: {}, D: [1] },
      }),
    ).toBeNull();
  });

  it('names the first field it would reject, and what it must be', () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ permissions: 5 }, '`permissions` is 5, not an object'],
      [{ permissions: null }, '`permissions` is null, not an object'],
      [{ permissions: { allow: 'Bash' } }, '`permissions.allow` is "Bash", not a list'],
      [
        { permissions: { defaultMode: 'yolo' } },
        '`permissions.defaultMode` is "yolo", not one of "acceptEdits"',
      ],
      [{ permissions: { additionalDirectories: [5] } }, 'not a list of strings'],
      [{ model: 5 }, '`model` is 5, not a string'],
      [{ verbose: 'true' }, '`verbose` is "true", not a boolean'],
      [{ env: [] }, '`env` is [], not an object'],
      [{ statusLine: 'x' }, '`statusLine` is "x", not an object'],
      [{ cleanupPeriodDays: 0 }, '`cleanupPeriodDays` is 0, not a positive integer'],
      [{ cleanupPeriodDays: 1.5 }, 'not a positive integer'],
      [{ skillListingBudgetFraction: 0 }, 'not a number over 0 up to 1'],
      [{ feedbackSurveyRate: 2 }, 'not a number from 0 to 1'],
      [{ defaultShell: 'zsh' }, '`defaultShell` is "zsh", not one of "bash", "powershell"'],
      [{ companyAnnouncements: [1] }, 'not a list of strings'],
      [{ blockedMarketplaces: ['x'] }, 'not a list of objects'],
      [{ sshConfigs: ['x'] }, '`sshConfigs[0]` is "x", not an object'],
      [{ enabledPlugins: { 'a@b.c': 5 } }, '`enabledPlugins.a@b.c` is 5, not a list of strings or a boolean'],
      [{ skillOverrides: { s: 'maybe' } }, 'not one of "on", "name-only"'],
      [{ forceLoginOrgUUID: 5 }, 'not a string or a list of strings'],
      // Inside the object settings, and the hooks' structure.
      [{ statusLine: {} }, '`statusLine.type` is missing (it must be one of "command")'],
      [{ statusLine: { type: 'command' } }, '`statusLine.command` is missing (it must be a string)'],
      [{ sandbox: { enabled: 'yes' } }, '`sandbox.enabled` is "yes", not a boolean'],
      [
        { sandbox: { network: { allowedDomains: 'x' } } },
        '`sandbox.network.allowedDomains` is "x", not a list',
      ],
      [
        { sandbox: { credentials: { envVars: [{ name: '1X', mode: 'deny' }] } } },
        '`sandbox.credentials.envVars[0].name` is "1X", not an environment variable name',
      ],
      [
        { sandbox: { network: { allowMachLookup: ['*.a'] } } },
        'not a service name with at most one trailing',
      ],
      [{ quietHours: { start: '25:00' } }, '`quietHours.start` is "25:00", not a HH:MM time'],
      [{ policyHelper: { path: 'p', timeoutMs: 5 } }, 'not an integer of 1000 or more'],
      [{ spinnerVerbs: { verbs: [] } }, '`spinnerVerbs.mode` is missing'],
      [{ worktree: { baseRef: 'main' } }, '`worktree.baseRef` is "main", not one of "fresh", "head"'],
      [{ pluginConfigs: { p: { options: { a: {} } } } }, '`pluginConfigs.p.options.a` is {}'],
      [
        { hooks: { ...HOOKS, PostToolUse: [{ hooks: [{ type: 'command' }] }] } },
        '`hooks.PostToolUse[0].hooks[0].command` is missing',
      ],
      [
        { hooks: { ...HOOKS, Stop: [{ hooks: [{ type: 'Command' }] }] } },
        '`hooks.Stop[0].hooks[0].type` is "Command"',
      ],
      [
        { hooks: { ...HOOKS, Stop: [{ matcher: 5, hooks: [] }] } },
        '`hooks.Stop[0].matcher` is 5, not a string',
      ],
      [{ hooks: { ...HOOKS, Stop: [{}] } }, '`hooks.Stop[0].hooks` is missing'],
      [
        { hooks: { ...HOOKS, Stop: [{ hooks: [{ type: 'http', url: 'nope' }] }] } },
        '`hooks.Stop[0].hooks[0].url` is "nope", not a URL',
      ],
      [
        { hooks: { ...HOOKS, Stop: [{ hooks: [{ type: 'command', command: 'x', timeout: 0 }] }] } },
        '`hooks.Stop[0].hooks[0].timeout` is 0, not a positive number',
      ],
    ];
    for (const [settings, detail] of cases)
      expect(claudeSettingsProblem({ hooks: HOOKS, ...settings }), JSON.stringify(settings)).toContain(
        detail,
      );
  });
});
