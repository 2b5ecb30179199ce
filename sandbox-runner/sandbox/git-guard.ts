import { existsSync, lstatSync, mkdirSync, readdirSync, realpathSync, writeFileSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, resolve, sep } from 'node:path';
import { indexGitlinks } from './git-index.js';
import { readRegularText } from './regular-file.js';

/**
 * How one writable root's git metadata is protected. Git runs code named by its config (core.fsmonitor,
 * core.hooksPath, core.sshCommand, filter drivers, aliases…) and by its hooks, and the user's next `git`
 * outside the sandbox obeys whatever the sandbox left there. Pinning .git/config alone is not enough: the
 * pins move with a renamed .git, a `commondir` file redirects config and hooks to another directory, and a
 * `.git` file (`gitdir: …`) can point anywhere. So:
 * - every git directory in a writable root is a mount point of its own (bound onto itself): it cannot be
 *   renamed, removed or replaced, and neither can its objects/ and refs/ (so it stays a valid repository and
 *   git never falls back to treating the work tree itself as a bare repository);
 * - its config, hooks, info (attributes), config.worktree, commondir, and each linked worktree's control
 *   files are read-only; a `commondir` holding "." (the directory itself, what git assumes without one) is
 *   written once where none exists, because git must keep creating arbitrary lock files beside it;
 * - `.git` files (worktrees, submodules) are read-only, and the git directories they name are protected
 *   the same way when they lie in a writable root (elsewhere the whole file system is read-only anyway);
 * - submodule git directories (.git/modules/…) get the same treatment: `git status` recurses into them;
 * - a file the config includes (include.path, includeIf) is read-only when it lies in a writable root.
 * Objects, refs, the index, logs and HEAD stay writable, so commits, branches and checkouts work.
 */
export interface GitGuard {
  /** Directories bound onto themselves, before the read-only pins inside them. */
  mountPoints: string[];
  readOnly: string[];
  /** Absolute paths that do not exist and must not be created (an included config file, say). */
  watchedMissing: string[];
  /** Git directories whose HEAD is checked after each command (an invalid HEAD makes git look elsewhere). */
  gitDirs: string[];
  /** The `.git` entries found (dir, file or link), checked after each command for replacement. */
  dotGits: string[];
  /** Repositories whose index is checked for planted submodules after each command. */
  workTrees: { gitDir: string; workTree: string }[];
}

const MAX_MODULES = 64;
const COMMONDIR_SENTINEL = '.\n';

function within(child: string, parent: string): boolean {
  return child === parent || child.startsWith(parent.endsWith(sep) ? parent : parent + sep);
}

function kind(path: string): 'dir' | 'file' | 'symlink' | undefined {
  const st = lstatSync(path, { throwIfNoEntry: false });
  if (!st) return undefined;
  return st.isSymbolicLink() ? 'symlink' : st.isDirectory() ? 'dir' : 'file';
}

/** A file the sandbox may have written, never a pipe or device (see regular-file.ts); else undefined. */
function readText(path: string): string | undefined {
  return readRegularText(path) ?? undefined;
}

function realPath(path: string): string | undefined {
  try {
    return realpathSync(path);
  } catch {
    return undefined;
  }
}

/** The directory a `.git` file names (`gitdir: PATH`, relative to the file's directory), if any. */
export function gitfileTarget(dotGit: string): string | undefined {
  const m = /^gitdir:\s*(.+?)\s*$/m.exec(readText(dotGit) ?? '');
  return m?.[1] ? resolve(dirname(dotGit), m[1]) : undefined;
}

/** Paths named by include.path / includeIf.*.path in a git config file (resolved like git does). */
function includedFiles(configPath: string, home: string): string[] {
  const out: string[] = [];
  let section = '';
  for (const line of (readText(configPath) ?? '').split('\n')) {
    const head = /^\s*\[\s*([^\]\s"]+)/.exec(line);
    if (head?.[1]) section = head[1].toLowerCase();
    const m = /^\s*path\s*=\s*"?([^"]*?)"?\s*$/i.exec(line);
    if (!m?.[1] || (section !== 'include' && section !== 'includeif')) continue;
    const p = m[1].startsWith('~/') ? join(home, m[1].slice(2)) : m[1];
    out.push(isAbsolute(p) ? p : resolve(dirname(configPath), p));
  }
  return out;
}

