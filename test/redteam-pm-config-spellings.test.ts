import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { edit, gateWith, W, write } from './helpers/gate-files.js';

// A package manager's config names a program it runs later (the shell of every package script, a module
// preloaded into every run): the agent writes the key in a spelling the gate does not know, and a later
// `npm test` or `bun run build` runs its program. npm is run here for real; bun and pnpm are not installed
// (no network installs), so their keys are taken from their documentation: bun.com/docs/runtime/bunfig
// (`preload`, `[test] preload`, `[install.security] scanner`, `[run] shell` = "system" | "bun") and
// pnpm.io/settings (pnpm-workspace.yaml `scriptShell`, `nodeOptions`, `pnpmfile`, `dangerouslyAllowAllBuilds`).

/** `printf '%s\n' 'text' >> file`, the text quoted for the shell. */
const append = (file: string, text: string) => `printf '%s\\n' '${text.replaceAll("'", `'\\''`)}' >> ${file}`;

describe('every .npmrc spelling the real npm runs a program by asks when written', () => {
  // Named now (the lines below hold its paths), made when the tests run.
  const dir = join(tmpdir(), `ward-npmrc-${process.pid}-${Date.now()}`);
  const marker = join(dir, 'ran');
  const shell = join(dir, 'evil.sh');
  const js = join(dir, 'evil.cjs');
  beforeAll(() => {
    // npm runs this suite (npm test): its absence is a broken machine, not a reason to skip.
    expect(spawnSync('npm', ['--version'], { encoding: 'utf8' }).status, 'npm on PATH').toBe(0);
    mkdirSync(dir);
    writeFileSync(shell, `#!/bin/sh\necho shell > '${marker}'\n`, { mode: 0o755 });
    writeFileSync(js, `require('node:fs').writeFileSync(${JSON.stringify(marker)}, 'js');\n`);
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 't', scripts: { x: 'node -e 0' } }));
    writeFileSync(join(dir, 'user.npmrc'), '');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const npm = (argv: string[], env: Record<string, string> = {}) => {
    const r = spawnSync('npm', [...argv, '--offline'], {
      cwd: dir,
      encoding: 'utf8',
      env: { ...process.env, npm_config_userconfig: join(dir, 'user.npmrc'), PART: 'shell', ...env },
    });
    expect(r.error).toBeUndefined();
  };
  /** Runs `command` (if any), then `npm run x` with `env`: did npm run the planted program? */
  const npmRuns = (rc: string | undefined, command?: string[], env: Record<string, string> = {}) => {
    rmSync(marker, { force: true });
    rmSync(join(dir, '.npmrc'), { force: true });
    if (rc !== undefined) writeFileSync(join(dir, '.npmrc'), rc);
    if (command) npm(command);
    npm(['run', 'x'], env);
    return existsSync(marker);
  };

  const LINES = [
    `script-shell=${shell}`,
    `"script-shell" = ${shell}`,
    `\tscript-shell\t=\t${shell}`,
    `\ufeffscript-shell=${shell}`,
    // ini reads a double-quoted key as JSON, escapes and all.
    `"script\\u002dshell"=${shell}`,
    // npm fills `${VAR}` (and `${VAR?}`, empty when unset) into keys too.
    `script-shell\${NOPE?}=${shell}`,
    `script-\${PART}=${shell}`,
    `node-options=--require ${js}`,
    `"node\\u002doptions"=--require ${js}`,
  ];

  it('npm runs the planted program for each of these lines (the facts the gate is held to)', () => {
    for (const line of LINES) expect(npmRuns(`${line}\n`), line).toBe(true);
    expect(npmRuns('registry=https://registry.npmjs.org/\nsave-exact=true\n')).toBe(false);
  }, 120_000);

  it.each(LINES)(
    'writing %j into .npmrc asks, by the Write tool, an Edit and a typed append',
    async (line) => {
      const g = await gateWith({ [`${W}/.npmrc`]: 'save-exact=true\n' });
      expect(write(g, '.npmrc', `${line}\n`).decision).toBe('ask');
      expect(edit(g, '.npmrc', 'save-exact=true', `save-exact=true\n${line}`).decision).toBe('ask');
      expect(g.decide({ command: append('.npmrc', line) }).decision).toBe('ask');
    },
  );

  it('the config commands and variables npm reads the key from ask too', async () => {
    const g = await gateWith();
    const commands: [string[] | undefined, Record<string, string>, string][] = [
      [['set', 'script-shell', shell, '--location=project'], {}, `npm set script-shell ${shell}`],
      [
        ['config', 'set', '--location=project', 'script-shell', shell],
        {},
        `npm config set --location=project script-shell ${shell}`,
      ],
      [undefined, { npm_config_script_shell: shell }, `npm_config_script_shell=${shell} npm run x`],
      [
        undefined,
        { npm_config_node_options: `--require ${js}` },
        `npm_config_node_options='--require ${js}' npm run x`,
      ],
    ];
    for (const [argv, env, typed] of commands) {
      expect(npmRuns(undefined, argv, env), typed).toBe(true);
      expect(g.decide({ command: typed }).decision, typed).toBe('ask');
    }
  }, 120_000);
});

