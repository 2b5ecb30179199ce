import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, realpathSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  hookProgram,
  hookWords,
  isWardHookCommand,
  isWrappedHookCommand,
  shellQuote,
  wardHookCommand,
} from './hook-command.js';
import { mergeHook } from './install-settings.js';

// The wrapper `ward install` puts around `ward hook`, run by a real /bin/sh as the agents run it (`sh -c`).

/** A stand-in `ward` in a directory whose name a shell would misread unquoted. */
function standIn(body: string) {
  const dir = join(realpathSync(mkdtempSync(join(tmpdir(), 'ward-wrap-'))), `it's a "ward" $dir`);
  mkdirSync(dir);
  const file = join(dir, 'ward');
  writeFileSync(file, `#!/bin/sh\ncat >/dev/null\n${body}\n`);
  chmodSync(file, 0o755);
  return file;
}
const runHook = (command: string) =>
  spawnSync('/bin/sh', ['-c', command], { input: '{"hook_event_name":"PreToolUse"}', encoding: 'utf8' });
const hookOf = (body: string) =>
  wardHookCommand(shellQuote(standIn(body)), 'claude-code', ['--timeout', '5']);

describe('the wrapped hook command: only an answer lets the tool run', () => {
  it('passes an answer through: exit 0 with a JSON object (`{}` is "no objection", a deny stays a deny)', () => {
    expect(runHook(hookOf(`echo '{}'`))).toMatchObject({ status: 0, stdout: '{}\n' });
    const deny = '{"hookSpecificOutput":{"permissionDecision":"deny"}}';
    expect(runHook(hookOf(`echo '${deny}'`))).toMatchObject({ status: 0, stdout: `${deny}\n` });
    // The arguments reach ward as words, the path with its quotes and `$` intact.
    expect(runHook(hookOf(`printf '{"args":"%s"}' "$*"`)).stdout).toBe(
      '{"args":"hook claude-code --timeout 5"}\n',
    );
  });

  it('blocks (exit 2) whatever else happens: killed, crashed, missing, silent, broken, exit 2', () => {
    const cases = {
      sigkill: 'kill -9 $$',
      sigterm: 'kill -TERM $$',
      crash: 'exit 1',
      silent: 'exit 0', // an emptied ward file, a stand-in `node` that prints nothing
      broken: `printf '{"hookSpecificOutput":{"permissionDecision":"deny"'; exit 0`,
      exit2: `echo '{"decision":"deny"}'; echo 'Ward: denied' >&2; exit 2`,
    };
    for (const [name, body] of Object.entries(cases)) {
      const r = runHook(hookOf(body));
      expect(r.status, name).toBe(2);
      expect(r.stdout, name).toBe('');
      if (name !== 'exit2')
        expect(r.stderr, name).toMatch(/Ward: the hook gave no answer \(exit status \d+\)/);
    }
    expect(runHook(hookOf('exit 2')).stderr).toBe(''); // ward's own exit 2 brings its own reason
    const missing = wardHookCommand('/nonexistent/ward', 'codex');
    expect(runHook(missing)).toMatchObject({ status: 2, stderr: expect.stringContaining('exit status 127') });
  });

  it("is recognised as Ward's (old and new, quoted paths) and its program is found", () => {
    const path = `/opt/it's a "ward"/ward`;
    const wrapped = wardHookCommand(shellQuote(path), 'gemini-cli');
    expect(isWardHookCommand(wrapped, 'gemini-cli')).toBe(true);
    expect(isWardHookCommand(wrapped, 'codex')).toBe(false);
    expect(isWrappedHookCommand(wrapped)).toBe(true);
    expect(hookProgram(wrapped)).toBe(path);
    expect(hookProgram(wardHookCommand('/usr/bin/node /opt/ward/bin/ward.mjs', 'codex'))).toBe(
      '/usr/bin/node',
    );
    expect(isWrappedHookCommand('/usr/local/bin/ward hook codex')).toBe(false);
    expect(hookProgram('/usr/local/bin/ward hook codex')).toBe('/usr/local/bin/ward');
  });

  it('reads the words a hook command runs as far as a shell takes them as plain words', () => {
    expect(
      hookWords(wardHookCommand(shellQuote(`/opt/it's a "ward" $dir/ward`), 'codex', ['--wait'])),
    ).toEqual({
      words: [`/opt/it's a "ward" $dir/ward`, 'hook', 'codex', '--wait'],
      rest: '',
    });
    // Braces, `;`, a newline, double quotes, `$`: whatever a shell may read otherwise ends the words.
    expect(hookWords(wardHookCommand('/usr/bin/printf {} /usr/local/bin/ward', 'codex'))).toEqual({
      words: ['/usr/bin/printf'],
      rest: '{} /usr/local/bin/ward hook codex',
    });
    expect(hookWords('/usr/local/bin/ward hook codex\nprintf x').rest).toBe('codex\nprintf x');
    expect(hookWords('/usr/local/bin/ward "hook" codex').words).toEqual(['/usr/local/bin/ward']);
    expect(hookWords('/usr/local/bin/ward hook $AGENT').rest).toBe('$AGENT');
  });

  it('a re-install replaces an older, bare command', () => {
    const old = {
      hooks: {
        PreToolUse: [
          { matcher: '*', hooks: [{ type: 'command', command: '/usr/local/bin/ward hook claude-code' }] },
        ],
      },
    };
    const command = wardHookCommand('/usr/local/bin/ward', 'claude-code');
    const isOurs = (c: string) => isWardHookCommand(c, 'claude-code');
    const { settings, changed } = mergeHook(old, { event: 'PreToolUse', matcher: '*', command, isOurs });
    expect(changed).toBe(true);
    expect(settings).toEqual({
      hooks: { PreToolUse: [{ matcher: '*', hooks: [{ type: 'command', command }] }] },
    });
    expect(mergeHook(settings, { event: 'PreToolUse', matcher: '*', command, isOurs }).changed).toBe(false);
  });
});
