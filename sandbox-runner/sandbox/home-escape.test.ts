import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SandboxPolicy } from '../../gate/fast.js';
import { defaultSandboxPolicy } from '../../gate/fast.js';
import { createRunner, type RunnerDeps } from '../runner.js';
import { claudeProjectDirName } from './claude-project-dir.js';
import { bwrapWorks } from './test-support.js';

const canSandbox = bwrapWorks();

/** Every credential file the issue lists (and a few more), each with a unique secret to look for. */
const CREDENTIALS = [
  '.codex/auth.json',
  '.claude/.credentials.json',
  '.gemini/oauth_creds.json',
  '.bash_history',
  '.zsh_history',
  '.local/share/fish/fish_history',
  '.python_history',
  '.vault-token',
  '.pgpass',
  '.cargo/credentials',
  '.cargo/credentials.toml',
  '.config/gh/hosts.yml',
  '.npmrc',
  '.docker/config.json',
  '.kube/config',
  '.aws/credentials',
  '.ssh/id_ed25519',
  '.git-credentials',
  '.config/git/credentials',
  '.netrc',
  '.config/google-chrome/Default/Login Data',
  '.config/chromium/Default/Cookies',
  '.mozilla/firefox/abc.default/logins.json',
  '.ward-data/admin-token',
  '.ward/spool/span-1.json',
  '.ward/token',
];
const secretOf = (rel: string) => `SECRET-${rel.replace(/[^a-z0-9]/gi, '_')}-7f3a`;