/**
 * Work-tree files a git config names as programs or hook directories (core.hooksPath = .husky/_,
 * core.fsmonitor = ./tools/watch, filter.x.clean = ./scripts/clean…): git runs them, so a sandbox must not
 * rewrite them. Relative hooksPath and commands resolve against the work tree; `~/` against home. Husky's
 * `_` hook directory runs the scripts one level up, so that directory counts too.
 */
function programsNamedBy(
  configPath: string,
  workTree: string,
  home: string,
): { path: string; hooks: boolean }[] {
  const out: { path: string; hooks: boolean }[] = [];
  let section = '';
  for (const line of (readText(configPath) ?? '').split('\n')) {
    const head = /^\s*\[\s*([^\]\s"]+)/.exec(line);
    if (head?.[1]) section = head[1].toLowerCase();
    const m = /^\s*([A-Za-z][\w-]*)\s*=\s*(.*?)\s*$/.exec(line);
    if (!m?.[1] || !m[2] || section === 'include' || section === 'includeif') continue;
    const hooks = section === 'core' && m[1].toLowerCase() === 'hookspath';
    for (const raw of m[2].replace(/^"|"$/g, '').split(/\s+/)) {
      const token = raw.replace(/^['"]|['"]$/g, '');
      if (!hooks && !/^(\.{1,2}\/|~\/|\/)/.test(token)) continue;
      const p = token.startsWith('~/') ? join(home, token.slice(2)) : resolve(workTree, token);
      out.push({ path: p, hooks });
      if (hooks && basename(p) === '_') out.push({ path: dirname(p), hooks });
    }
  }
  return out;
}

/** Submodule work-tree paths listed in a .gitmodules file. */
function submodulePaths(root: string): string[] {
  const text = readText(join(root, '.gitmodules')) ?? '';
  return [...text.matchAll(/^\s*path\s*=\s*(.+?)\s*$/gm)].map((m) => resolve(root, m[1] ?? ''));
}

/** Git directories under .git/modules (submodule names may contain slashes, so walk a few levels). */
function moduleGitDirs(gitDir: string): string[] {
  const out: string[] = [];
  const walk = (dir: string, depth: number): void => {
    if (depth > 4 || out.length >= MAX_MODULES) return;
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      return;
    }
    for (const name of names) {
      const sub = join(dir, name);
      if (kind(sub) !== 'dir') continue;
      if (existsSync(join(sub, 'HEAD')) && existsSync(join(sub, 'config'))) out.push(sub);
      else walk(sub, depth + 1);
    }
  };
  walk(join(gitDir, 'modules'), 0);
  return out;
}

/** Resolves what to bind and pin for the git metadata in one writable root (see GitGuard). */
export function guardGit(root: string, ctx: { writable: readonly string[]; home: string }): GitGuard {
  const guard: GitGuard = {
    mountPoints: [],
    readOnly: [],
    watchedMissing: [],
    gitDirs: [],
    dotGits: [],
    workTrees: [],
  };
  const inWritable = (p: string): boolean => ctx.writable.some((w) => within(p, w));
  const done = new Set<string>();
  const pinIfExists = (p: string): void => {
    if (existsSync(p)) guard.readOnly.push(p);
  };

  const protectGitDir = (named: string): void => {
    // Judged by where it really is: `gitdir: link/home/me` with `link -> ../..` is lexically in the work tree,
    // and binding it (or writing commondir into it) would open the real home.
    const dir = realPath(named);
    if (dir === undefined || done.has(dir) || !inWritable(dir) || kind(dir) !== 'dir') return;
    done.add(dir);
    guard.mountPoints.push(dir);
    guard.gitDirs.push(dir);
    for (const sub of ['objects', 'refs'])
      if (kind(join(dir, sub)) === 'dir') guard.mountPoints.push(join(dir, sub));
    // Without these a command could create them; git creates hooks/ and info/ itself, so make and pin them.
    for (const sub of ['hooks', 'info']) {
      try {
        mkdirSync(join(dir, sub), { recursive: true });
      } catch {
        // not writable for us either, so not for the sandbox
      }
    }
    const commondir = join(dir, 'commondir');
    if (!existsSync(commondir)) {
      try {
        writeFileSync(commondir, COMMONDIR_SENTINEL, { flag: 'wx' });
      } catch {
        // as above
      }
    }
    for (const name of ['config', 'config.worktree', 'hooks', 'info', 'commondir'])
      pinIfExists(join(dir, name));
    // A linked worktree's gitdir names its common directory: protect that one's config and hooks too.
    const common = readText(commondir)?.trim();
    if (common && common !== '.') protectGitDir(resolve(dir, common));
    // Linked worktrees elsewhere read their common dir and per-worktree config from here.
    let worktrees: string[] = [];
    try {
      worktrees = readdirSync(join(dir, 'worktrees'));
    } catch {
      // none
    }
    for (const wt of worktrees.slice(0, MAX_MODULES)) {
      for (const name of ['commondir', 'config.worktree', 'gitdir'])
        pinIfExists(join(dir, 'worktrees', wt, name));
    }
    for (const inc of includedFiles(join(dir, 'config'), ctx.home)) {
      if (!inWritable(inc)) continue;
      if (existsSync(inc)) guard.readOnly.push(inc);
      else guard.watchedMissing.push(inc);
    }
    for (const mod of moduleGitDirs(dir)) protectGitDir(mod);
  };

  const protectDotGit = (dotGit: string): void => {
    const k = kind(dotGit);
    let gitDir: string | undefined;
    if (k === 'dir') {
      protectGitDir(dotGit);
      gitDir = realPath(dotGit);
    } else if (k === 'file') {
      guard.readOnly.push(dotGit);
      const target = gitfileTarget(dotGit);
      if (target) protectGitDir(target);
      gitDir = target === undefined ? undefined : realPath(target);
    }
    if (gitDir && guard.gitDirs.includes(gitDir) && !guard.workTrees.some((w) => w.gitDir === gitDir)) {
      const workTree = dirname(dotGit);
      guard.workTrees.push({ gitDir, workTree });
      // Every submodule in the index, listed in .gitmodules or not: `git status` recurses into each.
      for (const path of indexGitlinks(join(gitDir, 'index')).slice(0, MAX_MODULES)) {
        protectDotGit(join(workTree, path, '.git'));
      }
    } else if (k === 'symlink') {
      // A bind follows the link, so the link itself stays replaceable; protect where it points and let the
      // after-run check (dotGits) report a changed link.
      try {
        protectGitDir(realpathSync(dotGit));
      } catch {
        // dangling: nothing to protect, the after-run check still sees a change
      }
    }
    if (k) guard.dotGits.push(dotGit);
  };

  protectDotGit(join(root, '.git'));
  // Programs and hook directories the repository's or the user's git config names inside this work tree.
  const configs = [
    ...guard.gitDirs.map((d) => join(d, 'config')),
    join(ctx.home, '.gitconfig'),
    join(ctx.home, '.config/git/config'),
  ];
  for (const config of configs) {
    for (const { path, hooks } of programsNamedBy(config, root, ctx.home)) {
      // Never the work tree itself or a git directory (or above one): only what lies strictly inside.
      if (!inWritable(path) || ctx.writable.includes(path) || guard.gitDirs.some((d) => within(d, path)))
        continue;
      if (existsSync(path)) guard.readOnly.push(path);
      else if (hooks) guard.watchedMissing.push(path);
    }
  }
  for (const sub of submodulePaths(root).slice(0, MAX_MODULES)) {
    if (within(sub, root) && sub !== root) protectDotGit(join(sub, '.git'));
  }
  return guard;
}

/** True when a HEAD file still names a branch or a commit (else git skips the directory as no repository). */
export function validHead(gitDir: string): boolean {
  const head = readText(join(gitDir, 'HEAD'));
  if (head === undefined) return false;
  return /^ref: refs\/\S+\s*$/.test(head) || /^[0-9a-f]{40}([0-9a-f]{24})?\s*$/.test(head);
}
