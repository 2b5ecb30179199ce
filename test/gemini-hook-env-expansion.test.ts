import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { checkAgentHooks } from '../sandbox-runner/index.js';
import { has, scenario, WARD, WARD_PROGRAM, ward } from './helpers/agent-cli.js';
import { fakeModelsForFile } from './helpers/fake-model.js';
import { BAD, gemini } from './helpers/hook-review.js';

// Gemini CLI replaces `$name` and `${name}` in its settings files with variables of its own environment,
// hook commands included. The wrapper `ward install` wrote kept Ward's answer in `$a` and its exit status in
// `$s`: with `a={}` and `s=0` in Gemini CLI's environment (a line the agent adds to ~/.profile or ~/.bashrc
// takes effect from the next session), the wrapper printed `{}` for every call, whatever Ward answered.
// Fixed: the wrapper names no variable; doctor flags the previous one in Gemini CLI's settings.

vi.setConfig({ testTimeout: 120_000 });

const { closing, model } = fakeModelsForFile();

const PREVIOUS_WRAPPER = `/bin/sh -c 'a=$("$@"); s=$?; case $s$a in 0{*}) printf "%s\\n" "$a"; exit 0;; esac; [ $s = 2 ] || echo "Ward: the hook gave no answer (exit status $s); the tool call is blocked" >&2; exit 2' ward-hook`;
const FILLED = { a: '{}', s: '0' };

describe.runIf(has('gemini'))('Gemini CLI fills variables of its environment into the hook command', () => {
  it('the previous wrapper answered {} for every call with a={} s=0 set; the current one holds', async () => {
    const s = await scenario();
    closing.push(s.model);
    const file = join(s.home, '.gemini', 'settings.json');
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, JSON.stringify({ security: { auth: { selectedType: 'gemini-api-key' } } }));
    const installed = await ward(['install', 'gemini-cli', '--user', '--ward-command', WARD], s.project, {
      HOME: s.home,
    });
    expect(installed.code, installed.out).toBe(0);
    const current = readFileSync(file, 'utf8');
    const doctor = async () =>
      (
        await checkAgentHooks({
          home: s.home,
          project: s.project,
          processEnv: { PATH: '/usr/bin:/bin' },
          codexCommand: 'codex',
          ward: WARD_PROGRAM,
        })
      ).find((c) => c.name === 'gemini-cli hook');

    // Before: the same hook under the previous wrapper.
    const settings = JSON.parse(current) as { hooks: { BeforeTool: { hooks: { command: string }[] }[] } };
    const handler = settings.hooks.BeforeTool[0]!.hooks[0]!;
    handler.command = `${PREVIOUS_WRAPPER} ${handler.command.split(' ward-hook ')[1]}`;
    writeFileSync(file, JSON.stringify(settings));
    const before = await model([{ command: BAD('ran-previous') }]);
    await gemini(s, before.url, FILLED);
    expect(existsSync(join(s.project, 'ran-previous'))).toBe(true);
    expect(await doctor()).toMatchObject({
      ok: false,
      detail: expect.stringContaining(
        'runs under the wrapper before this one: Gemini CLI fills in its $a and $s',
      ),
    });

    // Now: the wrapper `ward install` writes.
    writeFileSync(file, current);
    const now = await model([{ command: BAD('ran-current') }]);
    await gemini(s, now.url, FILLED);
    expect(existsSync(join(s.project, 'ran-current'))).toBe(false);
    expect(now.results()[0]?.output).toMatch(/Ward: denied by policy/);
    expect(await doctor()).toMatchObject({ ok: true });
  });
});
