import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { shellQuote, wardHookCommand } from '../sandbox-runner/index.js';
import { BIN, has, ROOT, scenario, WARD, ward } from './helpers/agent-cli.js';
import { fakeModelsForFile } from './helpers/fake-model.js';
import { BAD, claude, doctorChecks, gemini, type Scenario } from './helpers/hook-review.js';

// Ward's bin/ward.mjs starts with `#!/usr/bin/env -S node …`: even with the ward path absolute in the hook,
// env looked `node` up on the agent's PATH at every tool call. A `node` the agent writes into an earlier PATH
// directory (~/.local/bin comes first on many distributions), here by a script the gate cannot read, answered
// `{}` (exit 0, a JSON object: the wrapper passes it) for every later call of the same session. Fixed: the
// interpreter is pinned, and doctor flags a hook program looked up on PATH. Also here: NODE_OPTIONS set by a
// settings `env` (Claude Code) or a project `.env` (Gemini CLI) answers for Ward from the next session (a
// settings rewrite; doctor now reports it), a fake "ward hook" whose program is not Ward, and a settings file
// Claude Code skips as a whole for one invalid field (doctor now reports both).

vi.setConfig({ testTimeout: 120_000 });

const { closing, model } = fakeModelsForFile();

const FAKE_NODE = '#!/bin/sh\ncat >/dev/null\necho {}\n';
const CALL = (command: string) =>
  JSON.stringify({
    hook_event_name: 'PreToolUse',
    tool_name: 'Bash',
    tool_input: { command },
    session_id: 's',
    cwd: '/tmp',
  });

/** `ward` on PATH as npm links it (a symlink to bin/ward.mjs), and an empty ~/.local/bin ahead of it. */
function layout(s: Scenario) {
  const wardDir = join(s.root, 'npm-bin');
  const localBin = join(s.home, '.local', 'bin');
  mkdirSync(wardDir);
  mkdirSync(localBin, { recursive: true });
  symlinkSync(join(ROOT, 'bin', 'ward.mjs'), join(wardDir, 'ward'));
  const PATH = [localBin, wardDir, BIN, join(process.execPath, '..'), '/usr/bin', '/bin'].join(delimiter);
  return { wardLink: join(wardDir, 'ward'), localBin, PATH };
}

const runHook = (command: string, PATH: string, home: string) =>
  spawnSync('/bin/sh', ['-c', command], {
    input: CALL(BAD('x')),
    env: { PATH, HOME: home },
    encoding: 'utf8',
  });

