import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { readEnv } from '../cli/env.js';
import { createServerHookDecider } from '../cli/hook-endpoint.js';
import { startServer, type WardServer } from '../collector/server.js';
import { BIN, has, ROOT, run, scenario, WARD, ward } from './helpers/agent-cli.js';
import { type FakeModel, startFakeModel } from './helpers/fake-model.js';

// Real agents start slowly on a loaded machine (Gemini CLI ~10 s alone): a wide margin, never a timing assertion.
vi.setConfig({ testTimeout: 120_000 });

// The real agent CLIs (Claude Code 2.1, Codex CLI 0.171, Gemini CLI 0.61) against a scripted model on
// loopback, each with Ward's hook installed by `ward install <agent>` and nothing else of Ward's.

/** `ward <args>` with stdin; its stdout. */
function runWithStdin(args: string[], stdin: string, home: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(ROOT, 'bin', 'ward.mjs'), ...args], { env: { HOME: home } });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      out += d;
    });
    child.on('error', reject);
    child.on('close', () => resolve(out));
    child.stdin.end(stdin);
  });
}

const models: FakeModel[] = [];
afterEach(async () => {
  for (const m of models.splice(0)) await m.close();
});

async function setup() {
  const s = await scenario();
  models.push(s.model);
  return s;
}

function assertBlockedAndListed(s: Awaited<ReturnType<typeof setup>>) {
  const [ls, curl] = s.model.results();
  expect(ls?.output).toContain('README.md');
  expect(curl?.output).toMatch(/Ward: denied by policy: .*pipes a download into a shell/);
  expect(existsSync(s.marker)).toBe(false);
}

