import { existsSync, lstatSync, mkdirSync, readdirSync, readlinkSync, realpathSync, statSync } from 'node:fs';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import type { SandboxPolicy } from '../../gate/fast.js';
import { direnvLoadedFiles } from './direnv-guard.js';
import { guardGit } from './git-guard.js';
import { type HomeMounts, persistencePathIn, resolveHomeMounts, visibleInSandbox } from './home-layout.js';
import { pinnablePaths, selfMountPaths } from './mount-paths.js';
import { HIDDEN_ABSOLUTE, HIDDEN_IN_HOME, READ_ONLY_IN_WRITABLE } from './protected-paths.js';
import { hostUnixSockets } from './unix-sockets.js';

/** Thrown when the sandbox cannot be set up as the policy asks; Ward then refuses to run. */
export class SandboxSetupError extends Error {
  override readonly name = 'SandboxSetupError';
}

/** Where the sandbox mounts what: resolved once per runner, absolute real paths. */
export interface SandboxLayout {
  workspace: string;
  writable: string[];
  hidden: { path: string; kind: 'dir' | 'file' }[];
  /** Each home replaced by an empty tmpfs with an allow-list bound back in. */
  home: HomeMounts;
  readOnly: string[];
  /** Protected names (relative to a writable root) that did not exist: creating one is a violation. */
  watchedMissing: string[];
  /** Directories inside writable roots bound onto themselves so they cannot be renamed or replaced (.git). */
  mountPoints: string[];
  /** Git directories in writable roots whose HEAD must stay valid (checked after each command). */
  gitDirs: string[];
  /** Guarded repositories (git directory and work tree) whose index is checked for planted submodules. */
  gitWorkTrees: { gitDir: string; workTree: string }[];
  /** Each `.git` entry in a writable root and what it was (inode, kind, link target) when the runner started. */
  dotGits: { path: string; identity: string }[];
}

/** What a path is now (inode, kind and link target), to notice it was swapped; '' when missing. */
export function pathIdentity(path: string): string {
  const st = lstatSync(path, { throwIfNoEntry: false });
  if (!st) return '';
  const link = st.isSymbolicLink() ? readlinkSync(path) : '';
  return `${st.ino}:${st.mode & 0o170000}:${link}`;
}

function expandHome(p: string, home: string): string {
  if (p === '~') return home;
  return p.startsWith('~/') ? join(home, p.slice(2)) : p;
}

function within(child: string, parent: string): boolean {
  return child === parent || child.startsWith(parent.endsWith(sep) ? parent : parent + sep);
}

function realDir(path: string, what: string): string {
  let real: string;
  try {
    real = realpathSync(path);
  } catch {
    throw new SandboxSetupError(`${what} ${path} does not exist`);
  }
  if (!statSync(real).isDirectory()) throw new SandboxSetupError(`${what} ${path} is not a directory`);
  return real;
}

/** What the layout needs from the runner's host besides the policy. */
export interface LayoutContext {
  cwd: string;
  homes: readonly string[];
  extraReadOnly?: readonly string[] | undefined;
  /** The parent's PATH: its directories under a home stay visible (read-only). */
  path?: string | undefined;
  /** This node, used inside the sandbox by the network relay. */
  execPath?: string | undefined;
  /** `ward run`'s agent (claude, codex, gemini…): its home profile applies. */
  agent?: string | undefined;
  /** Ward's data directories (tokens, database, spool): hidden wherever they are. */
  dataDirs?: readonly string[] | undefined;
}

