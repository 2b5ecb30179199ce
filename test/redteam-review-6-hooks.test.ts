/**
 * Red team (review 6) against doctor's Claude Code settings check of review 5: a value Claude Code finds invalid
 * inside an object the check only looks at as an object makes Claude Code skip the whole settings file, Ward's
 * hook with it, while doctor says the hook is active. Real Claude Code (node_modules/.bin/claude) against a fake
 * model, Ward's real hook and doctor.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { has, scenario, WARD, ward } from './helpers/agent-cli.js';
import { VALID_CLAUDE_SETTINGS } from './helpers/claude-settings-files.js';
import { fakeModelsForFile } from './helpers/fake-model.js';
import { BAD, claude, doctorChecks } from './helpers/hook-review.js';

vi.setConfig({ testTimeout: 180_000 });

const { closing, model } = fakeModelsForFile();

describe.runIf(has('claude'))('Claude Code skips a settings file for a wrong value inside an object', () => {
  // Measured on the Claude Code in node_modules: each edit beside Ward's handler lets a blocked command run.
  // (`env: {X: 1}` does not: Claude Code keeps that file and Ward answers.) The last one is another event's
  // hook without its command: Ward's own handler is untouched.
  const EDITS: [string, (base: Record<string, unknown>) => Record<string, unknown>, string][] = [
    ['statusLine without its fields', () => ({ statusLine: {} }), '`statusLine.type` is missing'],
    [
      'sandbox.enabled not a boolean',
      () => ({ sandbox: { enabled: 'yes' } }),
      '`sandbox.enabled` is "yes", not a boolean',
    ],
    [
      'another event with a broken hook',
      (base) => ({ hooks: { ...(base.hooks as object), PostToolUse: [{ hooks: [{ type: 'command' }] }] } }),
      '`hooks.PostToolUse[0].hooks[0].command` is missing',
    ],
  ];
  const seen = new Map<string, { ran: boolean; ok: boolean; detail: string }>();
  /** Valid files beside Ward's handler: did a benign command run, did the blocked one, what doctor said. */
  const valid = new Map<string, { benign: boolean; ran: boolean; ok: boolean; detail: string }>();

  async function play() {
    if (seen.size > 0) return;
    const s = await scenario();
    closing.push(s.model);
    await ward(['install', 'claude-code', '--ward-command', WARD], s.project, { HOME: s.home });
    const file = join(s.project, '.claude', 'settings.json');
    const base = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    const m0 = await model([{ command: BAD('ran-untouched') }]);
    await claude(s, m0.url);
    expect(existsSync(join(s.project, 'ran-untouched'))).toBe(false);
    for (const [i, [name, edit]] of EDITS.entries()) {
      writeFileSync(file, JSON.stringify({ ...base, ...edit(base) }));
      const m = await model([{ command: BAD(`ran-${i}`) }]);
      await claude(s, m.url);
      const check = (await doctorChecks(s))['claude-code hook'] as { ok: boolean; detail: string };
      seen.set(name, { ran: existsSync(join(s.project, `ran-${i}`)), ok: check.ok, detail: check.detail });
    }
    for (const [i, [name, settings]] of VALID_CLAUDE_SETTINGS.entries()) {
      const hooks = { ...(settings.hooks as object), ...(base.hooks as object) };
      writeFileSync(file, JSON.stringify({ ...base, ...settings, hooks }));
      const m = await model([{ command: `touch ok-${i}` }, { command: BAD(`ran-valid-${i}`) }]);
      await claude(s, m.url);
      const check = (await doctorChecks(s))['claude-code hook'] as { ok: boolean; detail: string };
      const at = (f: string) => existsSync(join(s.project, f));
      valid.set(name, {
        benign: at(`ok-${i}`),
        ran: at(`ran-valid-${i}`),
        ok: check.ok,
        detail: check.detail,
      });
    }
  }

  it("the edit drops Ward's hook: the blocked command runs", async () => {
    await play();
    for (const [name] of EDITS) expect(seen.get(name)?.ran, name).toBe(true);
  });

  it("valid settings files keep Ward's hook, and doctor says so (no false alarm)", async () => {
    await play();
    for (const [name] of VALID_CLAUDE_SETTINGS)
      expect(valid.get(name), name).toMatchObject({ benign: true, ran: false, ok: true });
  });

  // Fixed: doctor's table now holds the fields inside the object settings and the hooks' structure too
  // (measured with `npm run measure:claude-settings`), and names the one Claude Code rejects.
  it('doctor says the hook is inactive and names the field', async () => {
    await play();
    for (const [name, , detail] of EDITS) {
      expect(seen.get(name)?.ok, `${name}: ${seen.get(name)?.detail}`).toBe(false);
      expect(seen.get(name)?.detail).toContain(`Claude Code skips all of`);
      expect(seen.get(name)?.detail).toContain(detail);
    }
  });
});
