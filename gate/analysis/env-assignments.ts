import type { Call } from './call.js';
import { report } from './context.js';
import { classifyPath } from './paths.js';
import { gitAssignments } from './programs/git-env.js';
import { UNKNOWN } from './script.js';
import { judgeSettingsVariable } from './settings-variables.js';
import { expandBraces } from './words.js';

/**
 * Environment variables that make later programs run something: a pager, an editor, an SSH command, a
 * library preloaded into every process, a module required by every Node process, a PATH in front of the
 * system's. Setting one is how `git status` or `pnpm build` gets turned into an attacker's program.
 */
const NAMES_A_COMMAND =
  /^(PAGER|MANPAGER|GIT_PAGER|SYSTEMD_PAGER|PSQL_PAGER|EDITOR|VISUAL|GIT_EDITOR|GIT_SEQUENCE_EDITOR|SUDO_EDITOR|FCEDIT|BROWSER|SHELL|BASH_ENV|ENV|ZDOTDIR|PROMPT_COMMAND|GIT_SSH|GIT_SSH_COMMAND|GIT_ASKPASS|SSH_ASKPASS|SUDO_ASKPASS|GIT_EXTERNAL_DIFF|GIT_PROXY_COMMAND|GIT_EXEC_PATH|LESSOPEN|LESSCLOSE|PYTHONSTARTUP|PERL5DB|[A-Z0-9_]*_(?:COMMAND|CMD|PROGRAM|PROG|EXEC|EXECUTABLE|HOOK|BIN|BINARY|EDITOR|PAGER|SHELL|WRAPPER|LAUNCHER))$/;
/** Variables whose value is loaded as code into the processes that follow. */
const LOADS_CODE =
  /^(LD_PRELOAD|LD_AUDIT|LD_LIBRARY_PATH|DYLD_INSERT_LIBRARIES|DYLD_LIBRARY_PATH|DYLD_FRAMEWORK_PATH)$/;
/** Option variables of interpreters: harmless unless they require or inject code. */
const INTERPRETER_OPTIONS: Record<string, RegExp> = {
  NODE_OPTIONS: /(^|\s)(--require|-r|--import|--loader|--experimental-loader|--inspect\S*)\b/,
  PERL5OPT: /-[a-zA-Z]*[MmdI]/,
  RUBYOPT: /-[a-zA-Z]*r/,
  JAVA_TOOL_OPTIONS: /-(javaagent|agentpath|agentlib|XX:OnError|XX:OnOutOfMemoryError)/,
  _JAVA_OPTIONS: /-(javaagent|agentpath|agentlib|XX:OnError|XX:OnOutOfMemoryError)/,
  JDK_JAVA_OPTIONS: /-(javaagent|agentpath|agentlib|XX:OnError)/,
  PYTHONWARNINGS: /::\w+\./,
};
/** Search-path variables: a directory the agent can write put in front makes its files run or load. */
const SEARCH_PATHS = /^(PATH|[A-Z0-9_]*_PATH|PYTHONPATH|PERL5LIB|RUBYLIB|NODE_PATH|GEM_PATH|CLASSPATH)$/;
/** Everyday values of command variables (`PAGER=cat git log`, `EDITOR=vim`). */
const BENIGN_COMMAND =
  /^(cat|less(\s+-[A-Za-z]+)*|more|most|bat|vim?|nvim|nano|emacs|code(\s+--wait|\s+-w)?|subl(\s+-w)?|true|false|tee|head|tail|delta|\/usr\/bin\/(less|more|cat|vim?|nano)|)$/;
/** Directories where programs normally live: putting them first in PATH poisons nothing. */
const TOOL_DIRS =
  /^(\/usr\/local\/s?bin|\/usr\/s?bin|\/s?bin|\/opt\/homebrew\/s?bin|\/opt\/[\w.-]+\/bin|\/usr\/local\/go\/bin|\/usr\/lib\/jvm\/[^/]+\/bin|\/snap\/bin|(~|\$HOME|\$\{HOME\})\/(\.[\w-]+\/)*(s?bin|\.local\/bin|\.cargo\/bin|go\/bin|\.npm-global\/bin|\.bun\/bin|\.deno\/bin|\.pyenv\/(shims|bin)|\.rbenv\/(shims|bin)|\.volta\/bin|\.nvm\/versions\/node\/[^/]+\/bin)|\$[A-Z_]*(PATH|HOME|ROOT)\b.*|\$\{[A-Z_]*(PATH|HOME|ROOT)\}.*)$/;

/** Builtins that set variables without an assignment word (see setOtherwise). */
const SETS_VARIABLES = /^(?:export|declare|typeset|local|readonly|printf|read)$/;

