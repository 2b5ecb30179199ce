import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { delimiter, dirname, join, sep } from 'node:path';
import { listCodexHooks, openCodexAppServer } from '../hooks/codex-app-server.js';
import {
  hookProgram,
  isPreviousWrapperCommand,
  isWardHookCommand,
  isWrappedHookCommand,
  pathLookupProblem,
} from '../hooks/hook-command.js';
import type { Check } from './checks.js';
import { checkClaudePermissions } from './claude-permissions-check.js';
import { claudeSettingsProblem } from './claude-settings.js';
import { isObj, type Json, readJson } from './json-file.js';
import { type WardProgram, wardProgramProblem } from './ward-program.js';

const CODEX_TOOLS = ['Bash', 'apply_patch'];

export interface HookCheckDeps {
  home: string;
  /** The project directory whose hooks count (default: the current directory). */
  project: string;
  processEnv: Readonly<Record<string, string | undefined>>;
  /** How to start Codex to ask which hooks it runs. */
  codexCommand: string;
  /** This Ward: the only program a hook that calls itself Ward's may run. */
  ward: WardProgram;
}

/** A handler's timeout: a number, none, or NaN for anything else (Claude Code then drops the settings' hooks). */
function timeoutOf(v: unknown): number | undefined {
  if (v === undefined) return undefined;
  return typeof v === 'number' ? v : Number.NaN;
}

/**
 * Why the agent would not wait for this handler's answer, or null: a type other than `command` (Claude Code
 * drops the settings' hooks), or `async` (run in the background: the tool runs before any answer).
 */
function handlerShapeProblem(h: Json): string | null {
  if (h.type !== 'command') return `its type is ${JSON.stringify(h.type)}, not "command"`;
  const bg = Object.keys(h).filter((k) => /^async/i.test(k) && h[k] !== false && h[k] !== undefined);
  return bg.length > 0 ? `${bg.join(', ')} runs it in the background: the tool runs before its answer` : null;
}

/** Ward's hook handlers under hooks.<event> of a settings object: their matcher, command and timeout. */
function wardHandlers(settings: Json | undefined, event: string, agent: string) {
  return handlers(settings, event)
    .filter(({ h }) => typeof h.command === 'string' && isWardHookCommand(h.command, agent))
    .map(({ matcher, h }) => ({
      matcher,
      command: h.command as string,
      timeout: timeoutOf(h.timeout),
      shape: handlerShapeProblem(h),
    }));
}

function handlers(settings: Json | undefined, event: string): { matcher: string; h: Json }[] {
  const groups = isObj(settings?.hooks) ? (settings.hooks as Json)[event] : undefined;
  if (!Array.isArray(groups)) return [];
  return groups.flatMap((g) =>
    isObj(g) && Array.isArray(g.hooks)
      ? (g.hooks as unknown[])
          .filter(isObj)
          .map((h) => ({ matcher: typeof g.matcher === 'string' ? g.matcher : '', h }))
      : [],
  );
}

/**
 * HTTP hooks (Claude Code's `type: "http"`) that call Ward's hook endpoint: the agent runs the tool when the
 * server is down, slow or unreachable, so they are reported as failing open. Ward installs none.
 */
