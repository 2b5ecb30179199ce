import { realpathSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseCommandArgs } from './args.js';
import type { WardEnv } from './env.js';

const USAGE = `usage: ward install <claude-code|codex|gemini-cli> [--project DIR | --user] [--wait] [--timeout S]
                    [--ward-command CMD] [--codex-command CMD] [--trust-project]
  Merges Ward's hook into the agent's settings (idempotent; other settings and hooks are kept), for every tool.
  claude-code: DIR/.claude/settings.json (default DIR: .) or ~/.claude/settings.json with --user
  codex:       DIR/.codex/hooks.json or ~/.codex/hooks.json (CODEX_HOME) with --user. Codex skips hooks nobody
               reviewed: installing is that review, so Ward records trust for its own hook through Codex
               itself (codex app-server). Codex loads a project's .codex/ only when the project is trusted:
               --trust-project records that too (Codex then also loads the project's .codex/config.toml,
               which the agent can write: prefer --user).
  gemini-cli:  DIR/.gemini/settings.json or ~/.gemini/settings.json with --user (project hooks run only in
               folders Gemini CLI trusts)
  --wait           on Ward's "ask", wait for a human in Ward (the hook needs WARD_SERVER and WARD_TOKEN)
  --ward-command   how the agent starts Ward, as shell words (default: the absolute path of ward on PATH)
  The hook runs under /bin/sh: anything but Ward's answer (killed, crashed, not found) blocks the tool call.
  claude-code also gets permissions.defaultMode "dontAsk" and disableBypassPermissionsMode "disable": a hook
  killed by a signal counts as no answer, so only Ward's allow (or your allow rules) runs a tool.
  --codex-command  how to start Codex to record trust (default: codex)
`;