/** Whether a command can set variables without an assignment word: its assignments are judged all the same. */
export function setsVariables(program: string | undefined): boolean {
  return SETS_VARIABLES.test(program ?? '');
}

/**
 * Variables a command sets other than by a plain assignment word: `export {WGETRC,X}=./rc` (bash expands the
 * braces), and `printf -v NAME …` or `read NAME <<< …`, whose value is only known at run time.
 */
function setOtherwise(c: Call): { name: string; value: string }[] {
  const out: { name: string; value: string }[] = [];
  const named = (n: string | undefined, value: string) => {
    if (n !== undefined && /^[A-Za-z_]\w*$/.test(n)) out.push({ name: n, value });
  };
  if (c.name === 'printf') {
    if (c.args.includes('-v')) named(c.args[c.args.indexOf('-v') + 1], UNKNOWN);
  } else if (c.name === 'read') {
    const names = c.args.filter(
      (a, i) => !a.startsWith('-') && !/^-[a-zA-Z]*[pdntuaNi]$/.test(c.args[i - 1] ?? ''),
    );
    for (const n of names) named(n, UNKNOWN);
  } else
    for (const a of c.args)
      if (/^[^=]*\{[^=]*=/.test(a))
        for (const w of expandBraces(a) ?? []) named(w.slice(0, w.indexOf('=')), w.slice(w.indexOf('=') + 1));
  return out;
}

/** Judges the variable assignments of one command (`X=1 cmd`, `export X=1`, `X=1`, `printf -v X`). */
export function analyzeAssignments(c: Call): void {
  // Git's settings, config files and work tree given through the environment (GIT_CONFIG_KEY_n…).
  gitAssignments(c);
  for (const { name, value } of [...c.cmd.assigns, ...(setsVariables(c.name) ? setOtherwise(c) : [])]) {
    const shown = `${name}=${value.replaceAll(UNKNOWN, '$…')}`.slice(0, 120);
    if (LOADS_CODE.test(name) && value !== '') {
      report(c.ctx, 'exec.library-load', shown);
      continue;
    }
    const opts = INTERPRETER_OPTIONS[name];
    if (opts) {
      if (opts.test(value)) report(c.ctx, 'exec.env-command', shown);
      continue;
    }
    // `BASH_CMDS[ls]=/tmp/x`, `BASH_ALIASES[ls]=…`: a command name now runs another program.
    if (/^BASH_(?:CMDS|ALIASES)(?:\[|$)/.test(name)) {
      report(c.ctx, 'exec.dynamic', `${shown}: a command name runs another program`);
      continue;
    }
    // `export WGETRC=./rc`, `CURL_HOME=.`, `https_proxy=…`, `GOFLAGS=-toolexec=…`: settings the gate never reads.
    if (judgeSettingsVariable(c, name, value, shown)) continue;
    if (NAMES_A_COMMAND.test(name)) {
      if (!BENIGN_COMMAND.test(value.trim())) {
        report(c.ctx, 'exec.env-command', shown);
        if (!value.includes(UNKNOWN) && value.trim() !== '') c.shell(value);
      }
      continue;
    }
    if (SEARCH_PATHS.test(name)) {
      const poisoned = searchPathPoison(c, value);
      if (poisoned !== undefined) report(c.ctx, 'exec.path-poison', `${name}: ${poisoned}`);
      continue;
    }
    // `AUTOM4TE=/tmp/x autoconf`, `CC=./evil make`: a one-word upper-case name set to a program outside the
    // places programs live, in front of the command that reads it.
    if (c.name !== '' && /^[A-Z][A-Z0-9]*$/.test(name) && /^(\.{0,2}\/|~)/.test(value)) {
      const { zone } = classifyPath(value.split(/\s/)[0] ?? '', { workspace: c.ctx.workspace, cwd: c.cwd });
      if (zone !== 'workspace' && zone !== 'system' && zone !== 'null')
        report(c.ctx, 'exec.env-command', shown);
    }
  }
}

/** The first entry of a search path that is not a place programs normally live, if any. */
function searchPathPoison(c: Call, value: string): string | undefined {
  const entries = value.split(':');
  for (const e of entries) {
    const entry = e.replaceAll(UNKNOWN, '$X');
    if (entry === '$X' || /^\$X/.test(entry)) return undefined;
    if (TOOL_DIRS.test(entry)) continue;
    if (entry === '' || entry === '.' || !/^[/~$]/.test(entry))
      return entry === '' ? "'' (the current directory)" : entry;
    const { zone } = classifyPath(entry, { workspace: c.ctx.workspace, cwd: c.cwd });
    if (zone !== 'system') return entry;
  }
  return undefined;
}
