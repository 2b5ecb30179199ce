/**
 * What the repository a git command works in makes git run: the keys of GIT_KEYS set in its configuration
 * (`core.fsmonitor`, a filter, `core.pager`, `diff.external`…, and the files `include.path` brings in) and the
 * hooks in its hooks directory. A hostile change can put these there where the gate never saw a write: an
 * archive extracted, a directory copied or moved whole, a checkout of files from elsewhere. So each git command
 * is judged with its repository as it is now, the same way as a setting given on its command line. A
 * configuration git would refuse runs nothing; one the gate cannot read asks.
 */

import { posix } from 'node:path';
import type { Call } from '../call.js';
import { report } from '../context.js';
import { classifyPath } from '../paths.js';
import { UNKNOWN } from '../script.js';
import { commandsOf, leastRisk, scriptKind } from '../script-kinds.js';
import { GIT_KEYS, judgeGitSetting } from './git-config-keys.js';
import { parseGitConfig } from './git-config-text.js';
import type { GitInvocation } from './git-invocation.js';
import { codeAt, judgeHanded, listedFile, textAt, upFrom } from './project-files.js';

/** How deep `include.path` is followed (git stops at 10). */
const MAX_INCLUDE_DEPTH = 10;

/** githooks(5): the hooks git itself runs; other names in the directory are not hooks. */
export const GIT_HOOK_NAMES: ReadonlySet<string> = new Set([
  ...['applypatch-msg', 'pre-applypatch', 'post-applypatch', 'pre-commit', 'pre-merge-commit'],
  ...['prepare-commit-msg', 'commit-msg', 'post-commit', 'pre-rebase', 'post-checkout', 'post-merge'],
  ...['pre-push', 'pre-receive', 'update', 'proc-receive', 'post-receive', 'post-update'],
  ...['reference-transaction', 'push-to-checkout', 'pre-auto-gc', 'post-rewrite', 'sendemail-validate'],
  ...['fsmonitor-watchman', 'p4-changelist', 'p4-prepare-changelist', 'p4-post-changelist', 'p4-pre-submit'],
  ...['post-index-change'],
]);

const COMMITS = ['pre-commit', 'prepare-commit-msg', 'commit-msg', 'post-commit', 'post-rewrite'];
const REFS = ['reference-transaction', 'post-index-change', 'pre-auto-gc'];
/** The hooks each subcommand may run (githooks(5)); a subcommand not here may run any of them. */
const HOOKS_RUN: Readonly<Record<string, ReadonlySet<string>>> = Object.fromEntries(
  Object.entries({
    commit: [...COMMITS, ...REFS],
    merge: [...COMMITS, 'pre-merge-commit', 'post-merge', ...REFS],
    pull: [...COMMITS, 'pre-merge-commit', 'post-merge', 'pre-rebase', 'post-checkout', ...REFS],
    rebase: [...COMMITS, 'pre-rebase', 'post-checkout', ...REFS],
    'cherry-pick': [...COMMITS, ...REFS],
    revert: [...COMMITS, ...REFS],
    am: [...COMMITS, 'applypatch-msg', 'pre-applypatch', 'post-applypatch', ...REFS],
    checkout: ['post-checkout', ...REFS],
    switch: ['post-checkout', ...REFS],
    worktree: ['post-checkout', ...REFS],
    push: ['pre-push', ...REFS],
    'send-email': ['sendemail-validate'],
    status: ['post-index-change', 'fsmonitor-watchman'],
    add: ['post-index-change', 'fsmonitor-watchman'],
  }).map(([sub, hooks]) => [sub, new Set(hooks)]),
);

/** Subcommands that change no ref, no index and no file: no hook runs for them. */
const READ_ONLY =
  /^(?:log|show|diff|blame|annotate|grep|ls-files|ls-tree|ls-remote|cat-file|rev-parse|rev-list|describe|shortlog|show-ref|for-each-ref|config|help|version|var|check-ignore|check-attr|name-rev|whatchanged|reflog|count-objects|verify-commit|verify-tag|cherry|range-diff|merge-base|diff-tree|diff-files|diff-index)$/;

/** The repository's git directory (resolved, `~` kept), or undefined when none is found or it is unknown. */
function gitDirOf(c: Call, inv: GitInvocation): string | undefined {
  const where = { workspace: c.ctx.workspace, cwd: c.cwd };
  if (inv.gitDir !== undefined)
    return inv.gitDir.includes(UNKNOWN) ? undefined : classifyPath(inv.gitDir, where).path;
  const start = inv.dir ?? c.cwd ?? c.ctx.workspace;
  if (start.includes(UNKNOWN)) return undefined;
  for (const d of upFrom(classifyPath(start, where).path)) {
    const dotGit = posix.join(d, '.git');
    // A worktree's or submodule's `.git` is a file naming the git directory.
    const link = textAt(c, dotGit);
    const named = link !== undefined ? /^gitdir:\s*(.+?)\s*$/m.exec(link)?.[1] : undefined;
    if (named !== undefined) return posix.resolve(d, named);
    if (textAt(c, posix.join(dotGit, 'config')) !== undefined || listedFile(c, posix.join(dotGit, 'config')))
      return dotGit;
    // A bare repository, or the git directory itself.
    if (textAt(c, posix.join(d, 'HEAD')) !== undefined && textAt(c, posix.join(d, 'config')) !== undefined)
      return d;
  }
  return undefined;
}

