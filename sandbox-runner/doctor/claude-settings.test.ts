import { describe, expect, it } from 'vitest';
import { claudeSettingsProblem } from './claude-settings.js';

// Which settings make Claude Code skip a whole settings file (measured with the real binary; a sample of it
// runs for real in test/redteam-hooks-review-5.test.ts).

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
      [{ sshConfigs: ['x'] }, 'not a list of objects'],
      [{ enabledPlugins: { 'a@b.c': 5 } }, '`enabledPlugins.a@b.c` is 5, not a list of strings or a boolean'],
      [{ skillOverrides: { s: 'maybe' } }, 'not one of "on", "name-only"'],
      [{ forceLoginOrgUUID: 5 }, 'not a string or a list of strings'],
    ];
    for (const [settings, detail] of cases)
      expect(claudeSettingsProblem({ hooks: HOOKS, ...settings }), JSON.stringify(settings)).toContain(
        detail,
      );
  });
});