function wardHttpHooks(settings: Json | undefined, event: string, file: string): string[] {
  return handlers(settings, event)
    .filter(({ h }) => h.type === 'http' && typeof h.url === 'string' && /\/api\/hooks\//.test(h.url))
    .map(
      ({ h }) =>
        `an http hook to Ward's endpoint (${String(h.url)}) in ${file}: the agent runs the tool whenever the server cannot answer; use \`ward hook\` (ward install) instead`,
    );
}

/**
 * Variables that load code into the hook's processes before Ward's own runs (node's NODE_OPTIONS `--require`,
 * the dynamic loader's LD_PRELOAD, LD_AUDIT…, macOS's DYLD_*): an agent's settings `env`, or the `.env` Gemini
 * CLI loads, sets them for every hook, so a `{}` printed by that code answers for Ward from the next session.
 */
const HOOK_ENV = /^(NODE_OPTIONS|LD_\w+|DYLD_\w+)$/;

function hookEnvProblems(names: string[], where: string): string[] {
  const hits = names.filter((n) => HOOK_ENV.test(n));
  return hits.length === 0
    ? []
    : [
        `${where} sets ${hits.join(', ')} for every hook: code loaded that way runs before Ward's and can answer for it`,
      ];
}

/** Names a dotenv file assigns (KEY=…, export KEY=…). */
function dotenvNames(file: string): string[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return [];
  }
  return [...text.matchAll(/^\s*(?:export\s+)?([A-Za-z_]\w*)\s*=/gm)].map((m) => m[1]!);
}

/** How long Ward's hook may take before it answers by itself (cli/hook.ts: 40 s, or the wait + 20 s). */
function wardDeadlineS(command: string): number {
  if (!/\s--wait\b/.test(command)) return 40;
  const t = /\s--timeout\s+'?(\d+)/.exec(command);
  return Math.min(Number(t?.[1] ?? 300), 3600) + 20;
}

/** Whether a hook matcher (a tool-name pattern) covers a tool. */
function covers(matcher: string, tool: string): boolean {
  if (matcher === '' || matcher === '*') return true;
  try {
    return new RegExp(`^(?:${matcher})$`).test(tool);
  } catch {
    return false;
  }
}

/** Whether the hook's program can be started: an absolute path that exists, or a name on PATH. */
function resolvable(command: string, env: HookCheckDeps['processEnv']): boolean {
  const program = hookProgram(command);
  if (program.includes('/')) return existsSync(program);
  return (env.PATH ?? '').split(delimiter).some((d) => d && existsSync(join(d, program)));
}

/**
 * For each agent: is Ward's hook installed, and would the agent really run it? An installed hook the agent
 * skips (Codex: not trusted or changed since; Claude Code: hooks disabled, or a settings file it skips as a
 * whole; Gemini CLI: hooks disabled or a project folder it does not trust; any: a matcher that misses the
 * shell, a command that is not found) or that runs something other than this Ward is reported with the fix.
 */
export async function checkAgentHooks(deps: HookCheckDeps): Promise<Check[]> {
  return [checkClaude(deps), ...checkClaudePermissions(deps), await checkCodex(deps), checkGemini(deps)];
}

type Found = {
  where: string;
  matcher: string;
  command: string;
  timeout?: number | undefined;
  shape?: string | null;
};