interface Found {
  /** The subcommand: where git's traffic goes matters only to those that connect. */
  sub: string;
  hooksPath?: string;
}

/** Subcommands that connect to a remote ('' is any). */
const CONNECTS = /^(?:|fetch|pull|push|clone|ls-remote|remote|submodule|send-email|request-pull|archive)$/;

/** Judges one configuration file and the files it includes; returns what was learned about hooks. */
function judgeConfigFile(c: Call, path: string, found: Found, depth: number): void {
  const text = textAt(c, path);
  if (text === undefined) {
    if (listedFile(c, path))
      report(c.ctx, 'persist.git-hook', `git's configuration ${path}: a file the gate cannot read`);
    return;
  }
  const entries = parseGitConfig(text);
  if (!entries) {
    report(c.ctx, 'persist.git-hook', `git's configuration ${path}: lines the gate cannot read as git does`);
    return;
  }
  for (const { key, value } of entries) {
    if (/^include\.path$|^includeif\..+\.path$/i.test(key)) {
      if (depth >= MAX_INCLUDE_DEPTH) {
        report(c.ctx, 'persist.git-hook', `git's configuration ${path}: includes nested too deep to follow`);
        continue;
      }
      const named = value.startsWith('~/') ? value : posix.resolve(posix.dirname(path), value);
      judgeConfigFile(c, named, found, depth + 1);
      continue;
    }
    if (/^core\.hookspath$/i.test(key)) {
      found.hooksPath = value;
      continue;
    }
    // An alias is judged where a command uses it; a key git runs is judged now (this command may run it).
    const row = GIT_KEYS.find((r) => r.key.test(key));
    if (!row || /^alias\./i.test(key)) continue;
    if (
      (row.use === 'proxy' || row.use === 'redirect' || row.use === 'transport') &&
      !CONNECTS.test(found.sub)
    )
      continue;
    judgeGitSetting(c, { key, value, shown: `${key}=${value} (set in ${path})` }, 'repository');
  }
}

/** Judges each hook the command may run by what it holds (git runs a file without `#!` with /bin/sh). */
function judgeHooks(c: Call, dir: string, sub: string): void {
  const names = c.ctx.listDir?.(dir);
  if (!names) return;
  const runs = HOOKS_RUN[sub];
  for (const name of names) {
    if (!GIT_HOOK_NAMES.has(name) || (runs !== undefined && !runs.has(name))) continue;
    const path = posix.join(dir, name);
    const text = codeAt(c, path, 'run as a git hook');
    if (text === undefined || text.trim() === '') continue;
    const kind = scriptKind(path, text) ?? (text.startsWith('#!') ? undefined : 'shell');
    if (kind === undefined) {
      report(
        c.ctx,
        'exec.script-run-ask',
        `${path} run as a git hook by git ${sub}: a program the gate cannot read`,
      );
      continue;
    }
    judgeHanded(c, path, commandsOf(kind, text, true), leastRisk(kind));
  }
}

/** See the file comment. */
export function gitRepository(c: Call, inv: GitInvocation): void {
  if (!c.ctx.readScript || inv.sub === undefined || /^(?:init|clone|help|version)$/.test(inv.sub)) return;
  const gitDir = gitDirOf(c, inv);
  if (gitDir !== undefined) judgeRepository(c, gitDir, inv.sub);
}

/**
 * A git directory named for the git commands after this one (`export GIT_DIR=x`, `GIT_COMMON_DIR=x`, `env
 * GIT_DIR=x git …`): its configuration and every hook, as any git command may follow.
 */
export function gitRepositoryNamed(c: Call, dir: string): void {
  if (!c.ctx.readScript || dir.includes(UNKNOWN)) return;
  judgeRepository(c, classifyPath(dir, { workspace: c.ctx.workspace, cwd: c.cwd }).path, '');
}

/** Judges the repository whose git directory is `gitDir` for subcommand `sub` ('' for any). */
function judgeRepository(c: Call, gitDir: string, sub: string): void {
  const found: Found = { sub };
  // A linked worktree shares the main repository's configuration (its `commondir`).
  const common = textAt(c, posix.join(gitDir, 'commondir'))?.trim();
  const commonDir = common ? posix.resolve(gitDir, common) : gitDir;
  judgeConfigFile(c, posix.join(commonDir, 'config'), found, 0);
  judgeConfigFile(c, posix.join(gitDir, 'config.worktree'), found, 0);
  if (READ_ONLY.test(sub)) return;
  const top = posix.basename(gitDir) === '.git' ? posix.dirname(gitDir) : gitDir;
  const hooks =
    found.hooksPath === undefined
      ? posix.join(commonDir, 'hooks')
      : found.hooksPath.startsWith('~/') || found.hooksPath.startsWith('/')
        ? found.hooksPath
        : posix.resolve(top, found.hooksPath);
  judgeHooks(c, hooks, sub);
}