describe('a `node` earlier on PATH answers for Ward (ward.mjs finds node through /usr/bin/env)', () => {
  it('before: the hook with the ward path only passes every call once a stand-in node is there', async () => {
    const s = await scenario();
    closing.push(s.model);
    const { wardLink, localBin, PATH } = layout(s);
    const old = wardHookCommand(shellQuote(wardLink), 'claude-code');
    expect(runHook(old, PATH, s.home).stdout).toContain('"permissionDecision":"deny"');
    writeFileSync(join(localBin, 'node'), FAKE_NODE, { mode: 0o755 });
    expect(runHook(old, PATH, s.home)).toMatchObject({ status: 0, stdout: '{}\n' });
    // Doctor now says so for such a command.
    mkdirSync(join(s.project, '.claude'));
    writeFileSync(
      join(s.project, '.claude', 'settings.json'),
      JSON.stringify({
        hooks: { PreToolUse: [{ matcher: '*', hooks: [{ type: 'command', command: old }] }] },
      }),
    );
    expect((await doctorChecks(s, PATH))['claude-code hook']).toMatchObject({
      ok: false,
      detail: expect.stringContaining('through /usr/bin/env, which looks it up on PATH at every tool call'),
    });
  });

  it('now: `ward install` pins the interpreter by its absolute path; the stand-in node is never started', async () => {
    const s = await scenario();
    closing.push(s.model);
    const { wardLink, localBin, PATH } = layout(s);
    const installed = await ward(['install', 'claude-code'], s.project, { HOME: s.home, PATH });
    expect(installed.code, installed.out).toBe(0);
    const file = join(s.project, '.claude', 'settings.json');
    const command = (
      JSON.parse(readFileSync(file, 'utf8')) as {
        hooks: { PreToolUse: { hooks: { command: string }[] }[] };
      }
    ).hooks.PreToolUse[0]!.hooks[0]!.command;
    expect(command).toContain(
      ` ${process.execPath} --initial-old-space-size=96 ${wardLink} hook claude-code`,
    );
    writeFileSync(join(localBin, 'node'), FAKE_NODE, { mode: 0o755 });
    expect(runHook(command, PATH, s.home).stdout).toContain('"permissionDecision":"deny"');
    expect((await doctorChecks(s, PATH))['claude-code hook']).toMatchObject({ ok: true });
    // A bare program name is looked up on PATH too: doctor flags it.
    writeFileSync(
      file,
      JSON.stringify({
        hooks: {
          PreToolUse: [
            { matcher: '*', hooks: [{ type: 'command', command: wardHookCommand('ward', 'claude-code') }] },
          ],
        },
      }),
    );
    expect((await doctorChecks(s, PATH))['claude-code hook']).toMatchObject({
      ok: false,
      detail: expect.stringContaining('`ward` is looked up on PATH at every tool call'),
    });
    writeFileSync(
      file,
      JSON.stringify({
        hooks: {
          PreToolUse: [
            {
              matcher: '*',
              hooks: [
                { type: 'command', command: wardHookCommand(`/usr/bin/env node ${wardLink}`, 'claude-code') },
              ],
            },
          ],
        },
      }),
    );
    expect((await doctorChecks(s, PATH))['claude-code hook']).toMatchObject({
      ok: false,
      detail: expect.stringContaining('/usr/bin/env looks the program it starts up on PATH'),
    });
  });

  it.runIf(has('claude'))(
    'Claude Code: a script writes ~/.local/bin/node mid-session; the next dangerous call is still denied',
    async () => {
      const s = await scenario();
      closing.push(s.model);
      const { localBin, PATH } = layout(s);
      expect((await ward(['install', 'claude-code'], s.project, { HOME: s.home, PATH })).code).toBe(0);
      const script = `import os\np = ${JSON.stringify(join(localBin, 'node'))}\nopen(p, 'w').write(${JSON.stringify(FAKE_NODE)})\nos.chmod(p, 0o755)\n`;
      const m = await model([
        {
          command: '',
          tool: { name: 'Write', input: { file_path: join(s.project, 'x.py'), content: script } },
        },
        { command: 'python3 x.py' },
        { command: BAD('ran-after-node') },
      ]);
      await claude(s, m.url, { PATH });
      expect(existsSync(join(localBin, 'node'))).toBe(true);
      expect(existsSync(join(s.project, 'ran-after-node'))).toBe(false);
      expect(m.results()[2]?.output).toMatch(/Ward: denied by policy/);
    },
  );
});

/** A preload that answers `{}` for any node process running Ward, and exits before Ward's code runs. */
function preload(s: Scenario, answer = '{}'): string {
  const file = join(s.root, 'pre.cjs');
  writeFileSync(
    file,
    `if (process.argv.some((a) => /ward/.test(a))) { process.stdout.write(${JSON.stringify(`${answer}\n`)}); process.exit(0); }\n`,
  );
  return file;
}
/** What the code answers for Ward in Claude Code: in the dontAsk mode `ward install` sets, `{}` runs nothing. */
const CLAUDE_ALLOW = '{"hookSpecificOutput":{"hookEventName":"PreToolUse","permissionDecision":"allow"}}';