function verdict(
  agent: string,
  found: Found[],
  problems: string[],
  fix: string,
  tools: readonly string[],
  d: HookCheckDeps,
  o: {
    /** Gemini CLI counts hook timeouts in milliseconds. */
    timeoutScale?: number;
    /** Http hooks to Ward's endpoint: failing open whether or not Ward's own hook is installed. */
    httpHooks?: string[];
  } = {},
): Check {
  const name = `${agent} hook`;
  const timeoutScale = o.timeoutScale ?? 1;
  if (found.length === 0 && !o.httpHooks?.length)
    return { name, ok: true, severity: 'recommended', detail: `not installed (${fix})` };
  problems.unshift(...(o.httpHooks ?? []));
  for (const f of found) {
    if (isPreviousWrapperCommand(f.command)) {
      if (agent === 'gemini-cli')
        problems.push(
          `Ward's hook in ${f.where} runs under the wrapper before this one: Gemini CLI fills in its $a and $s from variables of its environment, and a={} with s=0 there answer {} for Ward; re-run ward install`,
        );
    } else if (!isWrappedHookCommand(f.command))
      problems.push(
        `\`${f.command}\` in ${f.where} is an older install: the agent runs the tool when that hook is killed or crashes`,
      );
    const deadline = wardDeadlineS(f.command);
    if (f.shape) problems.push(`Ward's hook in ${f.where}: ${f.shape}`);
    if (f.timeout !== undefined && Number.isNaN(f.timeout))
      problems.push(`the hook's timeout in ${f.where} is not a number: the agent drops the hook`);
    else if (f.timeout !== undefined && f.timeout / timeoutScale <= deadline)
      problems.push(
        `the hook's timeout in ${f.where} (${f.timeout / timeoutScale} s) ends before Ward's own deadline (${deadline} s): the agent kills a slow hook and runs the tool`,
      );
    const missed = tools.filter((t) => !covers(f.matcher, t));
    if (missed.length > 0)
      problems.push(
        `the matcher '${f.matcher}' in ${f.where} misses ${missed.join(', ')} (an older install)`,
      );
    if (!resolvable(f.command, d.processEnv))
      problems.push(`\`${f.command}\` in ${f.where}: program not found on PATH`);
    const lookup = pathLookupProblem(f.command);
    if (lookup !== null)
      problems.push(
        `${lookup} (${f.where}): a program of that name the agent writes into an earlier PATH directory answers for Ward; re-run ward install`,
      );
    const notWard = wardProgramProblem(f.command, agent, {
      ward: d.ward,
      project: d.project,
      path: d.processEnv.PATH,
    });
    if (notWard !== null)
      problems.push(`Ward's hook in ${f.where} is not Ward's: ${notWard}; re-run ward install`);
  }
  if (problems.length === 0)
    return {
      name,
      ok: true,
      severity: 'recommended',
      detail: `active (${found.map((f) => f.where).join(', ')})`,
    };
  return {
    name,
    ok: false,
    severity: 'recommended',
    detail: `installed but inactive or failing open: ${problems.join('; ')}`,
    fix,
  };
}

function checkClaude(d: HookCheckDeps): Check {
  const files = [
    join(d.home, '.claude', 'settings.json'),
    join(d.project, '.claude', 'settings.json'),
    join(d.project, '.claude', 'settings.local.json'),
  ];
  const found = files.flatMap((f) =>
    wardHandlers(readJson(f), 'PreToolUse', 'claude-code').map((h) => ({ ...h, where: f })),
  );
  const problems = files
    .filter((f) => readJson(f)?.disableAllHooks === true)
    .map((f) => `disableAllHooks is set in ${f}`);
  for (const f of new Set(found.map((h) => h.where))) {
    const invalid = claudeSettingsProblem(readJson(f) ?? {});
    if (invalid !== null) problems.push(`Claude Code skips all of ${f}, Ward's hook with it: ${invalid}`);
  }
  for (const f of files) {
    const env = readJson(f)?.env;
    if (isObj(env)) problems.push(...hookEnvProblems(Object.keys(env), `\`env\` in ${f}`));
  }
  const httpHooks = files.flatMap((f) => wardHttpHooks(readJson(f), 'PreToolUse', f));
  return verdict(
    'claude-code',
    found,
    problems,
    'ward install claude-code',
    ['Bash', 'Read', 'Write', 'WebFetch'],
    d,
    { httpHooks },
  );
}

function checkGemini(d: HookCheckDeps): Check {
  const user = join(d.home, '.gemini', 'settings.json');
  const project = join(d.project, '.gemini', 'settings.json');
  const found = [user, project].flatMap((f) =>
    wardHandlers(readJson(f), 'BeforeTool', 'gemini-cli').map((h) => ({ ...h, where: f })),
  );
  const problems: string[] = [];
  for (const f of [user, project]) {
    const cfg = readJson(f)?.hooksConfig;
    if (isObj(cfg) && cfg.enabled === false) problems.push(`hooksConfig.enabled is false in ${f}`);
    if (
      isObj(cfg) &&
      Array.isArray(cfg.disabled) &&
      cfg.disabled.some((n) => n === 'ward' || (typeof n === 'string' && isWardHookCommand(n, 'gemini-cli')))
    )
      problems.push(`Ward's hook is in hooksConfig.disabled in ${f}`);
  }
  // Gemini CLI loads one .env into its own environment (the project's first, then the home's).
  for (const f of [
    join(d.project, '.gemini', '.env'),
    join(d.project, '.env'),
    join(d.home, '.gemini', '.env'),
    join(d.home, '.env'),
  ])
    problems.push(...hookEnvProblems(dotenvNames(f), f));
  if (found.some((f) => f.where === project) && !found.some((f) => f.where === user) && !geminiTrusts(d))
    problems.push(`Gemini CLI does not trust ${d.project}, so it ignores the project's hooks`);
  return verdict(
    'gemini-cli',
    found,
    problems,
    'ward install gemini-cli --user',
    ['run_shell_command', 'read_file', 'write_file', 'web_fetch'],
    d,
    {
      timeoutScale: 1000,
      httpHooks: [user, project].flatMap((f) => wardHttpHooks(readJson(f), 'BeforeTool', f)),
    },
  );
}

