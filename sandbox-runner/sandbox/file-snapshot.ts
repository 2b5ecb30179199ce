import { createHash } from 'node:crypto';
import { lstatSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { readRegularFile } from './regular-file.js';

/**
 * Directories not descended into: dependency trees and VCS internals are large and churn on every install;
 * their changes are not what a reviewer reads. (.git/hooks and .git/config are read-only anyway.)
 */
export const SNAPSHOT_SKIP_DIRS = new Set(['node_modules', '.git', '.hg', '.svn', '__pycache__', '.venv']);
/** Bound on entries per snapshot so a huge tree cannot stall every command. */
export const SNAPSHOT_MAX_ENTRIES = 200_000;
const HASH_MAX_BYTES = 1024 * 1024;

interface Entry {
  size: number;
  mtimeMs: number;
  ino: number;
  kind: 'file' | 'dir' | 'symlink' | 'other';
}

export interface FileSnapshot {
  roots: string[];
  entries: Map<string, Entry>;
  truncated: boolean;
  /** Directories that could not be listed (a command can `chmod 000` one): what is inside them is unknown. */
  unreadable: string[];
}

/** One change a command made in a writable root. */
export interface FileChange {
  path: string;
  change: 'created' | 'modified' | 'deleted';
  kind: Entry['kind'];
  size: number;
  /** sha256 of the new content, for files under 1 MiB. */
  sha256?: string;
}

/** Records one path's entry (not following a link); its kind, or 'error' when it could not be stat'ed. */
function recordEntry(entries: Map<string, Entry>, path: string): Entry['kind'] | 'error' | undefined {
  let st: import('node:fs').Stats | undefined;
  try {
    st = lstatSync(path, { throwIfNoEntry: false });
  } catch {
    return 'error';
  }
  if (!st) return undefined;
  const kind = st.isFile() ? 'file' : st.isDirectory() ? 'dir' : st.isSymbolicLink() ? 'symlink' : 'other';
  entries.set(path, { size: st.size, mtimeMs: st.mtimeMs, ino: st.ino, kind });
  return kind;
}

/** Records (path, size, mtime, inode) of everything under the roots, skipping SNAPSHOT_SKIP_DIRS. */
export function takeSnapshot(roots: readonly string[], maxEntries = SNAPSHOT_MAX_ENTRIES): FileSnapshot {
  const entries = new Map<string, Entry>();
  let truncated = false;
  const unreadable: string[] = [];
  // A stack, not recursion, and every stat guarded: a command can nest directories thousands deep, past the
  // call stack and past PATH_MAX (ENAMETOOLONG), and a snapshot that throws would end the run unreported.
  const pending = [...roots];
  for (let dir = pending.pop(); dir !== undefined; dir = pending.pop()) {
    let names: import('node:fs').Dirent[];
    try {
      names = readdirSync(dir, { withFileTypes: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') unreadable.push(dir);
      continue;
    }
    for (const d of names) {
      if (entries.size >= maxEntries) return { roots: [...roots], entries, truncated: true, unreadable };
      const path = join(dir, d.name);
      const kind = recordEntry(entries, path);
      if (kind === 'error') truncated = true;
      if (kind !== 'dir') continue;
      if (!SNAPSHOT_SKIP_DIRS.has(d.name)) pending.push(path);
      // Not descended into, but a repository planted right there (.venv/.git) is one an editor's scan of the
      // workspace finds and runs git in: its `.git` is recorded, so the runner judges it like any other.
      else if (d.name !== '.git') recordEntry(entries, join(path, '.git'));
    }
  }
  return { roots: [...roots], entries, truncated, unreadable };
}

function hash(path: string, size: number): string | undefined {
  if (size >= HASH_MAX_BYTES) return undefined;
  // Swapped for a pipe since the snapshot (a second sandbox in the same workspace): not read.
  const bytes = readRegularFile(path, HASH_MAX_BYTES);
  return bytes ? createHash('sha256').update(bytes).digest('hex') : undefined;
}

/** What changed between two snapshots; paths are reported absolute. Directories count only when created/deleted. */
export function diffSnapshots(before: FileSnapshot, after: FileSnapshot): FileChange[] {
  const out: FileChange[] = [];
  for (const [path, now] of after.entries) {
    const was = before.entries.get(path);
    const withHash = (change: FileChange['change']): FileChange => {
      const sha256 = now.kind === 'file' ? hash(path, now.size) : undefined;
      return { path, change, kind: now.kind, size: now.size, ...(sha256 ? { sha256 } : {}) };
    };
    if (!was) out.push(withHash('created'));
    else if (
      now.kind !== 'dir' &&
      (was.size !== now.size || was.mtimeMs !== now.mtimeMs || was.ino !== now.ino)
    ) {
      out.push(withHash('modified'));
    }
  }
  // What sits in a directory that can no longer be listed is unknown, not deleted.
  const hidden = (path: string) => after.unreadable.some((d) => path.startsWith(`${d}/`));
  for (const [path, was] of before.entries) {
    if (!after.entries.has(path) && !hidden(path))
      out.push({ path, change: 'deleted', kind: was.kind, size: was.size });
  }
  return out.sort((a, b) => a.path.localeCompare(b.path));
}

/** A path relative to whichever root holds it (for display and matching protected names). */
export function relativeToRoots(path: string, roots: readonly string[]): string {
  for (const r of roots) if (path === r || path.startsWith(`${r}/`)) return relative(r, path);
  return path;
}