describe.runIf(has('claude'))(
  'Claude Code 2.1 with `ward install claude-code` (needs node_modules/.bin/claude)',
  () => {
    const env = (s: Awaited<ReturnType<typeof setup>>) => ({
      HOME: s.home,
      ANTHROPIC_BASE_URL: s.model.url,
      ANTHROPIC_API_KEY: 'fake',
      // Root in CI: Claude Code allows skipping its own prompts only when told it is in a sandbox.
      IS_SANDBOX: '1',
      CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
    });
    const claude = (s: Awaited<ReturnType<typeof setup>>, mode: string) =>
      run(
        join(BIN, 'claude'),
        ['-p', 'run the scripted commands', '--output-format', 'json', '--permission-mode', mode],
        s.project,
        env(s),
      );

    it('without Ward and with its own prompts off, the download runs (the attack is real)', async () => {
      const s = await setup();
      await claude(s, 'bypassPermissions');
      expect(existsSync(s.marker)).toBe(true);
    });

    it("is stopped by Ward's hook (the model sees Ward's reason); ls -la goes through", async () => {
      const s = await setup();
      const installed = await ward(['install', 'claude-code', '--ward-command', WARD], s.project, {
        HOME: s.home,
      });
      expect(installed.code).toBe(0);
      const r = await claude(s, 'bypassPermissions');
      expect(r.code, r.out).toBe(0);
      assertBlockedAndListed(s);
    });

    it("stops its Write tool from removing Ward's hook from .claude/settings.json", async () => {
      const s = await setup();
      await ward(['install', 'claude-code', '--ward-command', WARD], s.project, { HOME: s.home });
      const settings = join(s.project, '.claude', 'settings.json');
      const before = readFileSync(settings, 'utf8');
      // Claude Code writes only files it has read: read first (Ward has no objection), then overwrite.
      const model = await startFakeModel([
        { command: '', tool: { name: 'Read', input: { file_path: settings } } },
        { command: '', tool: { name: 'Write', input: { file_path: settings, content: '{}' } } },
      ]);
      models.push(model);
      await run(
        join(BIN, 'claude'),
        ['-p', 'go', '--output-format', 'json', '--permission-mode', 'bypassPermissions'],
        s.project,
        { ...env(s), ANTHROPIC_BASE_URL: model.url },
      );
      expect(model.results()[0]?.output).toContain('ward');
      expect(model.results()[1]?.output).toContain("writes Ward's or a coding agent's own configuration");
      expect(readFileSync(settings, 'utf8')).toBe(before);
    });

    it('asks for a credential written into a command, which -p mode then refuses; without Ward it runs', async () => {
      const s = await setup();
      const note = join(s.project, 'token.txt');
      // Shaped like a GitHub token, valid for nothing: the agent holds it and writes it out.
      const script = [{ command: `echo ghp_${'Zx9Qw8Er7Ty6Ui5Op4As3Df2Gh1Jk0LmNbVc'} > token.txt` }];
      const go = async () => {
        const model = await startFakeModel(script);
        models.push(model);
        const args = ['-p', 'go', '--output-format', 'json', '--permission-mode', 'bypassPermissions'];
        await run(join(BIN, 'claude'), args, s.project, { ...env(s), ANTHROPIC_BASE_URL: model.url });
        return model.results();
      };
      await go();
      expect(existsSync(note)).toBe(true);
      rmSync(note);
      await ward(['install', 'claude-code', '--ward-command', WARD], s.project, { HOME: s.home });
      const [echo] = await go();
      expect(echo?.output).toMatch(/carries a credential written out: github-token/);
      expect(existsSync(note)).toBe(false);
    });

    it("where Ward has no objection it defers: Claude Code's own prompt still refuses in -p mode", async () => {
      const s = await setup();
      await ward(['install', 'claude-code', '--ward-command', WARD], s.project, { HOME: s.home });
      // The gate allows this workspace write and the hook says nothing, `{}` (before: "allow", skipping the prompt).
      const hook = await runWithStdin(
        ['hook', 'claude-code'],
        JSON.stringify({
          hook_event_name: 'PreToolUse',
          tool_name: 'Bash',
          tool_input: { command: 'touch made-by-agent.txt' },
          cwd: s.project,
          session_id: 's',
        }),
        s.home,
      );
      expect(hook).toBe('{}\n');
      const model = await startFakeModel([{ command: 'ls -la' }, { command: 'touch made-by-agent.txt' }]);
      models.push(model);
      // `ward install` sets dontAsk mode, where Ward answers allow (nothing else would run the call): in the
      // default mode an operator starts Claude Code in, Ward still defers.
      const r = await run(
        join(BIN, 'claude'),
        ['-p', 'go', '--output-format', 'json', '--permission-mode', 'default'],
        s.project,
        {
          ...env(s),
          ANTHROPIC_BASE_URL: model.url,
        },
      );
      expect(model.results()[0]?.output).toContain('README.md');
      // Ward allowed the write (workspace) but did not answer "allow": Claude Code asked, and -p denies.
      expect(JSON.parse(r.out.slice(r.out.indexOf('{'))).permission_denials).toEqual([
        expect.objectContaining({
          tool_input: expect.objectContaining({ command: 'touch made-by-agent.txt' }),
        }),
      ]);
      expect(existsSync(join(s.project, 'made-by-agent.txt'))).toBe(false);
    });
  },
);

