import { mkdirSync, mkdtempSync, realpathSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { shellQuote, wardHookCommand } from '../hooks/hook-command.js';
import { wardProgramProblem } from './ward-program.js';

// What doctor takes for Ward's own program in a hook command. The hostile commands that answer `{}` (printf,
// env, true, sh -c, a script or symlink named ward, a ward in the project) run for real in
// test/redteam-hooks-review-5.test.ts; here, what `ward install` writes passes and the rest of the edge fails.

const ROOT = join(import.meta.dirname, '..', '..');
const entry = join(ROOT, 'bin', 'ward.mjs');
const ward = { entry, node: process.execPath };
const project = realpathSync(mkdtempSync(join(tmpdir(), 'ward-program-')));
const check = (ward_: string, args: string[] = [], agent = 'claude-code') =>
  wardProgramProblem(wardHookCommand(ward_, agent, args), agent, {
    ward,
    project,
    path: `${dirname(process.execPath)}:/usr/bin:/bin`,
  });

describe('doctor: the program of a Ward hook command is Ward', () => {
  it('passes what `ward install` writes: the pinned node with the entry’s own options, or the entry itself', () => {
    expect(check(`${process.execPath} --initial-old-space-size=96 ${entry}`)).toBeNull();
    expect(check(`${process.execPath} ${entry}`, ['--wait', '--timeout', '600'], 'gemini-cli')).toBeNull();
    expect(check(`${process.execPath} ${entry}`, ['--wait'], 'codex')).toBeNull();
    expect(check(shellQuote(entry))).toBeNull(); // the entry's `#!/usr/bin/env` is flagged on its own
    // Through a symlink outside the project (npm link's bin), and through node found on PATH.
    const bin = join(mkdtempSync(join(tmpdir(), 'ward-bin-')), 'ward');
    symlinkSync(entry, bin);
    expect(check(`${process.execPath} ${bin}`)).toBeNull();
    expect(check(`node ${entry}`)).toBeNull();
  });

  it('fails node options that load other code, arguments that change Ward, shell syntax, relative paths', () => {
    expect(check(`${process.execPath} --require /tmp/x.cjs ${entry}`)).toContain(
      'node runs it with --require, which `ward install` never writes',
    );
    expect(check(`${process.execPath} -e 1 ${entry}`)).toContain('node runs it with -e');
    expect(check(`${process.execPath} ${entry}`, ['--policy', '/tmp/allow-all.yaml'])).toContain(
      'its arguments `hook claude-code --policy /tmp/allow-all.yaml` are not `hook claude-code` as `ward install` writes them',
    );
    expect(check(`${process.execPath} ${entry}`, ['--mode', 'autonomous'])).toContain('its arguments');
    expect(check(`${process.execPath} ${entry} hook claude-code; printf {} #`)).toContain(
      'the shell runs more than Ward: `claude-code; printf {} # hook',
    );
    expect(check(`"${entry}"`)).toContain('it does not start with a plain program path');
    expect(check(`${process.execPath} bin/ward.mjs`)).toContain('bin/ward.mjs is not an absolute path');
    expect(check(process.execPath)).toContain(`it runs ${process.execPath}, not Ward (${entry})`);
  });

  it("fails a Ward whose checkout is inside the project: the agent rewrites Ward's own files", () => {
    const inside = join(project, 'tools');
    mkdirSync(inside);
    symlinkSync(ROOT, join(inside, 'ward'));
    expect(check(`${process.execPath} ${join(inside, 'ward', 'bin', 'ward.mjs')}`)).toContain(
      `${join(inside, 'ward', 'bin', 'ward.mjs')} is inside the project ${project}, which the agent can rewrite`,
    );
    // A link outside the project that goes through one inside it.
    const hop = join(project, 'hop.mjs');
    symlinkSync(entry, hop);
    const outside = join(mkdtempSync(join(tmpdir(), 'ward-bin-')), 'ward.mjs');
    symlinkSync(hop, outside);
    expect(check(`${process.execPath} ${outside}`)).toContain(`${hop} is inside the project ${project}`);
    expect(
      wardProgramProblem(wardHookCommand(`${process.execPath} ${entry}`, 'codex'), 'codex', {
        ward,
        project: ROOT,
        path: undefined,
      }),
    ).toContain(`is inside the project ${ROOT}`);
  });
});
