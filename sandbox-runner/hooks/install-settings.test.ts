import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type HookSpec, installHook, mergeHook } from './install-settings.js';

const SPEC: HookSpec = {
  event: 'PreToolUse',
  matcher: 'Bash|Edit|Write|MultiEdit|mcp__.*',
  command: 'ward hook claude-code',
  isOurs: (c) => /\bward(\.mjs)? hook claude-code\b/.test(c),
};

const dir = () => mkdtempSync(join(tmpdir(), 'ward-install-'));
interface Settings {
  model?: string;
  permissions?: unknown;
  hooks: { PreToolUse: unknown[]; Stop?: unknown };
}
const read = (f: string) => JSON.parse(readFileSync(f, 'utf8')) as Settings;

describe('installing the hook into settings', () => {
  it('creates the file, and a second run adds nothing', () => {
    const file = join(dir(), '.claude', 'settings.json');
    expect(installHook(file, SPEC)).toEqual({ file, changed: true });
    const first = readFileSync(file, 'utf8');
    expect(read(file)).toEqual({
      hooks: {
        PreToolUse: [
          { matcher: SPEC.matcher, hooks: [{ type: 'command', command: 'ward hook claude-code' }] },
        ],
      },
    });
    expect(installHook(file, SPEC)).toEqual({ file, changed: false });
    expect(readFileSync(file, 'utf8')).toBe(first);
  });

  it('keeps existing settings and other hooks, and updates its own entry in place', () => {
    const file = join(dir(), 'settings.json');
    const mine = { matcher: 'Bash', hooks: [{ type: 'command', command: './lint.sh', timeout: 5 }] };
    writeFileSync(
      file,
      JSON.stringify({
        model: 'opus',
        permissions: { allow: ['Bash(ls:*)'] },
        hooks: { PreToolUse: [mine], Stop: [{ hooks: [] }] },
      }),
    );
    installHook(file, SPEC);
    installHook(file, { ...SPEC, command: 'ward hook claude-code --wait', timeoutS: 330 });
    const s = read(file);
    expect(s.model).toBe('opus');
    expect(s.permissions).toEqual({ allow: ['Bash(ls:*)'] });
    expect(s.hooks.Stop).toEqual([{ hooks: [] }]);
    expect(s.hooks.PreToolUse).toEqual([
      mine,
      {
        matcher: SPEC.matcher,
        hooks: [{ type: 'command', command: 'ward hook claude-code --wait', timeout: 330 }],
      },
    ]);
    expect(readdirSync(join(file, '..')).filter((f) => f.includes('ward-tmp'))).toEqual([]);
  });

  it('separates its handler from a group it shares with someone else, and drops duplicates', () => {
    const shared = {
      matcher: 'Bash',
      hooks: [
        { type: 'command', command: './audit.sh' },
        { type: 'command', command: 'ward hook claude-code' },
      ],
    };
    const dup = {
      matcher: 'Bash',
      hooks: [{ type: 'command', command: '/usr/bin/node /opt/ward/bin/ward.mjs hook claude-code' }],
    };
    const { settings, changed } = mergeHook({ hooks: { PreToolUse: [shared, dup] } }, SPEC);
    expect(changed).toBe(true);
    expect((settings as unknown as Settings).hooks.PreToolUse).toEqual([
      { matcher: 'Bash', hooks: [{ type: 'command', command: './audit.sh' }] },
      { matcher: SPEC.matcher, hooks: [{ type: 'command', command: 'ward hook claude-code' }] },
    ]);
  });

  it("writes Gemini CLI's BeforeTool shape: a name, and the timeout in milliseconds", () => {
    const file = join(dir(), '.gemini', 'settings.json');
    installHook(file, {
      event: 'BeforeTool',
      matcher: '*',
      command: 'ward hook gemini-cli --wait',
      name: 'ward',
      timeoutS: 330,
      timeoutUnit: 'ms',
      isOurs: (c) => c.includes('hook gemini-cli'),
    });
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({
      hooks: {
        BeforeTool: [
          {
            matcher: '*',
            hooks: [
              { name: 'ward', type: 'command', command: 'ward hook gemini-cli --wait', timeout: 330_000 },
            ],
          },
        ],
      },
    });
  });

  it('backs up a malformed file instead of overwriting it, and refuses shapes it cannot merge into', () => {
    const d = dir();
    const file = join(d, 'settings.json');
    writeFileSync(file, '{ "model": "opus", ');
    const r = installHook(file, SPEC, () => new Date('2026-11-26T10:00:00Z'));
    expect(r.changed).toBe(true);
    expect(r.backup).toBe(`${file}.ward-backup-2026-11-26T10-00-00-000Z`);
    expect(readFileSync(r.backup as string, 'utf8')).toBe('{ "model": "opus", ');
    expect(read(file).hooks.PreToolUse).toHaveLength(1);

    writeFileSync(file, JSON.stringify({ hooks: 'nope' }));
    expect(() => installHook(file, SPEC)).toThrow(/"hooks" is not an object/);
    expect(read(file)).toEqual({ hooks: 'nope' });
  });
});
