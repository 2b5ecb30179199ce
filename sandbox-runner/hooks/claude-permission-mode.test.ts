import { describe, expect, it } from 'vitest';
import { hookAllowRequired, requireHookAllow } from './claude-permission-mode.js';

describe("Claude Code's permission mode as the hook's backstop", () => {
  it('sets dontAsk and disables bypass mode, keeping the rules and directories there', () => {
    const before = {
      model: 'opus',
      permissions: { allow: ['Bash(ls:*)'], defaultMode: 'bypassPermissions' },
    };
    const r = requireHookAllow(before);
    expect(r).toEqual({
      settings: {
        model: 'opus',
        permissions: {
          allow: ['Bash(ls:*)'],
          defaultMode: 'dontAsk',
          disableBypassPermissionsMode: 'disable',
        },
      },
      changed: true,
      replaced: 'bypassPermissions',
    });
    expect(requireHookAllow(r.settings)).toEqual({ settings: r.settings, changed: false });
    expect(requireHookAllow({})).toMatchObject({ changed: true });
    expect(requireHookAllow({})).not.toHaveProperty('replaced');
  });

  it('refuses permissions that are not an object', () => {
    expect(() => requireHookAllow({ permissions: ['Bash'] })).toThrow(/"permissions" is not an object/);
  });

  it("asks for Ward's allow only in dontAsk mode", () => {
    expect(hookAllowRequired('dontAsk')).toBe(true);
    for (const m of ['default', 'bypassPermissions', 'acceptEdits', 'plan', undefined])
      expect(hookAllowRequired(m)).toBe(false);
  });
});
