/**
 * The command Ward writes into an agent's settings for its hook. All three agents run the tool when a hook
 * exits with anything but 2 (killed by SIGKILL or the OOM killer, node crashed or missing, the ward file gone
 * or emptied) or prints broken JSON. So `ward hook` runs under a POSIX-sh wrapper that lets the tool run only
 * on a deliberate answer: exit 0 with a JSON object on stdout (`ward hook` prints `{}` when it has no
 * objection). Anything else blocks with exit 2. The ward command goes after the script as its arguments, so
 * the script is the same text for every install and the ward command stays readable in the settings file.
 */

import { closeSync, constants, existsSync, fstatSync, openSync, readSync } from 'node:fs';
import { delimiter, isAbsolute, join } from 'node:path';

/** $0 of the wrapper: names it in its messages and marks the command as Ward's wrapped hook. */
const WRAPPER_NAME = 'ward-hook';

/**
 * No `$name` or `${…}` in it: Gemini CLI replaces those in its settings with variables of its environment
 * before it runs a hook, and with `a={}` and `s=0` there the wrapper before this one answered `{}` for every
 * call. Only `"$@"`, `$?` and `$*` (`set --` keeps Ward's answer as the one positional parameter).
 */
const WRAPPER_SCRIPT = [
  'set -- "$("$@" || { case $? in 2) ;; *) echo "Ward: the hook gave no answer (exit status $?); the tool call is blocked" >&2;; esac; echo " x"; })"',
  'case "$*" in "{"*"}") printf "%s\\n" "$*"; exit 0;; *" x") exit 2;; esac',
  'echo "Ward: the hook gave no answer (exit status 0); the tool call is blocked" >&2',
  'exit 2',
].join('; ');

const WRAPPER_PREFIX = `/bin/sh -c ${shellQuote(WRAPPER_SCRIPT)} ${WRAPPER_NAME} `;

/** The wrapper `ward install` wrote before: safe in Claude Code and Codex, not where Gemini CLI fills in `$a`, `$s`. */
const PREVIOUS_WRAPPER_PREFIX = `/bin/sh -c ${shellQuote(
  [
    'a=$("$@"); s=$?',
    'case $s$a in 0{*}) printf "%s\\n" "$a"; exit 0;; esac',
    '[ $s = 2 ] || echo "Ward: the hook gave no answer (exit status $s); the tool call is blocked" >&2',
    'exit 2',
  ].join('; '),
)} ${WRAPPER_NAME} `;

/** One word for a POSIX shell: as is when it cannot be misread, else single-quoted. */
export function shellQuote(word: string): string {
  if (/^[\w@%+=:,./-]+$/.test(word)) return word;
  return `'${word.replaceAll("'", `'\\''`)}'`;
}

/**
 * The hook command for an agent: `ward` (shell words, e.g. `/usr/local/bin/ward` or `node '/opt/my ward/bin/ward.mjs'`)
 * with `hook <agent>` and `args`, wrapped so that any failure of it blocks the tool call.
 */
export function wardHookCommand(ward: string, agent: string, args: readonly string[] = []): string {
  return `${WRAPPER_PREFIX}${ward} hook ${agent}${args.map((a) => ` ${shellQuote(a)}`).join('')}`;
}

/** Whether a settings command is Ward's hook for `agent`, old (bare) or wrapped, whatever path Ward is at. */
export function isWardHookCommand(command: string, agent: string): boolean {
  return new RegExp(`(^|[\\s/'"])ward(\\.mjs)?['"]?\\s+hook\\s+${agent}\\b`).test(command);
}

/** Whether Ward's hook command runs under the current wrapper (an older install fails open when killed). */
export function isWrappedHookCommand(command: string): boolean {
  return command.startsWith(WRAPPER_PREFIX);
}

/** Whether Ward's hook command runs under the wrapper before the current one (see WRAPPER_SCRIPT). */
export function isPreviousWrapperCommand(command: string): boolean {
  return command.startsWith(PREVIOUS_WRAPPER_PREFIX);
}

/**
 * The words a hook command runs (under the wrapper: the ward command and its arguments), unquoted, as far as
 * they are plain words: characters a shell takes as they are, single-quoted text and `\'` (what shellQuote
 * writes). `rest` is the text from the first thing a shell would read otherwise (`;`, `|`, `$`, `"`, `{}`…),
 * empty when the whole command is plain words.
 */
export function hookWords(command: string): { words: string[]; rest: string } {
  const prefix = [WRAPPER_PREFIX, PREVIOUS_WRAPPER_PREFIX].find((p) => command.startsWith(p)) ?? '';
  let text = command.slice(prefix.length).replace(/^[ \t]+/, '');
  const words: string[] = [];
  for (;;) {
    // A word, then blanks (not a newline: that ends a command) or the end.
    const m = /^((?:[\w@%+=:,./-]+|'[^']*'|\\')+)(?:[ \t]+|$)/.exec(text);
    if (!m) return { words, rest: text };
    words.push((m[1] ?? '').replace(/'([^']*)'|\\(')/g, '$1$2'));
    text = text.slice(m[0].length);
  }
}