/** Gemini CLI's trusted folders (~/.gemini/trustedFolders.json): TRUST_FOLDER covers the folder, TRUST_PARENT its parent. */
function geminiTrusts(d: HookCheckDeps): boolean {
  const rules = readJson(join(d.home, '.gemini', 'trustedFolders.json')) ?? {};
  const within = (dir: string) =>
    d.project === dir || d.project.startsWith(dir.endsWith(sep) ? dir : `${dir}${sep}`);
  return Object.entries(rules).some(
    ([dir, level]) =>
      (level === 'TRUST_FOLDER' && within(dir)) || (level === 'TRUST_PARENT' && within(dirname(dir))),
  );
}

async function checkCodex(d: HookCheckDeps): Promise<Check> {
  const name = 'codex hook';
  const codexHome = d.processEnv.CODEX_HOME || join(d.home, '.codex');
  const files = [join(codexHome, 'hooks.json'), join(d.project, '.codex', 'hooks.json')];
  const written = files.flatMap((f) =>
    wardHandlers(readJson(f), 'PreToolUse', 'codex').map((h) => ({ ...h, where: f })),
  );
  if (written.length === 0) return verdict('codex', [], [], 'ward install codex --user', CODEX_TOOLS, d);
  let server: Awaited<ReturnType<typeof openCodexAppServer>>;
  try {
    server = await openCodexAppServer({ codex: d.codexCommand, env: { ...d.processEnv }, cwd: d.project });
  } catch (err) {
    return {
      name,
      ok: false,
      severity: 'recommended',
      detail: `installed, but Codex could not be asked whether it runs it (${(err as Error).message})`,
      fix: 'pass --codex-command',
    };
  }
  try {
    const { hooks } = await listCodexHooks(server, d.project);
    const real = (f: string) => (existsSync(f) ? realpathSync(f) : f);
    const problems: string[] = [];
    for (const w of written) {
      const listed = hooks.filter(
        (h) => (h.sourcePath === w.where || h.sourcePath === real(w.where)) && h.command === w.command,
      );
      if (listed.length === 0)
        problems.push(`Codex does not load ${w.where} (an untrusted project, or hooks turned off)`);
      for (const h of listed) {
        if (!h.enabled) problems.push(`disabled in Codex (${h.key})`);
        else if (h.trustStatus === 'untrusted' || h.trustStatus === 'modified')
          problems.push(
            `${h.trustStatus === 'modified' ? 'changed since it was trusted' : 'never trusted'}, so Codex skips it (${h.key})`,
          );
      }
    }
    const user = written.some((w) => w.where === files[0]);
    return verdict(
      'codex',
      written,
      problems,
      `ward install codex ${user ? '--user' : '--trust-project'} (records trust for Ward's hook as written)`,
      CODEX_TOOLS,
      d,
    );
  } catch (err) {
    return {
      name,
      ok: false,
      severity: 'recommended',
      detail: `installed, but Codex's hook list failed (${(err as Error).message})`,
    };
  } finally {
    server.close();
  }
}
