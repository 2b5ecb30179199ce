/**
 * One `git` command line taken apart as git does: its global options (`-C`, `-c`, `--config-env`,
 * `--work-tree`, `--exec-path`), the subcommand and its words, and the directory git resolves the paths it is
 * given against (the work tree's top when the command runs outside it, as git's setup does).
 */

import type { Call } from '../call.js';
import { classifyPath } from '../paths.js';
import { UNKNOWN } from '../script.js';
import { joinCwd } from '../variables.js';

/** A setting given for one run (`-c KEY=VALUE`, `--config-env KEY=VAR`): the value is undefined when unknown. */
export interface GitSetting {
  key: string;
  value: string | undefined;
  shown: string;
}

export interface GitInvocation {
  sub: string | undefined;
  /** The words after the subcommand. */
  rest: string[];
  /** The directory git runs in: the caller's, or the one `-C` names. */
  dir: string | undefined;
  /** The work tree when one is named (`--work-tree`, GIT_WORK_TREE): where git writes what it checks out. */
  workTree: string | undefined;
  /** Where git resolves the relative paths it is given. */
  base: string | undefined;
  /** The top of the work tree as far as known (`:/x` names a file there); undefined is the workspace. */
  top: string | undefined;
  settings: GitSetting[];
  /** `--exec-path=DIR`: git runs its own helper programs (git-remote-https, git-upload-pack…) from DIR. */
  execPath: string | undefined;
  /** The repository's git directory when named (`--git-dir`, GIT_DIR), as seen from the caller's directory. */
  gitDir: string | undefined;
}

/** Global options that take the next word as their value. */
export const GIT_TAKES_VALUE: ReadonlySet<string> = new Set([
  '-C',
  '-c',
  '--config-env',
  '--git-dir',
  '--work-tree',
  '--namespace',
]);

/** Splits `KEY=VALUE` (a KEY alone is boolean true to git). */
function setting(option: string, text: string, value?: (rhs: string) => string | undefined): GitSetting {
  const shown = `git ${option} ${text}`;
  const eq = text.indexOf('=');
  if (eq < 0) return { key: text, value: 'true', shown };
  const rhs = text.slice(eq + 1);
  return { key: text.slice(0, eq), value: value ? value(rhs) : rhs, shown };
}

/** `dir` as seen from `cwd`: absolute and home paths as written, relative ones joined. */
function from(cwd: string | undefined, dir: string): string | undefined {
  return /^[/~]/.test(dir) || dir.startsWith(UNKNOWN) ? dir : joinCwd(cwd, dir);
}

/** Parses a git command line (see the file comment). */
export function gitInvocation(c: Call): GitInvocation {
  const args = c.args;
  let dir = c.cwd;
  let workTree = c.cmd.assigns.find((a) => a.name === 'GIT_WORK_TREE')?.value;
  let execPath: string | undefined;
  const gitDirSet = c.cmd.assigns.find((a) => a.name === 'GIT_DIR')?.value;
  let gitDir = gitDirSet === undefined ? undefined : from(dir, gitDirSet);
  const settings: GitSetting[] = [];
  // `--config-env KEY=VAR`: the value is VAR's, when this command assigns it (`V=less git --config-env …`).
  const fromEnv = (name: string) => c.cmd.assigns.find((a) => a.name === name)?.value;
  let i = 0;
  for (; i < args.length; i++) {
    const a = args[i] as string;
    if (!a.startsWith('-')) break;
    const eq = a.indexOf('=');
    const name = a.startsWith('--') && eq > 0 ? a.slice(0, eq) : a;
    const value = name !== a ? a.slice(eq + 1) : GIT_TAKES_VALUE.has(a) ? args[++i] : undefined;
    if (value === undefined) continue;
    if (name === '-C') dir = from(dir, value);
    else if (name === '-c') settings.push(setting(name, value));
    else if (name === '--config-env') settings.push(setting(name, value, fromEnv));
    else if (name === '--work-tree') workTree = value;
    else if (name === '--exec-path') execPath = value;
    else if (name === '--git-dir') gitDir = from(dir, value);
  }
  const sub = args[i];
  const tree = workTree === undefined ? undefined : from(dir, workTree);
  const base = tree === undefined || inside(c, dir, tree) ? dir : tree;
  // Without a named work tree, the top is the repository's: the workspace, or the directory -C names.
  const top = tree ?? (dir !== c.cwd ? dir : undefined);
  return { sub, rest: args.slice(i + 1), dir, workTree: tree, base, top, settings, execPath, gitDir };
}

/** True when `dir` is provably `tree` or below it (git then resolves paths from `dir`). */
function inside(c: Call, dir: string | undefined, tree: string): boolean {
  const at = (p: string) => classifyPath(p, { workspace: c.ctx.workspace, cwd: undefined }).path;
  const d = at(dir ?? '.');
  const t = at(tree).replace(/\/$/, '');
  return d === t || d.startsWith(`${t}/`);
}

/**
 * A pathspec as the path it names, with the directory to resolve it from (`:/x` and `:(top)x` from the top,
 * other magic stripped); undefined for an exclusion (`:!x`, `:^x`, `:(exclude)x`), which names nothing written.
 */
export function pathspec(
  inv: GitInvocation,
  spec: string,
): { path: string; cwd: string | undefined } | undefined {
  const magic = /^:(\([^)]*\)|[/!^]*)/.exec(spec);
  if (!magic || spec.startsWith('::')) return { path: spec, cwd: inv.base };
  const m = magic[1] ?? '';
  if (/[!^]/.test(m) || /\bexclude\b/.test(m)) return undefined;
  const path = spec.slice(magic[0].length) || '.';
  if (m.includes('/') || /\btop\b/.test(m)) return { path, cwd: inv.top };
  return { path, cwd: inv.base };
}
