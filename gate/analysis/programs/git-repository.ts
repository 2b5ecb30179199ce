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
import { touch } from '../effects.js';
import { hostOf } from '../network.js';
import { classifyPath } from '../paths.js';
import { UNKNOWN } from '../script.js';
import { commandsOf, leastRisk, scriptKind } from '../script-kinds.js';
import { GIT_KEYS, judgeGitSetting } from './git-config-keys.js';
import { parseGitConfig } from './git-config-text.js';
import type { GitInvocation } from './git-invocation.js';
import { destination } from './net.js';
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
    'receive-pack': [
      'pre-receive',
      'update',
      'proc-receive',
      'post-receive',
      'post-update',
      'push-to-checkout',
      ...REFS,
    ],
    add: ['post-index-change', 'fsmonitor-watchman'],
  }).map(([sub, hooks]) => [sub, new Set(hooks)]),
);

/** Subcommands that change no ref, no index and no file: no hook runs for them. */
const READ_ONLY =
  /^(?:log|show|diff|blame|annotate|grep|ls-files|ls-tree|ls-remote|cat-file|rev-parse|rev-list|describe|shortlog|show-ref|for-each-ref|config|help|version|var|check-ignore|check-attr|name-rev|whatchanged|reflog|count-objects|verify-commit|verify-tag|cherry|range-diff|merge-base|diff-tree|diff-files|diff-index)$/;

/** A repository as git finds it: its git directory and the top of its work tree (resolved, `~` kept). */
interface Repository {
  gitDir: string;
  top: string;
}

/** What a `.git` file names (git takes everything after `gitdir: ` up to the final line ends, spaces kept). */
function linkedDir(text: string): string | undefined {
  const body = text.replace(/[\r\n]+$/, '');
  return body.startsWith('gitdir: ') ? body.slice(8) : undefined;
}

/**
 * The repository at directory `d`, when `d` holds one (a `.git` directory or file) or, with `bare`, is a git
 * directory itself.
 */
function repositoryAt(c: Call, d: string, bare: boolean): Repository | undefined {
  const dotGit = posix.join(d, '.git');
  // git takes a `.git` directory with a HEAD as the repository, with or without a config file.
  const names = c.ctx.listDir?.(dotGit);
  if (names)
    return names.includes('HEAD') || names.includes('config') ? { gitDir: dotGit, top: d } : undefined;
  // A worktree's or submodule's `.git` is a file naming the git directory.
  const link = textAt(c, dotGit);
  const named = link !== undefined ? linkedDir(link) : undefined;
  if (named !== undefined) return { gitDir: posix.resolve(d, named), top: d };
  // Without a listing (no lister, or one that failed), by its files.
  if (
    textAt(c, posix.join(dotGit, 'HEAD')) !== undefined ||
    textAt(c, posix.join(dotGit, 'config')) !== undefined
  )
    return { gitDir: dotGit, top: d };
  if (
    bare &&
    textAt(c, posix.join(d, 'HEAD')) !== undefined &&
    textAt(c, posix.join(d, 'config')) !== undefined
  )
    return { gitDir: d, top: d };
  return undefined;
}

/** The repository a command works in, or undefined when none is found or it is unknown. */
function repositoryOf(c: Call, inv: GitInvocation): Repository | undefined {
  // `inv.dir` and `c.cwd` are already the directory itself (joined to any earlier `cd`).
  const where = { workspace: c.ctx.workspace, cwd: undefined };
  const start = inv.dir ?? c.cwd ?? c.ctx.workspace;
  if (inv.gitDir !== undefined) {
    if (inv.gitDir.includes(UNKNOWN)) return undefined;
    const gitDir = classifyPath(inv.gitDir, where).path;
    return { gitDir, top: start.includes(UNKNOWN) ? gitDir : classifyPath(start, where).path };
  }
  if (start.includes(UNKNOWN)) return undefined;
  for (const d of upFrom(classifyPath(start, where).path)) {
    const found = repositoryAt(c, d, true);
    if (found) return found;
  }
  return undefined;
}

interface Found {
  /** The subcommand: where git's traffic goes matters only to those that connect. */
  sub: string;
  hooksPath?: string;
  /** `core.worktree`: the work tree git checks files out into (relative to the git directory). */
  worktree?: string;
  /** `remote.<name>.url`, by name. */
  remotes: Map<string, string>;
  /** `remote.<name>.pushurl`, by name: where a push goes instead of the url. */
  pushUrls?: Map<string, string>;
}