/** Resolves the policy against this machine: which roots are writable, what is hidden or read-only. */
export function resolveLayout(policy: SandboxPolicy, ctx: LayoutContext): SandboxLayout {
  const home = ctx.homes[0] ?? '/';
  const workspace = realDir(resolve(ctx.cwd, expandHome(policy.workspace ?? ctx.cwd, home)), 'workspace');
  const writable = [
    workspace,
    ...policy.writable.map((w) => realDir(resolve(workspace, expandHome(w, home)), 'writable dir')),
  ];
  for (const root of writable) {
    for (const h of ctx.homes) {
      if (root === '/' || within(h, root)) {
        throw new SandboxSetupError(
          `refusing to make ${root} writable: it contains the home directory ${h} (its secrets and shell rc files); run Ward from a project directory or set sandbox.workspace`,
        );
      }
    }
    // Inside a git directory nothing above would pin its config or hooks: refuse rather than guess.
    if (root.split(sep).includes('.git') || isGitDir(root)) {
      throw new SandboxSetupError(`refusing to make ${root} writable: it is (inside) a git directory`);
    }
    const persistent = persistencePathIn(root, ctx.homes);
    if (persistent) {
      throw new SandboxSetupError(
        `refusing to make ${root} writable: ${persistent} runs code or grants access the next time you log in or start a tool`,
      );
    }
  }

  const homeMounts = resolveHomeMounts(policy.home, {
    homes: ctx.homes,
    path: ctx.path,
    execPath: ctx.execPath,
    agent: ctx.agent,
    // `ward run` starts the agent in the workspace: its per-project session data is the workspace's.
    project: workspace,
  });
  const hiddenInHome = HIDDEN_IN_HOME.filter((rel) => !homeMounts.shownCredentials.includes(rel as string));
  const hiddenCandidates = [
    ...ctx.homes.flatMap((h) => hiddenInHome.map((rel) => join(h, rel))),
    ...HIDDEN_ABSOLUTE,
    ...sshHostKeys(),
    ...policy.hidden.map((p) => resolve(workspace, expandHome(p, home))),
    ...(ctx.dataDirs ?? []).map((d) => resolve(ctx.cwd, expandHome(d, home))),
    // Host daemons' sockets wherever they are still visible (most sit in /run or /tmp: private or hidden).
    ...hostUnixSockets().filter((p) => !['/tmp', '/run', '/var/run', '/dev'].some((d) => within(p, d))),
  ];
  const hidden: SandboxLayout['hidden'] = [];
  const seen = new Set<string>();
  for (const candidate of hiddenCandidates) {
    // lstat first: most candidates do not exist, and a missing path must not cost a thrown error.
    const st = lstatSync(candidate, { throwIfNoEntry: false });
    if (!st) continue;
    // A symlink is hidden where it points (bwrap follows it) and, when a bind shows it, where it is.
    const real = realpathOrUndefined(candidate);
    if (!real) continue;
    const kind = statSync(real).isDirectory() ? 'dir' : 'file';
    // The path itself differs from its target only through a symlinked parent (a bound dotfiles dir, say).
    const asSeen = st.isSymbolicLink() ? real : candidate;
    for (const path of new Set([real, asSeen])) {
      // What the empty home already hides needs no mount of its own.
      if (seen.has(path) || !visibleInSandbox(path, homeMounts, writable)) continue;
      seen.add(path);
      hidden.push({ path, kind });
    }
  }

  const readOnly: string[] = [];
  const watchedMissing: string[] = [];
  const mountPoints: string[] = [];
  const gitDirs: string[] = [];
  const dotGits: SandboxLayout['dotGits'] = [];
  const gitWorkTrees: SandboxLayout['gitWorkTrees'] = [];
  for (const root of writable) {
    const git = guardGit(root, { writable, home });
    mountPoints.push(...git.mountPoints);
    readOnly.push(...git.readOnly);
    gitDirs.push(...git.gitDirs);
    gitWorkTrees.push(...git.workTrees);
    for (const path of git.dotGits) dotGits.push({ path, identity: pathIdentity(path) });
    for (const p of git.watchedMissing) {
      const holder = writable.find((w) => p.startsWith(`${w}/`));
      if (holder) watchedMissing.push(relative(holder, p));
    }
    // Ward's project policy dir: a command that could create .ward/policy.yaml could write itself
    // allow rules for the next command. An empty, pinned .ward/ closes that.
    if (!existsSync(join(root, '.ward'))) mkdirSync(join(root, '.ward'), { mode: 0o755 });
    // What the root's .envrc sources runs on the next `cd` as the .envrc does, but `direnv allow` never sees it.
    const sourced = direnvLoadedFiles(root).map((p) => relative(root, p));
    for (const rel of [
      ...READ_ONLY_IN_WRITABLE,
      ...policy.readOnly.filter((p) => !isAbsolute(p)),
      ...sourced,
    ]) {
      const path = join(root, rel);
      if (existsSync(path)) readOnly.push(path);
      else watchedMissing.push(rel);
    }
  }
  for (const p of [...policy.readOnly.filter((q) => isAbsolute(q)), ...(ctx.extraReadOnly ?? [])]) {
    if (existsSync(p)) readOnly.push(p);
  }
  const writableAreas = [
    ...writable,
    ...homeMounts.mounts.flatMap((m) => (m.op === 'bind' && m.writable ? [m.src] : [])),
  ];
  return {
    workspace,
    writable,
    hidden,
    home: homeMounts,
    readOnly: pinnablePaths(readOnly, writableAreas),
    watchedMissing: [...new Set(watchedMissing)],
    mountPoints: selfMountPaths(mountPoints, writable),
    gitDirs: [...new Set(gitDirs)],
    gitWorkTrees,
    dotGits,
  };
}

/** A bare repository or git directory: HEAD, objects/ and refs/ side by side. */
function isGitDir(dir: string): boolean {
  return ['HEAD', 'objects', 'refs'].every((n) => existsSync(join(dir, n)));
}

function sshHostKeys(): string[] {
  try {
    return readdirSync('/etc/ssh')
      .filter((f) => /^ssh_host_.*_key$/.test(f))
      .map((f) => `/etc/ssh/${f}`);
  } catch {
    return [];
  }
}

function realpathOrUndefined(p: string): string | undefined {
  try {
    return realpathSync(p);
  } catch {
    return undefined;
  }
}