describe.runIf(canSandbox)(
  'credentials in HOME and Ward data stay out of the sandbox (needs real bubblewrap)',
  () => {
    let ws: string;
    let home: string;
    const env = { PATH: '/usr/local/bin:/usr/bin:/bin', LANG: 'C.UTF-8' } as Record<string, string>;

    beforeAll(() => {
      ws = mkdtempSync('/tmp/ward-home-ws-');
      home = mkdtempSync('/var/tmp/ward-home-home-');
      env.HOME = home;
      for (const rel of CREDENTIALS) {
        mkdirSync(dirname(join(home, rel)), { recursive: true });
        writeFileSync(join(home, rel), secretOf(rel), { mode: 0o600 });
      }
      writeFileSync(join(home, '.gitconfig'), '[user]\n\tname = Allowed Identity\n');
      mkdirSync(join(home, '.ward'), { recursive: true });
      writeFileSync(join(home, '.ward/policy.yaml'), 'mode: strict\n');
      writeFileSync(join(home, '.claude/settings.json'), '{"hooks":{}}');
      writeFileSync(join(home, '.claude.json'), '{"numStartups":1}');
      writeFileSync(join(home, '.codex/config.toml'), 'model = "x"\n');
      mkdirSync(join(home, 'tools/bin'), { recursive: true });
      writeFileSync(join(home, 'tools/bin/my-tool'), '#!/bin/sh\necho my-tool-ran\n', { mode: 0o755 });
    });
    afterAll(() => {
      for (const d of [ws, home]) rmSync(d, { recursive: true, force: true });
    });

    const run = async (
      cmd: string,
      policy: SandboxPolicy = defaultSandboxPolicy(),
      deps: Partial<RunnerDeps> = {},
    ) => {
      const runner = createRunner(policy, { cwd: ws, home, processEnv: env, ...deps });
      try {
        return await runner.run(['/bin/sh', '-c', cmd]);
      } finally {
        await runner.close();
      }
    };
    const readAll = `for f in ${CREDENTIALS.map((c) => `"$HOME/${c}"`).join(' ')}; do cat "$f" 2>/dev/null; done; find "$HOME" 2>/dev/null | xargs -d '\\n' cat 2>/dev/null; true`;

    it('reads none of them from the default, empty home, but git identity and the user policy remain', async () => {
      const r = await run(`${readAll}; echo; cat "$HOME/.gitconfig" "$HOME/.ward/policy.yaml"`);
      for (const rel of CREDENTIALS) expect(r.stdout, rel).not.toContain(secretOf(rel));
      expect(r.stdout).toContain('Allowed Identity');
      expect(r.stdout).toContain('mode: strict');
    });

    it('reads none of them even when the policy allows their parent directories', async () => {
      const policy = {
        ...defaultSandboxPolicy(),
        home: {
          readOnly: [
            '.codex',
            '.claude',
            '.gemini',
            '.cargo',
            '.config',
            '.docker',
            '.kube',
            '.local',
            '.mozilla',
            '.ward',
          ],
          writable: [],
          agentCredentials: false,
        },
      };
      const r = await run(`${readAll}; cat "$HOME/.codex/config.toml"`, policy);
      for (const rel of CREDENTIALS) expect(r.stdout, rel).not.toContain(secretOf(rel));
      expect(r.stdout).toContain('model = "x"');
    });

    it("cannot change the user's Ward policy or leave anything in the real home", async () => {
      const r = await run(
        'echo "mode: autonomous" > "$HOME/.ward/policy.yaml"; echo x > "$HOME/planted"; cat "$HOME/planted"',
      );
      expect(readFileSync(join(home, '.ward/policy.yaml'), 'utf8')).toBe('mode: strict\n');
      expect(r.violations.map((v) => v.kind)).toContain('read_only_write');
      expect(r.stdout).toBe('x\n');
      expect(existsSync(join(home, 'planted'))).toBe(false);
    });

    it("hides Ward's data directory in the workspace and in HOME, and it cannot be moved aside", async () => {
      mkdirSync(join(ws, '.ward-data/spool'), { recursive: true });
      writeFileSync(join(ws, '.ward-data/admin-token'), 'ws-admin-token-9c1e');
      const r = await run(
        'cat .ward-data/admin-token; ls .ward-data; mv .ward-data moved; echo planted > .ward-data/spool/api_tokens-1.json',
        defaultSandboxPolicy(),
        { dataDirs: ['.ward-data', join(home, '.ward-data')] },
      );
      expect(r.stdout + r.stderr).not.toContain('ws-admin-token-9c1e');
      expect(existsSync(join(ws, 'moved'))).toBe(false);
      expect(existsSync(join(ws, '.ward-data/spool/api_tokens-1.json'))).toBe(false);
      rmSync(join(ws, '.ward-data'), { recursive: true, force: true });
    });

    it('never makes a login, shell or tool start-up file writable, even when a policy asks', async () => {
      writeFileSync(join(home, '.bashrc'), '# rc\n');
      mkdirSync(join(home, '.config/systemd/user'), { recursive: true });
      mkdirSync(join(home, '.npm'), { recursive: true });
      const policy = {
        ...defaultSandboxPolicy(),
        home: { readOnly: [], writable: ['.bashrc', '.config', '.npm'], agentCredentials: false },
      };
      const r = await run(
        `echo 'curl x|sh' >> "$HOME/.bashrc"; echo '[Service]' > "$HOME/.config/systemd/user/x.service"; echo ok > "$HOME/.npm/cache-entry"`,
        policy,
      );
      expect(readFileSync(join(home, '.bashrc'), 'utf8')).toBe('# rc\n');
      expect(existsSync(join(home, '.config/systemd/user/x.service'))).toBe(false);
      expect(r.violations.map((v) => v.kind)).toContain('read_only_write');
      // An ordinary cache stays writable as asked.
      expect(readFileSync(join(home, '.npm/cache-entry'), 'utf8')).toBe('ok\n');
      expect(() =>
        createRunner(
          { ...defaultSandboxPolicy(), writable: [join(home, '.config')] },
          { cwd: ws, home, processEnv: env },
        ),
      ).toThrow(/refusing to make .*\.config writable/);
    });

    it('runs tools from PATH directories under HOME', async () => {
      const r = await run('my-tool', defaultSandboxPolicy(), {
        processEnv: { ...env, PATH: `${home}/tools/bin:${env.PATH}` },
      });
      expect(r.stdout).toBe('my-tool-ran\n');
    });

    it('ward run: the agent reads its config and writes its sessions, but not its settings or login', async () => {
      const r = await run(
        `cat "$HOME/.claude/settings.json"; echo; cat "$HOME/.claude/.credentials.json";
       echo '{"hooks":{"PreToolUse":[{"hooks":[{"type":"command","command":"touch /tmp/pwned"}]}]}}' > "$HOME/.claude/settings.json";
       echo '{"mcpServers":{"x":{"command":"touch"}}}' > "$HOME/.claude.json";
       echo '{"mcpServers":{}}' > "$HOME/.claude/new-settings.json";
       echo session > "$HOME/.claude/projects/${claudeProjectDirName(realpathSync(ws))}/s1.jsonl"; cat "$HOME/.claude.json"`,
        defaultSandboxPolicy(),
        { agent: 'claude' },
      );
      expect(r.stdout).toContain('{"hooks":{}}');
      expect(r.stdout).not.toContain(secretOf('.claude/.credentials.json'));
      expect(readFileSync(join(home, '.claude/settings.json'), 'utf8')).toBe('{"hooks":{}}');
      expect(readFileSync(join(home, '.claude.json'), 'utf8')).toBe('{"numStartups":1}');
      // Its sessions persist: the current project's directory of projects/ (only that one is shown).
      expect(
        readFileSync(
          join(home, '.claude/projects', claudeProjectDirName(realpathSync(ws)), 's1.jsonl'),
          'utf8',
        ),
      ).toBe('session\n');
      // Its state file is a private writable copy: the agent sees its own write, the real file does not change.
      expect(r.stdout).toContain('{"mcpServers":{"x":{"command":"touch"}}}');
      expect(existsSync(join(home, '.claude/new-settings.json'))).toBe(false);
      const withLogin = await run(
        'cat "$HOME/.claude/.credentials.json"',
        {
          ...defaultSandboxPolicy(),
          home: { readOnly: [], writable: [], agentCredentials: true },
        },
        { agent: 'claude' },
      );
      expect(withLogin.stdout).toBe(secretOf('.claude/.credentials.json'));
      // Another agent's login stays hidden even then.
      const other = await run(
        'cat "$HOME/.codex/auth.json"',
        {
          ...defaultSandboxPolicy(),
          home: { readOnly: ['.codex'], writable: [], agentCredentials: true },
        },
        { agent: 'claude' },
      );
      expect(other.stdout).not.toContain(secretOf('.codex/auth.json'));
    });
  },
);

describe.runIf(!canSandbox)(
  'credentials in HOME and Ward data stay out of the sandbox (needs real bubblewrap)',
  () => {
    it.skip('needs a working /usr/bin/bwrap on Linux', () => {});
  },
);
