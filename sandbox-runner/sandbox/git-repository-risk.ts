import { lstatSync, readdirSync, realpathSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { gitfileTarget } from './git-guard.js';
import { readRegularText } from './regular-file.js';

function readText(path: string): string | undefined {
  return readRegularText(path) ?? undefined;
}

function kind(path: string): 'dir' | 'file' | 'symlink' | undefined {
  const st = lstatSync(path, { throwIfNoEntry: false });
  if (!st) return undefined;
  return st.isSymbolicLink() ? 'symlink' : st.isDirectory() ? 'dir' : 'file';
}

// Keys that make git run a program or read more config: [section, subsection?, key] as lower-case regexes.
const EXEC_KEYS: [RegExp, RegExp][] = [
  [/^core$/, /^(fsmonitor|hookspath|sshcommand|pager|editor|askpass|gitproxy)$/],
  [/^sequence$/, /^editor$/],
  [/^diff(\..+)?$/, /^(external|textconv|command)$/],
  [/^(difftool|mergetool)\..+$/, /^cmd$/],
  [/^merge\..+$/, /^driver$/],
  [/^filter\..+$/, /^(clean|smudge|process)$/],
  [/^credential(\..+)?$/, /^helper$/],
  [/^gpg(\..+)?$/, /^program$/],
  [/^(include|includeif\..+)$/, /^path$/],
  [/^uploadpack$/, /^packobjectshook$/],
  [/^remote\..+$/, /^(uploadpack|receivepack)$/],
  [/^protocol(\..+)?$/, /^allow$/],
  [/^pager$/, /.*/],
  [/^interactive$/, /^difffilter$/],
];

/**
 * The first setting in a git config text that makes git run a program (or read another config), as
 * `section.key`, or undefined. An alias counts when it is a shell command (`!…`). `core.fsmonitor = true`
 * or `false` is the built-in daemon, not a program.
 */
export function execCapableSetting(text: string): string | undefined {
  let section = '';
  for (const line of text.split('\n')) {
    const head = /^\s*\[\s*([^\]\s"]+)(?:\s+"([^"]*)")?\s*\]/.exec(line);
    if (head?.[1]) {
      section = head[1].toLowerCase() + (head[2] === undefined ? '' : `.${head[2].toLowerCase()}`);
      continue;
    }
    const m = /^\s*([A-Za-z][\w-]*)\s*(?:=\s*(.*?))?\s*$/.exec(line);
    if (!m?.[1]) continue;
    const key = m[1].toLowerCase();
    const value = (m[2] ?? '').replace(/^"|"$/g, '');
    if (section === 'alias' && value.startsWith('!')) return `alias.${key}`;
    if (section === 'core' && key === 'fsmonitor' && /^(true|false|yes|no|on|off|1|0)?$/i.test(value))
      continue;
    if (EXEC_KEYS.some(([sec, k]) => sec.test(section) && k.test(key))) return `${section}.${key}`;
  }
  return undefined;
}

/** Hooks in a git directory that would run (executable, not a shipped `.sample`). */
export function liveHooks(gitDir: string): string[] {
  try {
    return readdirSync(join(gitDir, 'hooks'), { withFileTypes: true })
      .filter((d) => !d.name.endsWith('.sample') && !d.isDirectory())
      .filter((d) => (lstatSync(join(gitDir, 'hooks', d.name)).mode & 0o111) !== 0)
      .map((d) => d.name);
  } catch {
    return [];
  }
}

/**
 * What a repository's runnable parts are now (its `.git` file, config, commondir and live hooks, by content
 * or size and time), to notice a change between two checks; '' when there is no repository.
 */
export function repositoryFingerprint(dotGit: string): string {
  const dirs = gitDirsOf(dotGit);
  if (dirs.length === 0) return '';
  const parts = [kind(dotGit) === 'file' ? (readText(dotGit) ?? '') : ''];
  for (const d of dirs) {
    parts.push(readText(join(d, 'config')) ?? '', readText(join(d, 'commondir')) ?? '');
    for (const hook of liveHooks(d)) {
      const st = lstatSync(join(d, 'hooks', hook), { throwIfNoEntry: false });
      parts.push(`${hook}:${st?.size}:${st?.mtimeMs}:${st?.ino}`);
    }
  }
  return parts.join('\0');
}

/** The git directory a `.git` entry names, and its common directory when it has another; [] when none. */
function gitDirsOf(dotGit: string): string[] {
  let k = kind(dotGit);
  let path = dotGit;
  if (k === 'symlink') {
    try {
      path = realpathSync(dotGit);
      k = kind(path);
    } catch {
      return [];
    }
  }
  const gitDir = k === 'file' ? gitfileTarget(path) : k === 'dir' ? path : undefined;
  if (!gitDir) return [];
  const common = readText(join(gitDir, 'commondir'))?.trim();
  return [gitDir, ...(common && common !== '.' ? [resolve(gitDir, common)] : [])];
}

/** True when `path` (followed) is missing, a directory or a regular file. */
function plainEntry(path: string): boolean {
  try {
    const st = statSync(path, { throwIfNoEntry: false });
    return !st || st.isDirectory() || st.isFile();
  } catch {
    return false;
  }
}

/** Why a repository (its `.git` entry) would run code for whoever uses git in it, or undefined. */
export function repositoryRunsCode(dotGit: string): string | undefined {
  // A `.git` or config that is there but is no regular file (a pipe, a device) is not read (regular-file.ts):
  // git would hang on it or read whatever is fed to it, so it counts as one that runs code.
  if (!plainEntry(dotGit)) return 'its .git is neither a directory nor a regular file';
  for (const d of gitDirsOf(dotGit)) {
    const config = readRegularText(join(d, 'config'));
    if (config === null) return 'its config is not a regular file Ward could read';
    const setting = execCapableSetting(config ?? '');
    if (setting) return `its config sets ${setting}`;
    const hooks = liveHooks(d);
    if (hooks.length > 0) return `it has hooks (${hooks.slice(0, 3).join(', ')})`;
  }
  return undefined;
}