/** Subcommands that connect to a remote ('' is any). */
const CONNECTS = /^(?:|fetch|pull|push|clone|ls-remote|remote|submodule|send-email|request-pull|archive)$/;

/** Judges one configuration file and the files it includes; what it learns of hooks, work tree and remotes goes in `found`. */
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
      // `~user/…` is another user's home: a place the gate does not resolve.
      if (/^~[^/]/.test(value)) {
        report(
          c.ctx,
          'persist.git-hook',
          `git's configuration ${path}: includes ${value}, which the gate cannot resolve`,
        );
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
    if (/^core\.worktree$/i.test(key)) found.worktree = value;
    const remote = /^remote\.(.+)\.url$/i.exec(key)?.[1];
    if (remote !== undefined) found.remotes.set(remote, value);
    const pushRemote = /^remote\.(.+)\.pushurl$/i.exec(key)?.[1];
    if (pushRemote !== undefined) {
      found.pushUrls ??= new Map();
      found.pushUrls.set(pushRemote, value);
    }
    // An alias is judged where a command uses it; a key git runs is judged now (this command may run it).
    const row = GIT_KEYS.find((r) => r.key.test(key));
    // A remote's address is judged by the push that uses it (judgePushTarget), the work tree by what git writes
    // there (below), not by every git command.
    if (!row || /^alias\./i.test(key) || row.use === 'remote' || row.use === 'worktree') continue;
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
  const repo = repositoryOf(c, inv);
  if (repo === undefined) return;
  const found = judgeRepository(c, repo, inv.sub);
  if (READ_ONLY.test(inv.sub) && inv.sub !== 'diff') return;
  judgeNested(c, found.worktreeTop ?? repo.top, inv.sub);
  if (inv.sub === 'push') judgePushTarget(c, inv, found);
}

/**
 * A git directory named for the git commands after this one (`export GIT_DIR=x`, `GIT_COMMON_DIR=x`, `env
 * GIT_DIR=x git …`): its configuration and every hook, as any git command may follow.
 */
export function gitRepositoryNamed(c: Call, dir: string): void {
  if (!c.ctx.readScript || dir.includes(UNKNOWN)) return;
  const gitDir = classifyPath(dir, { workspace: c.ctx.workspace, cwd: c.cwd }).path;
  judgeRepository(c, { gitDir, top: posix.dirname(gitDir) }, '');
}

/**
 * A configuration file named for the git commands after this one as the user's own (`HOME=.`,
 * `XDG_CONFIG_HOME=.`): its keys are judged as the repository's are.
 */
export function gitConfigNamed(c: Call, path: string): void {
  if (!c.ctx.readScript || path.includes(UNKNOWN)) return;
  const resolved = classifyPath(path, { workspace: c.ctx.workspace, cwd: c.cwd }).path;
  judgeConfigFile(c, resolved, { sub: '', remotes: new Map() }, 0);
}

/** Judges a repository for subcommand `sub` ('' for any): its configuration and hooks. */
function judgeRepository(c: Call, repo: Repository, sub: string): Found & { worktreeTop?: string } {
  const { gitDir } = repo;
  const found: Found = { sub, remotes: new Map() };
  // A linked worktree shares the main repository's configuration (its `commondir`).
  const common = textAt(c, posix.join(gitDir, 'commondir'))?.trim();
  const commonDir = common ? posix.resolve(gitDir, common) : gitDir;
  judgeConfigFile(c, posix.join(commonDir, 'config'), found, 0);
  judgeConfigFile(c, posix.join(gitDir, 'config.worktree'), found, 0);
  // `core.worktree` moves the work tree: what the command checks out is written there.
  const worktreeTop =
    found.worktree === undefined || found.worktree.includes(UNKNOWN)
      ? undefined
      : found.worktree.startsWith('~/')
        ? found.worktree
        : posix.resolve(gitDir, found.worktree);
  if (worktreeTop !== undefined && !READ_ONLY.test(sub)) {
    touch(c.ctx, worktreeTop, 'write', c.cwd, true);
    // Anywhere but the workspace (the home directory above it too, wherever that is) is written by checkouts.
    const ws = c.ctx.workspace;
    if (worktreeTop !== ws && !worktreeTop.startsWith(`${ws}/`))
      report(
        c.ctx,
        'write.outside',
        `git ${sub}: core.worktree=${found.worktree} puts the work tree at ${worktreeTop}`,
      );
  }
  if (READ_ONLY.test(sub)) return { ...found, worktreeTop };
  // A relative hooks path is taken from the top of the work tree.
  const top = worktreeTop ?? repo.top;
  const hooks =
    found.hooksPath === undefined
      ? posix.join(commonDir, 'hooks')
      : found.hooksPath.startsWith('~/') || found.hooksPath.startsWith('/')
        ? found.hooksPath
        : posix.resolve(top, found.hooksPath);
  judgeHooks(c, hooks, sub);
  return { ...found, worktreeTop };
}