describe("pnpm's and bun's spellings of a program to run ask when written", () => {
  const CASES: [string, string][] = [
    // pnpm ≤ 10 camel-cases the keys of .npmrc: these are its `script-shell`.
    ['.npmrc', 'scriptShell=/tmp/x\n'],
    ['.npmrc', 'script_shell=/tmp/x\n'],
    ['.npmrc', 'node-gyp=/tmp/x\n'],
    ['.npmrc', 'viewer=/tmp/x\n'],
    ['pnpm-workspace.yaml', "packages:\n  - 'packages/*'\nscriptShell: /tmp/x\n"],
    ['pnpm-workspace.yaml', 'nodeOptions: --require ./x.cjs\n'],
    ['pnpm-workspace.yaml', 'pnpmfile: /tmp/hooks.cjs\n'],
    ['pnpm-workspace.yaml', 'globalPnpmfile: /tmp/hooks.cjs\n'],
    ['pnpm-workspace.yaml', 'dangerouslyAllowAllBuilds: true\n'],
    ['pnpm-workspace.yaml', '{"packages": ["a/*"], "scriptShell": "/tmp/x"}\n'],
    ['pnpm-workspace.yaml', '!!str scriptShell: /tmp/x\n'],
    ['pnpm-workspace.yaml', '"script\\x53hell": /tmp/x\n'],
    ['pnpm-workspace.yaml', '? scriptShell\n: /tmp/x\n'],
    ['bunfig.toml', 'preload = ["./x.ts"]\n'],
    ['bunfig.toml', '"preload" = ["evil-package"]\n'],
    ['bunfig.toml', '[test]\npreload = ["./x.ts"]\n'],
    ['bunfig.toml', 'test.preload = ["./x.ts"]\n'],
    ['bunfig.toml', 'test . "preload" = ["./x.ts"]\n'],
    ['bunfig.toml', 'test = { coverage = true, preload = ["./x.ts"] }\n'],
    ['bunfig.toml', '"pre\\u006coad" = ["./x.ts"]\n'],
    ['bunfig.toml', '[install.security]\nscanner = "evil-scanner"\n'],
    ['.bunfig.toml', 'preload = ["/tmp/x.ts"]\n'],
  ];

  it.each(CASES)('%s: %j asks', async (file, content) => {
    const d = write(await gateWith(), file, content);
    expect(d.decision).toBe('ask');
    expect(d.reasons.map((r) => r.rule_id)).toContain('supply.package-source');
  });

  it('typed appends and config commands ask', async () => {
    const g = await gateWith();
    for (const cmd of [
      append('pnpm-workspace.yaml', 'scriptShell: /tmp/x'),
      append('bunfig.toml', 'preload = ["./x.ts"]'),
      'printf \'[test]\\npreload = ["./x.ts"]\\n\' >> bunfig.toml',
      append('.npmrc', 'script_shell=/tmp/x'),
      'pnpm config set scriptShell /tmp/x',
      'pnpm config set --location project script-shell /tmp/x',
    ])
      expect(g.decide({ command: cmd }).decision, cmd).toBe('ask');
  });

  it('an edit that adds an entry to a preload array over several lines asks', async () => {
    const before = '[test]\npreload = [\n  "./test/setup.ts",\n]\n';
    const g = await gateWith({ [`${W}/bunfig.toml`]: before });
    expect(
      edit(g, 'bunfig.toml', '  "./test/setup.ts",', '  "./test/setup.ts",\n  "/tmp/x.ts",').decision,
    ).toBe('ask');
  });
});

describe('everyday package manager config stays allowed', () => {
  const EVERYDAY: [string, string][] = [
    ['.npmrc', 'registry=https://registry.npmjs.org/\nsave-exact=true\n'],
    ['.npmrc', 'engine-strict=true\nscript-shell=/bin/bash\n'],
    [
      'pnpm-workspace.yaml',
      "packages:\n  - 'packages/*'\n  - 'apps/*'\ncatalog:\n  react: ^18.3.1\n  typescript: ~5.6.0\nonlyBuiltDependencies:\n  - esbuild\nshellEmulator: true\nsaveExact: true\nlinkWorkspacePackages: true\nscriptShell: /bin/bash\n",
    ],
    [
      'bunfig.toml',
      '[install]\nexact = true\nregistry = "https://registry.npmjs.org/"\n\n[test]\ncoverage = true\nroot = "./tests"\n\n[run]\nshell = "bun"\nbun = true\nsilent = true\n',
    ],
    ['bunfig.toml', '[run]\nshell = "system"\n'],
  ];
  it.each(EVERYDAY)('writing %s %j stays allowed', async (file, content) => {
    const d = write(await gateWith(), file, content);
    expect(d.decision, JSON.stringify(d.reasons)).toBe('allow');
  });

  it('typed everyday writes and config commands stay allowed', async () => {
    const g = await gateWith();
    for (const cmd of [
      append('.npmrc', 'save-exact=true'),
      append('.npmrc', 'registry=https://registry.npmjs.org/'),
      'echo "packages: [\'apps/*\']" > pnpm-workspace.yaml',
      append('bunfig.toml', '[install]'),
      'npm config set save-exact true',
      'pnpm config set saveExact true',
      'npm_config_save_exact=true npm install',
    ])
      expect(g.decide({ command: cmd }).decision, cmd).toBe('allow');
  });
});