/** The program a hook command starts first (unquoted): under the wrapper, the ward command's first word. */
export function hookProgram(command: string): string {
  const { words, rest } = hookWords(command);
  return words[0] ?? rest.split(/\s+/)[0] ?? '';
}

/** The first `name` in an absolute PATH directory (a relative entry is wherever the agent stands), or undefined. */
export function firstOnPath(name: string, path: string | undefined): string | undefined {
  for (const d of (path ?? '').split(delimiter)) {
    if (!isAbsolute(d)) continue;
    const file = join(d, name);
    if (existsSync(file)) return file;
  }
  return undefined;
}

/**
 * The program a script's `#!/usr/bin/env [-S] program args…` line has env look up on PATH, with its
 * arguments; null for any other file (a binary, an absolute interpreter, unreadable).
 */
export function envShebang(file: string): { program: string; args: string[] } | null {
  let head = '';
  try {
    // Without blocking, and only a regular file: a named pipe put on PATH as `ward` would wait for ever.
    const fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY);
    try {
      if (!fstatSync(fd).isFile()) return null;
      const buf = Buffer.alloc(256);
      head = buf.subarray(0, readSync(fd, buf, 0, buf.length, 0)).toString('latin1');
    } finally {
      closeSync(fd);
    }
  } catch {
    return null;
  }
  const m = /^#!\s*(\S*\/)?env[ \t]+([^\n]*)/.exec(head);
  if (!m) return null;
  const words = (m[2] ?? '').trim().split(/[ \t]+/);
  if (words[0] === '-S') words.shift();
  const program = words.shift();
  return program && !program.startsWith('-') && !program.includes('=') ? { program, args: words } : null;
}

/**
 * Shell words that start the ward script `file` without any PATH look-up at hook time: a script that starts
 * its interpreter through `/usr/bin/env node` (Ward's own bin/ward.mjs) has env find `node` on the agent's
 * PATH at every tool call, so a `node` the agent writes into an earlier PATH directory (~/.local/bin) would
 * answer `{}` for Ward. The interpreter is pinned by its absolute path now, as the script's own line asks.
 */
export function pinnedWardCommand(file: string, path: string | undefined): string {
  const env = envShebang(file);
  const interpreter = env && firstOnPath(env.program, path);
  if (!env || !interpreter) return shellQuote(file);
  return [interpreter, ...env.args, file].map(shellQuote).join(' ');
}

/**
 * Why a hook command makes the agent's PATH pick its program at every call (a program written into an earlier
 * PATH directory would answer for Ward), or null: a bare program name, or a script whose interpreter is found
 * through `/usr/bin/env`.
 */
export function pathLookupProblem(command: string): string | null {
  const program = hookProgram(command);
  if (program === '') return null;
  if (!program.includes('/')) return `\`${program}\` is looked up on PATH at every tool call`;
  if (/\/env$/.test(program)) return `${program} looks the program it starts up on PATH at every tool call`;
  const env = envShebang(program);
  return env
    ? `${program} starts \`${env.program}\` through /usr/bin/env, which looks it up on PATH at every tool call`
    : null;
}