/** The most directories at the work tree's top looked into for a nested repository. */
const MAX_NESTED_DIRS = 128;

/**
 * Repositories inside the work tree (submodules, and repositories recorded as gitlinks): `git status`, `diff`
 * and the commands that recurse run their configuration too. Those `.gitmodules` names and the directories at
 * the work tree's top are looked into (a repository deeper down without a `.gitmodules` entry is not).
 */
function judgeNested(c: Call, top: string, sub: string): void {
  const dirs = new Set<string>();
  const modules = textAt(c, posix.join(top, '.gitmodules'));
  const entries = modules === undefined ? undefined : parseGitConfig(modules);
  for (const { key, value } of entries ?? [])
    if (/^submodule\..+\.path$/.test(key) && !value.includes(UNKNOWN)) dirs.add(posix.resolve(top, value));
  // A lookup that cannot finish (a top too large to list, or more directories than are looked into) is not
  // "nothing nested": an agent makes directories to hide a gitlink among them. Without a lister (no files read
  // at all) only the `.gitmodules` names are looked into.
  const unfinished = (why: string) =>
    report(c.ctx, 'persist.git-hook', `git ${sub} in ${top}: nested repositories not looked for (${why})`);
  if (c.ctx.listDir) {
    const names = c.ctx.listDir(top);
    if (!names) {
      unfinished('its top could not be listed');
      return;
    }
    for (const n of names)
      if (n.endsWith('/') && n !== '.git/' && n !== 'node_modules/')
        dirs.add(posix.join(top, n.slice(0, -1)));
  }
  if (dirs.size > MAX_NESTED_DIRS) {
    unfinished(`over ${MAX_NESTED_DIRS} directories to look into`);
    return;
  }
  for (const dir of dirs) {
    const nested = repositoryAt(c, dir, false);
    if (nested) judgeRepository(c, nested, sub);
  }
}

/**
 * `git push` to a remote that is a repository on this machine (`remote.origin.url = ../x.git`): that
 * repository's receiving hooks run. A URL with a scheme or `host:` is another machine's.
 */
function judgePushTarget(c: Call, inv: GitInvocation, found: Found): void {
  const named = inv.rest.find((a) => !a.startsWith('-'));
  const fetchUrl = found.remotes.get(named ?? 'origin');
  const pushUrl = found.pushUrls?.get(named ?? 'origin');
  // A push that goes to another host than the remote fetches from (`pushurl` set apart): judged as a destination,
  // as `git remote set-url --push` is where it is set.
  if (pushUrl !== undefined && hostOf(pushUrl)?.host !== hostOf(fetchUrl ?? '')?.host)
    destination(c, pushUrl);
  const url = pushUrl ?? fetchUrl ?? (named !== undefined && /^[./~]/.test(named) ? named : undefined);
  if (url === undefined || url.includes(UNKNOWN)) return;
  const local = url.startsWith('file://')
    ? url.slice(7)
    : /^[a-z][\w+.-]*:|^[^/]*:/i.test(url)
      ? undefined
      : url;
  if (local === undefined) return;
  const from = inv.dir ?? c.cwd ?? c.ctx.workspace;
  if (from.includes(UNKNOWN)) return;
  const base = classifyPath(from, { workspace: c.ctx.workspace, cwd: undefined }).path;
  const dir = local.startsWith('~/') || local.startsWith('/') ? local : posix.resolve(base, local);
  const target = repositoryAt(c, dir, true) ?? { gitDir: dir, top: dir };
  judgeRepository(c, target, 'receive-pack');
}