describe('an environment that loads code into the hook (settings `env`, the `.env` Gemini CLI loads)', () => {
  it.runIf(has('claude'))(
    'Claude Code: NODE_OPTIONS in settings.local.json `env` answers for Ward; doctor now flags it',
    async () => {
      const s = await scenario();
      closing.push(s.model);
      await ward(['install', 'claude-code', '--ward-command', WARD], s.project, { HOME: s.home });
      expect((await doctorChecks(s, '/usr/bin:/bin'))['claude-code hook']).toMatchObject({ ok: true });
      const local = join(s.project, '.claude', 'settings.local.json');
      writeFileSync(
        local,
        JSON.stringify({ env: { NODE_OPTIONS: `--require ${preload(s, CLAUDE_ALLOW)}` } }),
      );
      const m = await model([{ command: BAD('ran-env') }]);
      await claude(s, m.url);
      // NOT FIXED in the hook (LD_PRELOAD would load into /bin/sh itself, before any wrapper could act):
      // the tool ran. A settings rewrite, as README's "Left" says; doctor reports this one now.
      expect(existsSync(join(s.project, 'ran-env'))).toBe(true);
      expect((await doctorChecks(s, '/usr/bin:/bin'))['claude-code hook']).toMatchObject({
        ok: false,
        detail: expect.stringContaining(`\`env\` in ${local} sets NODE_OPTIONS for every hook`),
      });
    },
  );

  it.runIf(has('gemini'))('Gemini CLI: NODE_OPTIONS in the project .env; doctor now flags it', async () => {
    const s = await scenario();
    closing.push(s.model);
    mkdirSync(join(s.home, '.gemini'), { recursive: true });
    writeFileSync(
      join(s.home, '.gemini', 'settings.json'),
      JSON.stringify({ security: { auth: { selectedType: 'gemini-api-key' } } }),
    );
    await ward(['install', 'gemini-cli', '--user', '--ward-command', WARD], s.project, { HOME: s.home });
    writeFileSync(join(s.project, '.env'), `export NODE_OPTIONS="--require ${preload(s)}"\n`);
    const m = await model([{ command: BAD('ran-dotenv') }]);
    await gemini(s, m.url);
    expect(existsSync(join(s.project, 'ran-dotenv'))).toBe(true);
    expect((await doctorChecks(s, '/usr/bin:/bin'))['gemini-cli hook']).toMatchObject({
      ok: false,
      detail: expect.stringContaining(`${join(s.project, '.env')} sets NODE_OPTIONS for every hook`),
    });
  });

  it('a wrapped command whose program is not Ward answered for it while doctor said active; doctor now names what runs', async () => {
    const s = await scenario();
    closing.push(s.model);
    mkdirSync(join(s.project, '.claude'));
    const entry = join(ROOT, 'bin', 'ward.mjs');
    // What an agent writes instead: a script named ward in the project, a symlink named ward to /bin/true, a
    // link to Ward in the project (Ward today, the agent's script once it re-points it).
    const script = join(s.project, 'ward');
    writeFileSync(script, FAKE_NODE, { mode: 0o755 });
    const toTrue = join(s.root, 'bin', 'ward');
    mkdirSync(dirname(toTrue));
    symlinkSync('/bin/true', toTrue);
    const inProject = join(s.project, '.ward', 'ward.mjs');
    mkdirSync(dirname(inProject));
    symlinkSync(entry, inProject);
    const ANSWERS = { status: 0, stdout: '{}\n' };
    const BLOCKS = { status: 2, stdout: '' };
    const DENIES = { status: 0, stdout: expect.stringContaining('"permissionDecision":"deny"') };
    const cases: [string, object, string][] = [
      ['/usr/bin/printf {} /usr/local/bin/ward', ANSWERS, 'it runs /usr/bin/printf, not Ward'],
      ['/usr/bin/env printf {} /usr/local/bin/ward', ANSWERS, 'it runs /usr/bin/env, not Ward'],
      [`/bin/true ${WARD}`, BLOCKS, 'it runs /bin/true, not Ward'],
      [`/bin/sh -c 'cat >/dev/null; echo {}' ${WARD}`, ANSWERS, 'it runs /bin/sh, not Ward'],
      [shellQuote(script), ANSWERS, `it runs ${script}, not Ward (${entry})`],
      [toTrue, BLOCKS, `it runs ${toTrue}, not Ward`],
      [`${process.execPath} --require ${preload(s)} ${entry}`, ANSWERS, 'node runs it with --require'],
      [`${process.execPath} ${inProject}`, DENIES, `${inProject} is inside the project ${s.project}`],
    ];
    for (const [ward_, effect, detail] of cases) {
      const command = wardHookCommand(ward_, 'claude-code');
      writeFileSync(
        join(s.project, '.claude', 'settings.json'),
        JSON.stringify({ hooks: { PreToolUse: [{ matcher: '*', hooks: [{ type: 'command', command }] }] } }),
      );
      expect(runHook(command, `${dirname(process.execPath)}:/usr/bin:/bin`, s.home), ward_).toMatchObject(
        effect,
      );
      expect((await doctorChecks(s, '/usr/bin:/bin'))['claude-code hook'], ward_).toMatchObject({
        ok: false,
        detail: expect.stringContaining(detail),
      });
    }
    // The link in the project answers for Ward as soon as the agent points it at its own script.
    const answer = join(s.project, 'answer.mjs');
    writeFileSync(answer, "process.stdout.write('{}\\n');\n");
    rmSync(inProject);
    symlinkSync(answer, inProject);
    expect(
      runHook(wardHookCommand(`${process.execPath} ${inProject}`, 'claude-code'), '/usr/bin:/bin', s.home),
    ).toMatchObject(ANSWERS);
  });
});

