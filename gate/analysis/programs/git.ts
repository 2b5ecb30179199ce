/** Git: history-destroying and hook-planting subcommands, pushes to URLs, and the paths git writes. */

import { type Call, type Handler, operands, optionValue } from '../call.js';
import { report } from '../context.js';
import { touch } from '../effects.js';
import { isSecretFileName } from '../paths.js';
import { UNKNOWN } from '../script.js';
import { writtenOrRead } from '../written-text.js';
import { patchedFiles } from './archives.js';
import { destination } from './net.js';

const git: Handler = (c) => {
  const sub = operands(c.args, ['-C', '-c', '--git-dir', '--work-tree'])[0];
  const rest = c.args.slice(c.args.indexOf(sub ?? '') + 1);
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
  if (sub === 'config') gitConfig(c, rest);
  if (sub === 'remote' && /^(add|set-url)$/.test(rest[0] ?? '')) {
    const name = operands(rest.slice(1), ['-t', '-m', '--push'])[0];
    if (name) {
      c.ctx.remotesSet ??= new Set();
      c.ctx.remotesSet.add(name);
    }
  }
  // A file's content from history is that file read: `git show HEAD:.env`, `git cat-file -p HEAD:.env`, and
  // the paths after `--` of a patch (`git log -p -- .env`, `git show HEAD -- .env`).
  if (sub === 'show' || sub === 'cat-file')
    for (const op of operands(rest).slice(0, 8)) {
      const at = op.indexOf(':');
      if (at >= 0 && at < op.length - 1) touch(c.ctx, op.slice(at + 1), 'read', c.cwd);
    }
  // `git add .env` copies the file into the repository, from where a push sends it: a read of what it names.
  if (sub === 'add' || sub === 'stage') {
    for (const p of operands(rest).slice(0, 256)) touch(c.ctx, p, 'read', c.cwd);
    // `--force` adds what .gitignore keeps out: with `.`, `-A`, a directory or a pattern that is every ignored
    // `.env` below it (one named file that is not a secret is what the developer meant).
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
  // `git grep --no-index` and `--untracked` print lines of files git does not track, secrets included.
  if (sub === 'grep' && rest.some((a) => a === '--no-index' || a === '--untracked'))
    for (const p of rest.includes('--') ? rest.slice(rest.indexOf('--') + 1).slice(0, 64) : [])
      touch(c.ctx, p, 'read', c.cwd);
  const patch = sub === 'show' || sub === 'diff' || rest.some((a) => /^(-p|-u|--patch)$/.test(a));
  if (patch && (sub === 'log' || sub === 'show' || sub === 'diff') && rest.includes('--'))
    for (const p of rest.slice(rest.indexOf('--') + 1).slice(0, 8)) touch(c.ctx, p, 'read', c.cwd);
  // `git diff --no-index A B` compares any two files, printing both: a reader like cat.
  if (sub === 'diff' && rest.includes('--no-index'))
    for (const p of operands(rest).slice(0, 8)) touch(c.ctx, p, 'read', c.cwd);
  // git apply keeps to the work tree unless told otherwise; an inline patch shows which files it writes.
  if (sub === 'apply' || sub === 'am') {
    const dir = optionValue(rest, ['--directory']);
    if (rest.includes('--unsafe-paths')) touch(c.ctx, `/${UNKNOWN}`, 'write', c.cwd);
    if (sub === 'apply' && !rest.some((a) => /^(--stat|--numstat|--summary|--check)$/.test(a))) {
      // A patch file this command line wrote (`printf '--- a/.claude/…' > fix.patch && git apply fix.patch`).
      const file = operands(rest, ['--directory', '-p', '--exclude', '--include'])[0];
      patchedFiles(c, c.cmd.stdinText ?? (file ? writtenOrRead(c, file) : undefined), 0, dir);
    }
  }
  // Paths git writes: a clone's directory, files checked out or restored from another commit.
  if (sub === 'clone') {
    const ops = operands(rest, [
      '-b',
      '--branch',
      '-o',
      '--origin',
      '--depth',
      '-c',
      '--config',
      '--reference',
      '--separate-git-dir',
      '-u',
      '--upload-pack',
      '--template',
      '-j',
      '--jobs',
      '--filter',
    ]);
    if (ops.length >= 2) touch(c.ctx, ops[ops.length - 1] as string, 'write', c.cwd);
  }
  if ((sub === 'checkout' || sub === 'restore') && rest.includes('--'))
    for (const p of rest.slice(rest.indexOf('--') + 1).slice(0, 64)) touch(c.ctx, p, 'write', c.cwd);
  else if (sub === 'restore')
    for (const p of operands(rest, ['-s', '--source']).slice(0, 64)) touch(c.ctx, p, 'write', c.cwd);
  if (c.args.some((a) => /core\.hooksPath|core\.sshCommand|core\.fsmonitor/i.test(a) && a.includes('=')))
    report(c.ctx, 'persist.git-hook', 'git -c runs a configured program');
  // The subcommands that reach a URL they are given (ls-remote too: it connects, and its URL carries what it is
  // given to that host; push has its own rule).
  if (/^(?:clone|fetch|pull|remote|submodule|ls-remote)$/.test(sub ?? ''))
    for (const a of rest) if (/^[a-z]+:\/\/|^[^/\s]+@[^/\s]+:/.test(a)) destination(c, a);
};

/**
 * Config keys whose value git runs (or whose file it reads config from) on later git commands, outside any
 * sandbox: setting one is planting a hook, whatever the value looks like.
 */
const GIT_RUNS_KEY =
  /^(?:core\.(?:hooksPath|fsmonitor|sshCommand|askPass|gitProxy)|gpg\.(?:[^.]+\.)?program|diff\.external|diff\.[^.]+\.(?:textconv|command)|merge\.[^.]+\.driver|filter\.[^.]+\.(?:clean|smudge|process)|credential\.(?:[^.]+\.)?helper|uploadpack\.packObjectsHook|include\.path|includeIf\..+\.path|interactive\.diffFilter|sendemail\.(?:smtpServer|toCmd|ccCmd))$/i;
/** Editor and pager keys: an everyday editor or pager is what they are for; anything else is a planted command. */
const GIT_EDITOR_KEY = /^(?:core\.(?:editor|pager)|sequence\.editor|pager\.[^.]+)$/i;
const EVERYDAY_EDITOR =
  /^(?:vim?|nvim|nano|emacs|micro|hx|helix|code(?: -w| --wait)?|subl(?: -w| --wait)?|less(?: -[A-Za-z]+)*|more|cat|delta|diff-so-fancy|false|true)$/;
/** Options of `git config` that take a value (so the value is not the key). */
const GIT_CONFIG_VALUE_OPTIONS = ['-f', '--file', '--blob', '--type', '--default', '--comment', '--value'];

/** `git config [set] KEY VALUE`: keys git later runs (fsmonitor, hooksPath, filters, `!` aliases, includes). */
function gitConfig(c: Call, rest: string[]): void {
  const words: string[] = [];
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i] as string;
    if (GIT_CONFIG_VALUE_OPTIONS.includes(a)) i++;
    else if (!a.startsWith('-')) words.push(a);
  }
  if (/^(set|add|replace-all)$/.test(words[0] ?? '')) words.shift();
  const [key = '', value] = words;
  const shown = `git config ${rest.join(' ')}`.slice(0, 120);
  if (value === undefined) return;
  if (
    GIT_RUNS_KEY.test(key) ||
    (/^alias\./i.test(key) && value.trim().startsWith('!')) ||
    (GIT_EDITOR_KEY.test(key) && !EVERYDAY_EDITOR.test(value.trim()))
  )
    report(c.ctx, 'persist.git-hook', shown);
}

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