describe.runIf(has('claude'))(
  'Claude Code 2.1 with `ward hook` and a Ward server: the session counts',
  () => {
    let server: WardServer | undefined;
    afterEach(async () => {
      await server?.close();
      server = undefined;
    });

    it('asks for a send right after the session read a secret, which the hook alone lets run', async () => {
      const s = await setup();
      writeFileSync(join(s.project, '.env'), 'API_KEY=not-a-real-key\n');
      const hookDecider = createServerHookDecider(readEnv({ HOME: join(s.root, 'server-home') }));
      server = await startServer({ port: 0, dataDir: join(s.root, 'ward-data'), riskBehindMs: 0 }, () => {}, {
        hookDecider,
      });
      await server.store.tokens.add('runner-token-agents-real-session', 'claude-runner', 'runner');
      await ward(['install', 'claude-code', '--ward-command', WARD], s.project, { HOME: s.home });
      // Read the secret (Ward asks; -p mode refuses it), then ship a note with gh (not installed: it would fail).
      const script = [
        { command: '', tool: { name: 'Read', input: { file_path: join(s.project, '.env') } } },
        { command: 'gh gist create notes.txt' },
      ];
      const go = async (extra: Record<string, string>) => {
        const model = await startFakeModel(script);
        models.push(model);
        const env = {
          HOME: s.home,
          ANTHROPIC_BASE_URL: model.url,
          ANTHROPIC_API_KEY: 'fake',
          IS_SANDBOX: '1',
          CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1', // no update checks or telemetry: no network here
        };
        const args = ['-p', 'go', '--output-format', 'json', '--permission-mode', 'bypassPermissions'];
        const r = await run(join(BIN, 'claude'), args, s.project, { ...env, ...extra });
        return { r, results: model.results() };
      };
      const alone = await go({});
      expect(alone.results[1]?.output, alone.r.out).toMatch(/gh: (command )?not found/);
      const served = await go({ WARD_SERVER: server.url, WARD_TOKEN: 'runner-token-agents-real-session' });
      expect(served.results[1]?.output, served.r.out).toMatch(
        /read a secret .* runs gh.*policy\.read-then-send/,
      );
      const { permission_denials: denied } = JSON.parse(served.r.out.slice(served.r.out.indexOf('{')));
      const gist = expect.objectContaining({ command: 'gh gist create notes.txt' });
      expect(denied).toContainEqual(expect.objectContaining({ tool_name: 'Bash', tool_input: gist }));
      // The server recorded the agent's calls, decided by its hook: the analyzer sees them.
      const stored = (server as WardServer).store.events;
      await vi.waitFor(
        async () => {
          const { events } = await stored.query({ agent: 'claude-code', limit: 9 });
          expect(events.map((e) => e.event_name)).toContain('ward.hook.decision');
        },
        { timeout: 15_000, interval: 50 },
      );
    });
  },
);

describe.runIf(has('codex'))(
  'Codex CLI 0.171 with `ward install codex` (needs node_modules/.bin/codex)',
  () => {
    function configure(s: Awaited<ReturnType<typeof setup>>) {
      const codexHome = join(s.home, '.codex');
      mkdirSync(codexHome, { recursive: true });
      writeFileSync(
        join(codexHome, 'config.toml'),
        `model = "fake-model"\nmodel_provider = "fake"\n[model_providers.fake]\nname = "fake"\nbase_url = "${s.model.url}/v1"\nwire_api = "responses"\nenv_key = "FAKE_KEY"\n`,
      );
      return codexHome;
    }
    const env = (s: Awaited<ReturnType<typeof setup>>) => ({ HOME: s.home, FAKE_KEY: 'fake' });
    const codex = (s: Awaited<ReturnType<typeof setup>>) =>
      run(
        join(BIN, 'codex'),
        [
          'exec',
          '--skip-git-repo-check',
          '--dangerously-bypass-approvals-and-sandbox',
          'run the scripted commands',
        ],
        s.project,
        env(s),
      );

    it('a hook nobody trusted is skipped: the download runs (what `ward install codex` used to leave)', async () => {
      const s = await setup();
      const codexHome = configure(s);
      // Ward's hook in hooks.json, exactly as installed, but no trust record: Codex skips it.
      const other = await setup();
      configure(other);
      await ward(
        ['install', 'codex', '--user', '--ward-command', WARD, '--codex-command', join(BIN, 'codex')],
        other.project,
        env(other),
      );
      cpSync(join(other.home, '.codex', 'hooks.json'), join(codexHome, 'hooks.json'));
      await codex(s);
      expect(existsSync(s.marker)).toBe(true);
    });

    it('with --user: Ward records trust for its own hook, and the download is stopped; ls -la goes through', async () => {
      const s = await setup();
      configure(s);
      const installed = await ward(
        ['install', 'codex', '--user', '--ward-command', WARD, '--codex-command', join(BIN, 'codex')],
        s.project,
        env(s),
      );
      expect(installed.code, installed.out).toBe(0);
      expect(installed.out).toContain("recorded Codex's trust for Ward's hook");
      const r = await codex(s);
      expect(r.out).toContain('hook: PreToolUse Blocked');
      assertBlockedAndListed(s);
    });

    it('in a project: --trust-project makes Codex load the project hook', async () => {
      const s = await setup();
      configure(s);
      const args = ['install', 'codex', '--ward-command', WARD, '--codex-command', join(BIN, 'codex')];
      const refused = await ward(args, s.project, env(s));
      expect(refused.code).toBe(1);
      expect(refused.out).toContain('the project is not trusted by Codex');
      const installed = await ward([...args, '--trust-project'], s.project, env(s));
      expect(installed.code, installed.out).toBe(0);
      await codex(s);
      assertBlockedAndListed(s);
    });
  },
);