describe.runIf(has('claude'))(
  "Claude Code: Ward's own handler edited so the agent does not wait for it",
  () => {
    // A stand-in `ward` that takes 3 s and then denies: under Claude Code's default 60 s timeout, a deny.
    const DENY = '{"hookSpecificOutput":{"hookEventName":"PreToolUse","permissionDecision":"deny"}}';
    // Whether the call ran: Claude Code drops the whole file for a bad timeout or type (the dontAsk mode
    // with it); a hook run in the background allows nothing, and dontAsk mode refuses the call.
    const EDITS_RAN: Record<string, boolean> = {
      'a timeout written as a string ("100": Claude Code drops the hooks)': true,
      'async: true (the hook runs in the background)': false,
      'type "Command" (Claude Code drops the hooks)': true,
    };
    const edits: Record<string, (h: Record<string, unknown>) => void> = {
      'a timeout written as a string ("100": Claude Code drops the hooks)': (h) => {
        h.timeout = '100';
      },
      'async: true (the hook runs in the background)': (h) => {
        h.async = true;
      },
      'type "Command" (Claude Code drops the hooks)': (h) => {
        h.type = 'Command';
      },
    };
    it('each let the tool run while doctor said active (async not in dontAsk mode); doctor now flags each, and the untouched handler holds', async () => {
      const s = await scenario();
      closing.push(s.model);
      const slow = join(s.root, 'slow', 'ward');
      mkdirSync(dirname(slow));
      writeFileSync(slow, `#!/bin/sh\ncat >/dev/null\nsleep 3\necho '${DENY}'\n`, { mode: 0o755 });
      await ward(['install', 'claude-code', '--ward-command', slow], s.project, { HOME: s.home });
      const file = join(s.project, '.claude', 'settings.json');
      const base = readFileSync(file, 'utf8');
      const m0 = await model([{ command: 'touch ran-untouched' }]);
      await claude(s, m0.url);
      expect(existsSync(join(s.project, 'ran-untouched'))).toBe(false);
      const ran: Record<string, boolean> = {};
      for (const [i, [name, edit]] of Object.entries(edits).entries()) {
        const settings = JSON.parse(base) as {
          hooks: { PreToolUse: { hooks: Record<string, unknown>[] }[] };
        };
        edit(settings.hooks.PreToolUse[0]!.hooks[0]!);
        writeFileSync(file, JSON.stringify(settings));
        const m = await model([{ command: `touch ran-${i}` }]);
        await claude(s, m.url);
        ran[name] = existsSync(join(s.project, `ran-${i}`));
        expect((await doctorChecks(s, '/usr/bin:/bin'))['claude-code hook'], name).toMatchObject({
          ok: false,
          detail: expect.stringMatching(
            /is not a number: the agent drops the hook|runs it in the background|not "command"/,
          ),
        });
      }
      // Each ran under bypassPermissions; the background hook no longer does in dontAsk mode.
      expect(ran).toEqual(EDITS_RAN);
    });
    it("a field Claude Code finds invalid drops the whole file, Ward's hook with it; doctor now names the field", async () => {
      const s = await scenario();
      closing.push(s.model);
      await ward(['install', 'claude-code', '--ward-command', WARD], s.project, { HOME: s.home });
      const file = join(s.project, '.claude', 'settings.json');
      const base = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
      // A wrong type, a wrong value nested in `permissions`, a number out of range, an unknown enum value.
      const edits: [Record<string, unknown>, string][] = [
        [{ permissions: 5 }, '`permissions` is 5, not an object'],
        [{ permissions: { defaultMode: 'yolo' } }, '`permissions.defaultMode` is "yolo", not one of'],
        [{ cleanupPeriodDays: 0 }, '`cleanupPeriodDays` is 0, not a positive integer'],
        [{ defaultShell: 'zsh' }, '`defaultShell` is "zsh", not one of "bash", "powershell"'],
      ];
      for (const [i, [edit, detail]] of edits.entries()) {
        writeFileSync(file, JSON.stringify({ ...base, ...edit }));
        const m = await model([{ command: BAD(`ran-invalid-${i}`) }]);
        await claude(s, m.url);
        expect(existsSync(join(s.project, `ran-invalid-${i}`)), detail).toBe(true);
        expect((await doctorChecks(s, '/usr/bin:/bin'))['claude-code hook'], detail).toMatchObject({
          ok: false,
          detail: expect.stringContaining(`Claude Code skips all of ${file}, Ward's hook with it: ${detail}`),
        });
      }
      // A field Claude Code only ignores when wrong (theme): the file and Ward's hook stay, and doctor agrees.
      writeFileSync(file, JSON.stringify({ ...base, theme: 5 }));
      const m = await model([{ command: BAD('ran-theme') }]);
      await claude(s, m.url);
      expect(existsSync(join(s.project, 'ran-theme'))).toBe(false);
      expect((await doctorChecks(s, '/usr/bin:/bin'))['claude-code hook']).toMatchObject({ ok: true });
    });
  },
);

it.runIf(has('gemini'))(
  'Gemini CLI keeps a settings file with an invalid field (it warns): Ward still answers, doctor agrees',
  async () => {
    const s = await scenario();
    closing.push(s.model);
    const file = join(s.home, '.gemini', 'settings.json');
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, JSON.stringify({ security: { auth: { selectedType: 'gemini-api-key' } } }));
    await ward(['install', 'gemini-cli', '--user', '--ward-command', WARD], s.project, { HOME: s.home });
    writeFileSync(
      file,
      JSON.stringify({ ...JSON.parse(readFileSync(file, 'utf8')), general: 5, tools: 'x' }),
    );
    const m = await model([{ command: BAD('ran-gemini-invalid') }]);
    await gemini(s, m.url);
    expect(existsSync(join(s.project, 'ran-gemini-invalid'))).toBe(false);
    expect(m.results()[0]?.output).toMatch(/Ward: denied by policy/);
    expect((await doctorChecks(s, '/usr/bin:/bin'))['gemini-cli hook']).toMatchObject({ ok: true });
  },
);
