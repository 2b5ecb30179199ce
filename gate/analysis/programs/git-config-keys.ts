/**
 * Git config keys whose value git runs as a command, or from which it loads hooks or more configuration: one
 * table, applied to every way a setting reaches git (`git config`, `-c`, `--config-env`, `clone -c`,
 * GIT_CONFIG_COUNT/KEY_n/VALUE_n and GIT_CONFIG_PARAMETERS in the environment, the options that are a key's
 * command-line spelling). A key's everyday values (an editor, a pager, a stock credential helper) are what it is
 * for; any other value is a command the agent chose, run by a later git command outside what the gate sees.
 */

import type { RuleId } from '../../taxonomy/rules.js';
import type { Call } from '../call.js';
import { report } from '../context.js';
import { touch } from '../effects.js';
import { UNKNOWN } from '../script.js';
import type { GitSetting } from './git-invocation.js';
import { destination } from './net.js';

/**
 * How git uses a key's value: a command line it hands to a shell; a command only when it starts with `!`
 * (aliases); a directory of hooks; a file of more configuration; a switch that lets URLs run commands
 * (`ext::sh -c …`); a host its traffic goes through; a URL that stands in for another; a remote's address; the
 * directory git checks files out into.
 */
type Use =
  | 'command'
  | 'bang'
  | 'hooks'
  | 'config'
  | 'transport'
  | 'proxy'
  | 'redirect'
  | 'remote'
  | 'worktree';

export interface GitKeyRow {
  key: RegExp;
  use: Use;
  /** Values that are what the key is for. */
  everyday?: RegExp;
}

const BOOLEAN = /^(?:true|false|yes|no|on|off|0|1|)$/i;
const EVERYDAY_EDITOR_PAGER =
  /^(?::|vim?|nvim|nano|emacs|micro|hx|helix|code(?: -w| --wait)?|subl(?: -w| --wait)?|less(?: -[A-Za-z]+)*|more|cat|delta|diff-so-fancy|true|false|yes|no|on|off|0|1|)$/;

/** The table. A key git runs that is not here is a row here, not a new check elsewhere. */
export const GIT_KEYS: readonly GitKeyRow[] = [
  {
    key: /^(?:core\.(?:editor|pager)|sequence\.editor|pager\..+)$/i,
    use: 'command',
    everyday: EVERYDAY_EDITOR_PAGER,
  },
  {
    key: /^interactive\.diffFilter$/i,
    use: 'command',
    everyday: /^(?:delta(?: --color-only)?|diff-so-fancy(?: --patch)?|diff-highlight|)$/,
  },
  { key: /^core\.fsmonitor$/i, use: 'command', everyday: BOOLEAN },
  {
    key: /^credential\.(?:.+\.)?helper$/i,
    use: 'command',
    everyday:
      /^(?:|store|cache(?: --timeout[= ]?\d+)?|osxkeychain|manager(?:-core)?|libsecret|wincred|gnome-keyring)$/,
  },
  {
    key: /^gpg\.(?:[^.]+\.)?program$/i,
    use: 'command',
    everyday: /^(?:(?:\/usr\/(?:local\/)?bin\/)?(?:gpg2?|gpgsm|ssh-keygen)|)$/,
  },
  // A host is what the key is for; a path is a sendmail program git runs instead.
  {
    key: /^sendemail\.(?:[^.]+\.)?smtpServer$/i,
    use: 'command',
    everyday: /^(?![/.~])|^\/usr\/(?:local\/)?s?bin\/(?:sendmail|msmtp)$/,
  },
  // What `git lfs install --local` writes.
  {
    key: /^filter\.lfs\.(?:clean|smudge|process)$/i,
    use: 'command',
    everyday: /^git-lfs (?:clean -- %f|smudge -- %f|filter-process)$/,
  },
  {
    key: /^(?:core\.(?:sshCommand|askPass|gitProxy|alternateRefsCommand)|gpg\.ssh\.defaultKeyCommand|diff\.external|diff\.[^.]+\.(?:textconv|command)|merge\.[^.]+\.driver|filter\.[^.]+\.(?:clean|smudge|process)|(?:diff|merge)tool\.[^.]+\.(?:cmd|path)|uploadpack\.packObjectsHook|sendemail\.(?:[^.]+\.)?(?:sendmailCmd|toCmd|ccCmd|headerCmd)|trailer\.[^.]+\.(?:command|cmd)|imap\.tunnel|(?:browser|man)\.[^.]+\.(?:cmd|path)|guitool\.[^.]+\.cmd|remote\.[^.]+\.(?:uploadpack|receivepack)|tar\.[^.]+\.command|instaweb\.httpd)$/i,
    use: 'command',
    everyday: /^$/,
  },
  { key: /^(?:alias\..+|submodule\.[^.]+\.update)$/i, use: 'bang' },
  { key: /^(?:core\.hooksPath|init\.templateDir)$/i, use: 'hooks', everyday: /^$/ },
  { key: /^(?:include\.path|includeIf\..+\.path)$/i, use: 'config', everyday: /^$/ },
  { key: /^protocol\.(?:ext\.)?allow$/i, use: 'transport', everyday: /^never$/ },
  { key: /^(?:https?\.(?:.+\.)?proxy|remote\.[^.]+\.proxy)$/i, use: 'proxy' },
  { key: /^url\..+\.(?:push)?insteadOf$/i, use: 'redirect' },
  // Where a remote's fetches and pushes go: `git config remote.origin.pushurl URL` is `git remote set-url --push`.
  { key: /^remote\.[^.]+\.(?:url|pushurl)$/i, use: 'remote' },
  // `git config core.worktree ~`: every later checkout, reset or stash writes the repository's files there.
  { key: /^core\.worktree$/i, use: 'worktree' },
];