describe.runIf(has('gemini'))(
  'Gemini CLI 0.61 with `ward install gemini-cli` (needs node_modules/.bin/gemini)',
  () => {
    function configure(s: Awaited<ReturnType<typeof setup>>) {
      mkdirSync(join(s.home, '.gemini'), { recursive: true });
      // Gemini CLI's own settings: API-key auth (the key is fake; the model is the loopback server).
      writeFileSync(
        join(s.home, '.gemini', 'settings.json'),
        JSON.stringify({ security: { auth: { selectedType: 'gemini-api-key' } } }),
      );
    }
    const gemini = (s: Awaited<ReturnType<typeof setup>>) =>
      run(
        process.execPath,
        [join(BIN, 'gemini'), '-p', 'run the scripted commands', '--skip-trust', '--yolo'],
        s.project,
        {
          HOME: s.home,
          GOOGLE_GEMINI_BASE_URL: s.model.url,
          GEMINI_API_KEY: 'fake',
        },
      );

    it('without Ward in yolo mode, the download runs (the attack is real)', async () => {
      const s = await setup();
      configure(s);
      await gemini(s);
      expect(existsSync(s.marker)).toBe(true);
    });

    it('stops write_file from adding project settings that turn hooks off', async () => {
      const s = await setup();
      configure(s);
      await ward(['install', 'gemini-cli', '--user', '--ward-command', WARD], s.project, { HOME: s.home });
      const target = join(s.project, '.gemini', 'settings.json');
      const model = await startFakeModel([
        {
          command: '',
          tool: {
            name: 'write_file',
            input: { file_path: target, content: '{"hooksConfig":{"enabled":false}}' },
          },
        },
      ]);
      models.push(model);
      await run(process.execPath, [join(BIN, 'gemini'), '-p', 'go', '--skip-trust', '--yolo'], s.project, {
        HOME: s.home,
        GOOGLE_GEMINI_BASE_URL: model.url,
        GEMINI_API_KEY: 'fake',
      });
      expect(model.results()[0]?.output).toContain("writes Ward's or a coding agent's own configuration");
      expect(existsSync(target)).toBe(false);
    });

    it("is stopped by Ward's BeforeTool hook; ls -la goes through", async () => {
      const s = await setup();
      configure(s);
      const installed = await ward(['install', 'gemini-cli', '--user', '--ward-command', WARD], s.project, {
        HOME: s.home,
      });
      expect(installed.code, installed.out).toBe(0);
      const settings = JSON.parse(readFileSync(join(s.home, '.gemini', 'settings.json'), 'utf8'));
      expect(settings.security.auth.selectedType).toBe('gemini-api-key');
      const r = await gemini(s);
      expect(r.code, r.out).toBe(0);
      assertBlockedAndListed(s);
    });
  },
);
