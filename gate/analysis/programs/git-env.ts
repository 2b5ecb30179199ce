/**
 * Git's environment: settings given through it (GIT_CONFIG_COUNT/KEY_n/VALUE_n, GIT_CONFIG_PARAMETERS), the
 * config files it reads (GIT_CONFIG_GLOBAL, GIT_CONFIG_SYSTEM), and a work tree named for the git commands after
 * it (`export GIT_WORK_TREE=~`: they write there).
 */

import type { Call } from '../call.js';
import { report } from '../context.js';
import { touch } from '../effects.js';
import { UNKNOWN } from '../script.js';
import { judgeGitSetting } from './git-config-keys.js';
import { gitConfigNamed, gitRepositoryNamed } from './git-repository.js';

/** `'key'='value'` pairs of GIT_CONFIG_PARAMETERS (git's own quoting: `'\''` is a quote). */
const PARAMETER = /'((?:[^']|'\\'')*)'(?:='((?:[^']|'\\'')*)')?/g;

/** Commands whose assignments hold for the commands after them. */
const SETS_FOR_LATER = /^(?:|export|declare|typeset|readonly|local)$/;

/** Judges a command's assignments of git's variables (see the file comment). */
export function gitAssignments(c: Call): void {
  const value = (name: string) => c.cmd.assigns.find((a) => a.name === name)?.value;
  for (const { name, value: v } of c.cmd.assigns) {
    const n = /^GIT_CONFIG_KEY_(\d+)$/.exec(name)?.[1];
    if (n !== undefined) {
      const val = value(`GIT_CONFIG_VALUE_${n}`);
      const shown = `${name}=${v} GIT_CONFIG_VALUE_${n}=${val ?? '…'}`;
      judgeGitSetting(c, { key: v, value: val, shown }, 'env');
    }
    if (name === 'GIT_CONFIG_PARAMETERS') {
      const unquote = (q: string) => q.replaceAll("'\\''", "'");
      const pairs = [...v.matchAll(PARAMETER)];
      if (pairs.length === 0 && v.trim() !== '')
        report(c.ctx, 'exec.env-command', `GIT_CONFIG_PARAMETERS=${v.slice(0, 100)}`);
      for (const [text, first = '', second] of pairs) {
        const s =
          second === undefined
            ? { key: unquote(first).split('=')[0] ?? '', value: unquote(first).split('=').slice(1).join('=') }
            : { key: unquote(first), value: unquote(second) };
        judgeGitSetting(c, { ...s, shown: `GIT_CONFIG_PARAMETERS=${text}` }, 'env');
      }
    }
    // A configuration file git reads besides the user's: every key in it (/dev/null reads none).
    if (/^GIT_CONFIG(?:_GLOBAL|_SYSTEM)?$/.test(name) && !/^(?:\/dev\/null|)$/.test(v))
      report(c.ctx, 'exec.env-command', `${name}=${v.replaceAll(UNKNOWN, '$…')}`.slice(0, 120));
    // On `git …` itself git-invocation.ts reads it; anywhere else it names where later git commands write.
    if (name === 'GIT_WORK_TREE' && c.name !== 'git' && v !== '') touch(c.ctx, v, 'write', c.cwd);
    // The repository later git commands run in (on `git …` itself, git-repository.ts finds it by GIT_DIR).
    if ((name === 'GIT_DIR' && c.name !== 'git') || name === 'GIT_COMMON_DIR') gitRepositoryNamed(c, v);
    // Where git finds the user's own configuration (`HOME=. git status` reads ./.gitconfig).
    if ((name === 'HOME' || name === 'XDG_CONFIG_HOME') && v !== '') {
      const file = `${v.replace(/\/+$/, '')}/${name === 'HOME' ? '.gitconfig' : 'git/config'}`;
      // Known only at run time, for git or for the commands after it (`export HOME=$PWD; git log`).
      if (v.includes(UNKNOWN) && (c.name === 'git' || SETS_FOR_LATER.test(c.name)))
        report(
          c.ctx,
          'exec.env-command',
          `${name}=${v.replaceAll(UNKNOWN, '$…')}: git's own configuration from there`,
        );
      else gitConfigNamed(c, file);
    }
  }
}
