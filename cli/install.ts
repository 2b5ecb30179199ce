import { existsSync } from 'node:fs';
import { delimiter, join, resolve } from 'node:path';
import { parseCommandArgs } from './args.js';
import type { WardEnv } from './env.js';

const USAGE = `usage: ward install <claude-code|codex> [--project DIR | --user] [--wait] [--timeout S] [--ward-command CMD]
  Merges Ward's PreToolUse hook into the agent's settings (idempotent; other settings and hooks are kept).
  claude-code: DIR/.claude/settings.json (default DIR: .) or ~/.claude/settings.json with --user
  codex:       DIR/.codex/hooks.json or ~/.codex/hooks.json with --user
  --wait           on Ward's "ask", wait for a human in Ward (the hook needs WARD_SERVER and WARD_TOKEN)
  --ward-command   how the agent starts Ward (default: ward)
`;

const OPTIONS = {
  project: { type: 'string' },
  user: { type: 'boolean', default: false },
  wait: { type: 'boolean', default: false },
  timeout: { type: 'string' },
  'ward-command': { type: 'string', default: 'ward' },
  help: { type: 'boolean', short: 'h' },
} as const;

const TARGETS = {
  'claude-code': { dir: '.claude', file: 'settings.json', matcher: 'Bash|Edit|Write|MultiEdit|mcp__.*' },
  // Codex's hooks see its shell tool as Bash (other tools do not reach PreToolUse hooks yet).
  codex: { dir: '.codex', file: 'hooks.json', matcher: 'Bash' },
} as const;

/** `ward install claude-code|codex`. */
export async function main(args: string[], env: WardEnv): Promise<number> {
  let parsed: ReturnType<typeof parseCommandArgs<typeof OPTIONS>>;
  try {
    parsed = parseCommandArgs(args, OPTIONS);
  } catch (err) {
    process.stderr.write(`ward install: ${(err as Error).message}\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const agent = positionals[0] as keyof typeof TARGETS;
  const target = TARGETS[agent];
  if (!target) {
    process.stderr.write(`ward install: unknown agent '${positionals[0] ?? ''}'\n${USAGE}`);
    return 2;
  }
  if (values.user && values.project) {
    process.stderr.write('ward install: --project and --user exclude each other\n');
    return 2;
  }
  const waitS = values.timeout === undefined ? 300 : Number(values.timeout);
  if (!(Number.isInteger(waitS) && waitS > 0 && waitS <= 3600)) {
    process.stderr.write('ward install: --timeout must be 1..3600 seconds\n');
    return 2;
  }
  const base = values.user ? env.home : resolve(values.project ?? '.');
  const file = join(base, target.dir, target.file);
  const wardCommand = values['ward-command'] ?? 'ward';
  const command = `${wardCommand} hook ${agent}${values.wait ? ` --wait${values.timeout ? ` --timeout ${waitS}` : ''}` : ''}`;
  const { installHook } = await import('../sandbox-runner/index.js');
  let result: import('../sandbox-runner/index.js').InstallResult;
  try {
    result = installHook(file, {
      event: 'PreToolUse',
      matcher: target.matcher,
      command,
      // The agent must let a waiting hook outlive Ward's own deadline.
      ...(values.wait ? { timeoutS: waitS + 30 } : {}),
      isOurs: (c) => new RegExp(`(^|[\\s/])ward(\\.mjs)?\\s+hook\\s+${agent}\\b`).test(c),
    });
  } catch (err) {
    process.stderr.write(
      `ward install: cannot merge into ${file}: ${(err as Error).message}; nothing was changed\n`,
    );
    return 1;
  }
  if (result.backup)
    process.stderr.write(`ward install: ${file} was not valid JSON; kept it as ${result.backup}\n`);
  process.stdout.write(
    result.changed
      ? `installed \`${command}\` as a PreToolUse hook in ${file}\n`
      : `already installed in ${file}; nothing changed\n`,
  );
  const onPath = (env.processEnv.PATH ?? '')
    .split(delimiter)
    .some((d) => d && existsSync(join(d, wardCommand)));
  if (wardCommand === 'ward' && !onPath) {
    process.stderr.write(
      "note: `ward` is not on PATH; run `npm link` in the Ward checkout or pass --ward-command 'node /path/to/bin/ward.mjs'\n",
    );
  }
  if (values.wait)
    process.stderr.write(
      'note: the agent must run with WARD_SERVER and WARD_TOKEN (runner role) set for --wait\n',
    );
  if (agent === 'codex')
    process.stderr.write(
      'note: older Codex releases need `[features] codex_hooks = true` in ~/.codex/config.toml\n',
    );
  return 0;
}
