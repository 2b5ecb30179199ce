/**
 * Git: history-destroying subcommands, pushes to URLs, settings of keys git runs (git-config-keys.ts), commands
 * it is given to run (git-commands.ts), and the paths it writes and reads (git-paths.ts).
 */

import { type Call, type Handler, operands, optionValues } from '../call.js';
import { report } from '../context.js';
import { isSecretFileName } from '../paths.js';
import { gitGivenCommands } from './git-commands.js';
import { gitConfig, judgeGitSetting } from './git-config-keys.js';
import { gitInvocation } from './git-invocation.js';
import { gitPaths } from './git-paths.js';
import { gitRepository } from './git-repository.js';
import { destination } from './net.js';

const git: Handler = (c) => {
  const inv = gitInvocation(c);
  const { sub, rest } = inv;
  for (const s of inv.settings) judgeGitSetting(c, s, 'option');
  gitGivenCommands(c, inv);
  gitRepository(c, inv);
  gitPaths(c, inv);
  if (sub === 'push') gitPush(c, rest);
  if (sub === 'branch') {
    const del = rest.some(
      (a) =>
        /^-[a-zA-Z]*D|^--delete$/.test(a) ||
        (/^-[a-zA-Z]*d/.test(a) && rest.some((b) => /^(-[a-zA-Z]*f|--force)$/.test(b))),
    );
    const names = rest.filter((a) => !a.startsWith('-'));
    if (del && names.some((n) => PROTECTED_BRANCH.test(n)))
      report(c.ctx, 'destroy.git-history', `git branch ${rest.join(' ')}`);
  }
  if (
    (sub === 'reflog' && /^(expire|delete)$/.test(rest[0] ?? '')) ||
    sub === 'filter-branch' ||
    sub === 'filter-repo'
  )
    report(c.ctx, 'destroy.git-history', `git ${sub} ${rest.join(' ')}`.slice(0, 100));
  if (sub === 'update-ref' && rest.includes('-d'))
    report(c.ctx, 'destroy.git-history', `git update-ref ${rest.join(' ')}`);
  if (sub === 'reset' && rest.includes('--hard')) report(c.ctx, 'destroy.git-reset-hard', 'git reset --hard');
  if (sub === 'clean' && rest.some((a) => /^-[a-zA-Z]*f/.test(a) && /[dxX]/.test(a)))
    report(c.ctx, 'destroy.git-reset-hard', `git clean ${rest.join(' ')}`);
  if ((sub === 'commit' || sub === 'push' || sub === 'merge') && rest.includes('--no-verify'))
    report(c.ctx, 'evade.disable-security', `git ${sub} --no-verify skips hooks`);
  if (sub === 'config') gitConfig(c, rest, inv.base);
  // `git clone -c KEY=VALUE` writes the setting into the new repository's config.
  if (sub === 'clone')
    for (const text of optionValues(rest, ['-c', '--config'])) {
      const eq = text.indexOf('=');
      const [key, value] = eq < 0 ? [text, 'true'] : [text.slice(0, eq), text.slice(eq + 1)];
      judgeGitSetting(c, { key, value, shown: `git clone --config ${text}` }, 'lasting');
    }
  if (sub === 'remote' && /^(add|set-url)$/.test(rest[0] ?? '')) {
    const name = operands(rest.slice(1), ['-t', '-m', '--push'])[0];
    if (name) {
      c.ctx.remotesSet ??= new Set();
      c.ctx.remotesSet.add(name);
    }
  }
  // `--force` adds what .gitignore keeps out: with `.`, `-A`, a directory or a pattern that is every ignored
  // `.env` below it (one named file that is not a secret is what the developer meant).
  if (sub === 'add' || sub === 'stage') {
    const ops = operands(rest);
    const wide =
      ops.length === 0 ||
      ops.some((p) => /^\.\/?$|\/$|[*?[]/.test(p) || isSecretFileName(p.slice(p.lastIndexOf('/') + 1)));
    if (wide && rest.some((a) => a === '--force' || /^-[a-zA-Z]*f[a-zA-Z]*$/.test(a)))
      report(c.ctx, 'collect.force-add', `git ${sub} ${rest.join(' ')}`.slice(0, 100));
  }
  // `git stash --all` puts ignored files (.env, keys) into a stash commit, from where a push of `stash@{0}`
  // sends them, and deletes them from the tree: `--include-untracked` leaves ignored files alone.
  if (sub === 'stash' && rest.some((a) => a === '--all' || /^-[a-zA-Z]*a[a-zA-Z]*$/.test(a)))
    report(c.ctx, 'collect.force-add', `git stash ${rest.join(' ')}`.slice(0, 100));
  // The subcommands that reach a URL they are given (ls-remote too: it connects, and its URL carries what it is
  // given to that host; push has its own rule).
  if (/^(?:clone|fetch|pull|remote|submodule|ls-remote)$/.test(sub ?? ''))
    for (const a of rest) if (/^[a-z]+:\/\/|^[^/\s]+@[^/\s]+:/.test(a)) destination(c, a);
};

/** Branches whose loss or rewrite hurts everyone who shares the repository. */
const PROTECTED_BRANCH =
  /^(?:refs\/heads\/)?(main|master|trunk|develop|development|production|prod|release[\w./-]*|stable)$/;
/** Push options that take a value. */
const PUSH_VALUE_OPTIONS = ['--repo', '--receive-pack', '--exec', '-o', '--push-option', '--signed'];

/**
 * `git push`: forced (`-f`, `-uf`, `--force-with-lease`, `+ref`), deleting (`--delete`, `-d`, `:ref`), or to
 * a URL instead of one of the repository's remotes (where the code goes is then whatever the agent typed).
 */
function gitPush(c: Call, rest: string[]): void {
  const shown = `git push ${rest.join(' ')}`.slice(0, 120);
  if (rest.some((a) => /^-[a-zA-Z]*f[a-zA-Z]*$|^--force|^--mirror$|^\+/.test(a)))
    report(c.ctx, 'destroy.git-force-push', shown);
  const ops = operands(rest, PUSH_VALUE_OPTIONS);
  const deleting = rest.some((a) => /^-[a-zA-Z]*d[a-zA-Z]*$|^--delete$|^--prune$/.test(a));
  if (deleting || ops.slice(1).some((r) => r.startsWith(':'))) report(c.ctx, 'destroy.git-history', shown);
  const remote = ops[0] ?? (c.ctx.remotesSet?.has('origin') ? 'origin' : undefined);
  // A remote the same text added or pointed elsewhere goes where the agent typed, like a URL.
  if (remote && c.ctx.remotesSet?.has(remote))
    report(c.ctx, 'net.push-unknown-remote', `${remote}, set in the same command`);
  if (
    remote &&
    (/^[a-z][\w+.-]*:\/\//i.test(remote) ||
      /^[^/\s]+@[^/\s]+:/.test(remote) ||
      remote.startsWith('/') ||
      remote.startsWith('.'))
  ) {
    report(c.ctx, 'net.push-unknown-remote', remote);
    destination(c, remote);
  }
}

/** The `git` handler (registered right after the network programs, as it was among them). */
export const GIT_PROGRAMS: Record<string, Handler> = { git };
