import { realpathSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type { ProjectPart } from './home-allow.js';
import { readRegularText } from './regular-file.js';

const MAX_NAME = 200;

/**
 * How Claude Code (checked against 2.1.197) names a project's directory under ~/.claude/projects: the path
 * with every character but an ASCII letter or digit (per UTF-16 unit) replaced by '-'; past 200 characters,
 * the first 200, '-' and a base-36 hash of the whole path (Java's String.hashCode, absolute value).
 */
export function claudeProjectDirName(path: string): string {
  const name = path.replace(/[^a-zA-Z0-9]/g, '-');
  if (name.length <= MAX_NAME) return name;
  let hash = 0;
  for (let i = 0; i < path.length; i++) hash = ((hash << 5) - hash + path.charCodeAt(i)) | 0;
  return `${name.slice(0, MAX_NAME)}-${Math.abs(hash).toString(36)}`;
}

/**
 * The path Claude Code keys a project's auto-memory by: the nearest directory at or above `project` holding a
 * `.git` (file or directory), or for a linked worktree its main repository; `project` itself outside git.
 * Transcripts are keyed by the working directory itself (its real path), so the two differ in a subdirectory.
 */
export function claudeMemoryRoot(project: string): string {
  let dir = resolve(project);
  for (;;) {
    if (statOrUndefined(join(dir, '.git'))) return mainWorktree(dir);
    const up = dirname(dir);
    if (up === dir) return project;
    dir = up;
  }
}

/** A linked worktree's main repository, checked both ways as Claude Code does; else `root` itself. */
function mainWorktree(root: string): string {
  try {
    // Files the sandbox may have made (a pipe would hang the runner): read as regular files only.
    const read = (p: string): string => {
      const text = readRegularText(p);
      if (typeof text !== 'string') throw new Error(`${p}: not a regular file`);
      return text.trim();
    };
    const dotGit = read(join(root, '.git'));
    if (!dotGit.startsWith('gitdir:')) return root;
    const gitDir = resolve(root, dotGit.slice(7).trim());
    const common = resolve(gitDir, read(join(gitDir, 'commondir')));
    if (resolve(dirname(gitDir)) !== join(common, 'worktrees')) return root;
    const back = realpathSync(read(join(gitDir, 'gitdir')));
    if (back !== join(realpathSync(root), '.git')) return root;
    return basename(common) === '.git' ? dirname(common) : common;
  } catch {
    return root;
  }
}

function statOrUndefined(p: string) {
  try {
    return statSync(p);
  } catch {
    return undefined;
  }
}

/**
 * What of ~/.claude/projects the sandbox of `ward run claude` in `project` (a real path) shows: this
 * project's directory read-write (its transcripts persist, so `--resume` works outside and inside Ward), and
 * its memory read-only. Claude Code loads `memory/MEMORY.md` into every later session of the project as the
 * user's own notes, outside Ward too: a memory written from the sandbox would be a prompt injection that
 * outlives it (the reason CLAUDE.md and settings are read-only). The agent reads its memory but cannot
 * change it; writes to it fail. Other projects' directories (their transcripts, the secrets those sessions
 * saw, and their memories) are not there at all.
 */
export function claudeProjectDirs(project: string): ProjectPart[] {
  const own = claudeProjectDirName(project);
  const memory = claudeProjectDirName(claudeMemoryRoot(project));
  return [
    { rel: own, writable: true },
    { rel: `${own}/memory`, writable: false },
    ...(memory === own ? [] : [{ rel: `${memory}/memory`, writable: false }]),
  ];
}
