import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { wardHookCommand } from '../hooks/hook-command.js';
import { checkClaudePermissions } from './claude-permissions-check.js';

const HOOK = {
  PreToolUse: [
    { matcher: '*', hooks: [{ type: 'command', command: wardHookCommand('/usr/bin/ward', 'claude-code') }] },
  ],
};
const INSTALLED = { defaultMode: 'dontAsk', disableBypassPermissionsMode: 'disable' };

function fresh() {
  const root = mkdtempSync(join(tmpdir(), 'ward-claude-mode-'));
  const d = { home: join(root, 'home'), project: join(root, 'project'), managedDir: join(root, 'etc') };
  const write = (file: string, v: unknown) => {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, JSON.stringify(v));
  };
  return {
    d,
    user: (v: unknown) => write(join(d.home, '.claude', 'settings.json'), v),
    project: (v: unknown) => write(join(d.project, '.claude', 'settings.json'), v),
    local: (v: unknown) => write(join(d.project, '.claude', 'settings.local.json'), v),
    managed: (v: unknown, name?: string) =>
      write(
        name ? join(d.managedDir, 'managed-settings.d', name) : join(d.managedDir, 'managed-settings.json'),
        v,
      ),
    check: () => checkClaudePermissions(d),
  };
}

describe("doctor: would Claude Code run a tool Ward's hook did not allow", () => {
  it('says nothing without Ward’s hook, and ok for what ward install writes', () => {
    const f = fresh();
    f.project({ permissions: { defaultMode: 'bypassPermissions' } });
    expect(f.check()).toEqual([]);
    f.project({ hooks: HOOK, permissions: INSTALLED });
    expect(f.check()).toEqual([expect.objectContaining({ name: 'claude-code mode', ok: true })]);
  });

  it('flags a hook installed before the mode: default mode, bypass not disabled', () => {
    const f = fresh();
    f.project({ hooks: HOOK });
    const [c] = f.check();
    expect(c?.ok).toBe(false);
    expect(c?.detail).toContain('the permission mode is default (no defaultMode set)');
    expect(c?.detail).toContain('bypass mode is not disabled');
  });

  it('takes the mode by precedence (managed, local, project, user) and a disable from any file', () => {
    const f = fresh();
    f.project({ hooks: HOOK, permissions: INSTALLED });
    f.local({ permissions: { defaultMode: 'bypassPermissions' } });
    expect(f.check()[0]?.detail).toMatch(/permission mode is bypassPermissions \(.*settings\.local\.json\)/);
    f.managed({ permissions: { defaultMode: 'dontAsk' } });
    expect(f.check()[0]).toMatchObject({ ok: true });
    f.project({ hooks: HOOK, permissions: { defaultMode: 'acceptEdits' } });
    f.local({});
    f.managed({});
    f.user({ permissions: { defaultMode: 'dontAsk', disableBypassPermissionsMode: 'disable' } });
    expect(f.check()[0]?.detail).toMatch(/permission mode is acceptEdits .*approves file edits/);
    expect(f.check()[0]?.detail).not.toContain('bypass mode is not disabled');
  });

  it('flags allow rules that match every call of a tool, in any file, managed drop-ins included', () => {
    const f = fresh();
    f.project({ hooks: HOOK, permissions: { ...INSTALLED, allow: ['Bash(npm test)', 'Bash(git diff:*)'] } });
    expect(f.check()[0]).toMatchObject({ ok: true });
    f.user({ permissions: { allow: ['Bash(*)', 'Read(./src/**)'] } });
    f.local({ permissions: { allow: ['Write', 'Bash(:*)'] } });
    f.managed({ permissions: { allow: ['mcp__github'] } }, '10-team.json');
    const detail = f.check()[0]?.detail ?? '';
    expect(detail).toContain('`Bash(*)` in permissions.allow of');
    expect(detail).toContain('`Write`, `Bash(:*)` in permissions.allow of');
    expect(detail).toContain('`mcp__github` in permissions.allow of');
    expect(detail).not.toMatch(/npm test|git diff|Read\(/);
  });
});