/** An alias expansion that gives git a program or settings to run (`rebase -x`, `bisect run`, `-c k=v`). */
const HANDS_A_COMMAND =
  /(?:^|\s)(?:-x|--exec|--extcmd|-c|--config-env|--exec-path|--upload-pack|--receive-pack|run|foreach)(?:[\s=]|$)/;

/**
 * How the setting arrived: `lasting` (written to a config file: every later git command runs it), `option`
 * (this command's own options), `env` (the environment of this command and those after it), `repository` (found
 * in the configuration of the repository the command runs in, git-repository.ts).
 */
export type Arrival = 'lasting' | 'option' | 'env' | 'repository';

const RULE: Record<Arrival, RuleId> = {
  lasting: 'persist.git-hook',
  option: 'exec.option-command',
  env: 'exec.env-command',
  repository: 'persist.git-hook',
};

/** Judges one setting of a key against the table (see the file comment). */
export function judgeGitSetting(c: Call, s: GitSetting, arrival: Arrival): void {
  const shown = (s.shown.length > 120 ? `${s.shown.slice(0, 120)}…` : s.shown).replaceAll(UNKNOWN, '$…');
  // `git -c "$KV" log`: which key is set is known only at run time, a pager as likely as a colour.
  if (s.key.includes(UNKNOWN)) {
    report(c.ctx, RULE[arrival], `${shown} (a key known only at run time)`);
    return;
  }
  const row = GIT_KEYS.find((r) => r.key.test(s.key));
  if (!row) return;
  if (s.value === undefined || s.value.includes(UNKNOWN)) {
    report(c.ctx, RULE[arrival], `${shown} (a value known only at run time)`);
    return;
  }
  const value = s.value.trim();
  // An empty value puts git's default back (`-c credential.helper=`, `-c http.proxy=`).
  if (value === '' && row.use !== 'redirect') return;
  // Where git's traffic goes: through the proxy, or to the URL that stands in for the one typed.
  if (row.use === 'proxy') {
    destination(c, value, true);
    return;
  }
  if (row.use === 'worktree') {
    // A relative value is relative to the git directory (`..` is the repository's top).
    touch(c.ctx, /^[/~]/.test(value) ? value : `.git/${value}`, 'write', c.cwd);
    return;
  }
  if (row.use === 'remote') {
    destination(c, value);
    return;
  }
  if (row.use === 'redirect') {
    destination(c, s.key.replace(/^url\.|\.(?:push)?insteadOf$/gi, ''));
    return;
  }
  if (row.use === 'bang' && !value.startsWith('!')) {
    // Any other alias is a git command line that git reads again, global options included: `rebase -x …`,
    // `-c core.fsmonitor=./x status`, `-c alias.y='!…' y`. It is judged as that command; kept in a config file,
    // one that hands git a program to run runs it at every later use, as a `!` alias does.
    if (!/^alias\./i.test(s.key)) return;
    if (arrival === 'lasting' && HANDS_A_COMMAND.test(value)) report(c.ctx, RULE.lasting, shown);
    c.shell(`git ${value}`);
    return;
  }
  if (row.everyday?.test(value)) return;
  report(c.ctx, RULE[arrival], shown);
  if (row.use !== 'command' && row.use !== 'bang') return;
  // The command is also what it is typed as (`-c pager.log='sh -c "curl … | sh"'` is that pipe).
  if (arrival === 'lasting') report(c.ctx, 'exec.option-command', shown);
  c.shell(value.replace(/^!/, ''));
}

/** Options of `git config` that take a value (so the value is not the key). */
const CONFIG_VALUE_OPTIONS = ['-f', '--file', '--blob', '--type', '--default', '--comment', '--value'];

/** `git config [set] KEY VALUE`: a lasting setting; `-f FILE` is the file read (listed) or written. */
export function gitConfig(c: Call, rest: string[], base: string | undefined): void {
  const words: string[] = [];
  let file: string | undefined;
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i] as string;
    if (CONFIG_VALUE_OPTIONS.includes(a)) {
      if (a === '-f' || a === '--file') file = rest[i + 1];
      i++;
    } else if (a.startsWith('--file=')) file = a.slice('--file='.length);
    else if (!a.startsWith('-')) words.push(a);
  }
  if (/^(set|add|replace-all)$/.test(words[0] ?? '')) words.shift();
  const [key = '', value] = words;
  // `git config -f ~/.aws/credentials --list` prints an INI file's keys and values: a reader like cat.
  if (file !== undefined && file !== '-') touch(c.ctx, file, value === undefined ? 'read' : 'write', base);
  if (value === undefined) return;
  judgeGitSetting(c, { key, value, shown: `git config ${rest.join(' ')}` }, 'lasting');
}
