/**
 * Git subcommands that run a command they are given: `rebase -x`, `difftool -x`, `bisect run`, `submodule
 * foreach`, send-email's `--*-cmd`. The command is judged as the command line it is, typed here: `git rebase -x
 * 'npm test'` is `npm test`, `-x 'curl … | sh'` is that pipe. Programs git runs on the remote side of a
 * transport (`--upload-pack`, `--receive-pack`, `--exec`; local for a path remote) and the directory of git's own
 * helpers (`--exec-path`) ask whatever they name.
 */

import { type Call, optionValues, splitClusters } from '../call.js';
import { report } from '../context.js';
import { classifyPath } from '../paths.js';
import { UNKNOWN } from '../script.js';
import { judgeGitSetting } from './git-config-keys.js';
import type { GitInvocation } from './git-invocation.js';

/** Options whose value is a command line, by subcommand (with the one-letter options that take a value). */
const GIVEN_COMMAND: Record<string, { names: string[]; letters: string }> = {
  rebase: { names: ['-x', '--exec'], letters: 'xsX' },
  difftool: { names: ['-x', '--extcmd'], letters: 'xt' },
  // `-O[CMD]`: the value only ever attached.
  grep: { names: ['-O', '--open-files-in-pager'], letters: 'efABCmO' },
  'send-email': { names: ['--sendmail-cmd', '--to-cmd', '--cc-cmd', '--header-cmd'], letters: '' },
};

/** Options naming a program git runs for the other side of a transport, by subcommand. */
const TRANSPORT_PROGRAM: Record<string, string[]> = {
  clone: ['-u', '--upload-pack'],
  fetch: ['--upload-pack'],
  pull: ['--upload-pack'],
  'ls-remote': ['--upload-pack', '--exec'],
  push: ['--receive-pack', '--exec'],
  'send-pack': ['--receive-pack', '--exec'],
  archive: ['--exec'],
};

/** Options that are a config key's command-line spelling (judged by the key table). */
const KEY_OPTIONS: Record<string, Record<string, string>> = {
  'send-email': { '--smtp-server': 'sendemail.smtpServer' },
  init: { '--template': 'init.templateDir' },
  clone: { '--template': 'init.templateDir' },
};

/** Judges the commands a git command line is given to run (see the file comment). */
export function gitGivenCommands(c: Call, inv: GitInvocation): void {
  const { sub = '', rest } = inv;
  const given = GIVEN_COMMAND[sub];
  if (given) for (const v of optionValues(splitClusters(rest, given.letters), given.names)) c.shell(v);
  if (sub === 'bisect' && rest[0] === 'run') givenWords(c, rest.slice(1));
  const each = rest.indexOf('foreach');
  if (sub === 'submodule' && each >= 0) {
    const words = rest.slice(each + 1);
    const start = words.findIndex((w) => !/^(?:--recursive|-q|--quiet)$/.test(w));
    if (start >= 0) givenWords(c, words.slice(start));
  }
  for (const v of optionValues(rest, TRANSPORT_PROGRAM[sub] ?? [])) {
    report(c.ctx, 'exec.option-command', `git ${sub} runs ${v}`.slice(0, 120).replaceAll(UNKNOWN, '$…'));
    if (!v.includes(UNKNOWN)) c.shell(v);
  }
  for (const [option, key] of Object.entries(KEY_OPTIONS[sub] ?? {}))
    for (const value of optionValues(rest, [option]))
      judgeGitSetting(c, { key, value, shown: `git ${sub} ${option}=${value}` }, 'option');
  if (inv.execPath !== undefined) {
    // git runs its helpers from there, and puts it first in PATH for every program it starts.
    const { zone } = classifyPath(inv.execPath, { workspace: c.ctx.workspace, cwd: inv.dir });
    if (zone !== 'system') report(c.ctx, 'exec.path-poison', `git --exec-path=${inv.execPath}`.slice(0, 120));
  }
}

/**
 * The words of `bisect run` and `submodule foreach`: one word is shell text; with more, git hands the first
 * to a shell and the rest to it as arguments.
 */
function givenWords(c: Call, words: string[]): void {
  const [first, ...more] = words;
  if (first === undefined) return;
  if (more.length === 0 || /[^\w@%+=:,./~-]/.test(first)) c.shell(first);
  else c.run(words);
}