const OPTIONS = {
  project: { type: 'string' },
  user: { type: 'boolean', default: false },
  wait: { type: 'boolean', default: false },
  timeout: { type: 'string' },
  'ward-command': { type: 'string' },
  'codex-command': { type: 'string', default: 'codex' },
  'trust-project': { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h' },
} as const;

/** Where each agent keeps hooks. Every tool goes through Ward: the gate analyses them all. */
const TARGETS = {
  'claude-code': { dir: '.claude', file: 'settings.json', event: 'PreToolUse', matcher: '*' },
  codex: { dir: '.codex', file: 'hooks.json', event: 'PreToolUse', matcher: '*' },
  'gemini-cli': { dir: '.gemini', file: 'settings.json', event: 'BeforeTool', matcher: '*' },
} as const;

/** `ward install claude-code|codex|gemini-cli`. */
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
  const project = resolve(values.project ?? '.');
  const codexHome = env.processEnv.CODEX_HOME || join(env.home, '.codex');
  const file = values.user
    ? agent === 'codex'
      ? join(codexHome, target.file)
      : join(env.home, target.dir, target.file)
    : join(project, target.dir, target.file);
  const {
    firstOnPath,
    installHook,
    isWardHookCommand,
    pinnedWardCommand,
    requireHookAllow,
    wardHookCommand,
  } = await import('../sandbox-runner/index.js');
  // The hook's program by its absolute path: a bare `ward` is looked up on the agent's PATH at every tool call,
  // and a `ward` the agent writes into an earlier PATH directory (~/.local/bin) would answer for Ward. So would
  // a `node` there, found by ward.mjs's `#!/usr/bin/env node`: the interpreter is pinned too.
  const onPathAt = firstOnPath('ward', env.processEnv.PATH);
  const wardCommand =
    values['ward-command'] ?? (onPathAt ? pinnedWardCommand(onPathAt, env.processEnv.PATH) : 'ward');
  // Wrapped: a hook killed or crashed before it answers blocks the call (the agents run it on any exit but 2).
  const command = wardHookCommand(
    wardCommand,
    agent,
    values.wait ? ['--wait', ...(values.timeout ? ['--timeout', String(waitS)] : [])] : [],
  );
  let result: import('../sandbox-runner/index.js').InstallResult;
  try {
    result = installHook(file, {
      event: target.event,
      matcher: target.matcher,
      command,
      ...(agent === 'gemini-cli' ? { name: 'ward', timeoutUnit: 'ms' as const } : {}),
      // The agent must let a waiting hook outlive Ward's own deadline.
      ...(values.wait ? { timeoutS: waitS + 30 } : {}),
      isOurs: (c) => isWardHookCommand(c, agent),
      // Claude Code runs the tool when its hook is killed; in dontAsk mode, with bypass mode disabled, only
      // the hook's allow runs it.
      ...(agent === 'claude-code' ? { also: requireHookAllow } : {}),
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
      ? `installed \`${command}\` as a ${target.event} hook in ${file}\n`
      : `already installed in ${file}; nothing changed\n`,
  );
  if (agent === 'claude-code' && result.changed) {
    process.stderr.write(
      `note: Claude Code now runs in dontAsk mode with bypass mode disabled${result.replaced ? ` (it was in ${result.replaced} mode)` : ''}: a tool runs only when Ward's hook answers allow (or an allow rule of yours matches), so a killed hook blocks the call, and what Ward would ask about is refused unless the hook waits for a human in Ward (--wait)\n`,
    );
  }
  if (wardCommand === 'ward') {
    process.stderr.write(
      "note: `ward` is not on PATH; run `npm link` in the Ward checkout or pass --ward-command 'node /path/to/bin/ward.mjs'\n",
    );
  }
  process.stderr.write(
    values.wait
      ? 'note: the agent must run with WARD_SERVER and WARD_TOKEN (runner role) set for --wait\n'
      : "note: with WARD_SERVER and WARD_TOKEN (runner role) in the agent's environment, the hook also counts the session's risk\n",
  );
  if (agent === 'codex') {
    const ok = await trustForCodex({
      codex: values['codex-command'] ?? 'codex',
      env: env.processEnv,
      cwd: values.user ? env.home : project,
      command,
      file,
      trustProject: values['trust-project'] ?? false,
      project: values.user ? undefined : project,
    });
    if (!ok) return 1;
  }
  if (agent === 'gemini-cli' && !values.user)
    process.stderr.write(
      'note: Gemini CLI runs project hooks only in folders it trusts (trust this folder in Gemini CLI, or use --user)\n',
    );
  return 0;
}

/**
 * Records Codex's trust for Ward's own hook (exactly the command just written, at the hash Codex computes),
 * through Codex's app-server as its /hooks review does. Installing is the operator's review of that hook;
 * nothing else is trusted. Returns false (and says what to do) when Codex still would not run it.
 */
async function trustForCodex(o: {
  codex: string;
  env: NodeJS.ProcessEnv;
  cwd: string;
  command: string;
  file: string;
  trustProject: boolean;
  project: string | undefined;
}): Promise<boolean> {
  const { openCodexAppServer, listCodexHooks, trustCodexHooks, trustCodexProject } = await import(
    '../sandbox-runner/index.js'
  );
  let server: Awaited<ReturnType<typeof openCodexAppServer>>;
  try {
    server = await openCodexAppServer({ codex: o.codex, env: { ...o.env }, cwd: o.cwd });
  } catch (err) {
    process.stderr.write(
      `ward install: the hook is written but Codex will skip it until it is trusted, and Ward could not ask Codex to record that (${(err as Error).message}).\n  fix: pass --codex-command, or open \`codex\`, run /hooks and trust Ward's hook\n`,
    );
    return false;
  }
  try {
    if (o.project && o.trustProject) await trustCodexProject(server, o.project);
    const real = realpathSync(o.file);
    const mine = (await listCodexHooks(server, o.cwd)).hooks.filter(
      (h) => (h.sourcePath === o.file || h.sourcePath === real) && h.command === o.command,
    );
    if (mine.length === 0) {
      process.stderr.write(
        `ward install: Codex does not load ${o.file}${o.project ? ': the project is not trusted by Codex (pass --trust-project, trust it in Codex, or install with --user)' : ''}\n`,
      );
      return false;
    }
    await trustCodexHooks(
      server,
      mine.filter((h) => h.trustStatus !== 'trusted' && h.trustStatus !== 'managed'),
    );
    const after = (await listCodexHooks(server, o.cwd)).hooks.filter((h) =>
      mine.some((m) => m.key === h.key),
    );
    const inactive = after.filter(
      (h) => !h.enabled || (h.trustStatus !== 'trusted' && h.trustStatus !== 'managed'),
    );
    if (inactive.length > 0 || after.length === 0) {
      process.stderr.write(
        `ward install: Codex still lists Ward's hook as ${inactive[0]?.trustStatus ?? 'missing'}\n`,
      );
      return false;
    }
    process.stdout.write(`recorded Codex's trust for Ward's hook (${after.map((h) => h.key).join(', ')})\n`);
    return true;
  } catch (err) {
    process.stderr.write(`ward install: recording Codex's trust failed: ${(err as Error).message}\n`);
    return false;
  } finally {
    server.close();
  }
}
