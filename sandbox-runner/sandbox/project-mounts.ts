import { lstatSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { claudeProjectDirs } from './claude-project-dir.js';
import { geminiProjectDirs } from './gemini-project-dir.js';
import type { ProjectNaming, ProjectPart } from './home-allow.js';
import type { HomeMount } from './home-layout.js';

/** This project's parts of an agent's per-project entry, relative to it, in mount order. */
function projectDirs(naming: ProjectNaming, project: string, agentDir: string): ProjectPart[] {
  return naming === 'claude-projects' ? claudeProjectDirs(project) : geminiProjectDirs(project, agentDir);
}

/**
 * An agent's per-project entry (AgentHomeProfile.perProject) for the sandbox: a private tmpfs at `dest` with
 * only `project`'s directory bound back from `src` (the real entry), made first when missing. A part that
 * is, or lies under, anything but a real directory (or, for a file, a regular file) on the way is not
 * trusted: then nothing is bound and the whole entry is scratch, rather than a read-only part left writable.
 */
export function projectEntryMounts(
  src: string,
  dest: string,
  naming: ProjectNaming,
  ctx: { project: string | undefined; agentDir: string },
): HomeMount[] {
  const tmpfs: HomeMount = { op: 'tmpfs', dest };
  if (!ctx.project) return [tmpfs];
  const binds: HomeMount[] = [];
  for (const { rel, writable, file } of projectDirs(naming, ctx.project, ctx.agentDir)) {
    if (!realPart(src, rel, file === true)) return [tmpfs];
    binds.push({ op: 'bind', src: join(src, rel), dest: join(dest, rel), writable });
  }
  return [tmpfs, ...binds];
}

/**
 * True when `rel` under `base` is there with no symlink on the way: directories made when missing (with
 * `mode`), a `file` part an existing regular file.
 */
export function realPart(base: string, rel: string, file: boolean, mode?: number): boolean {
  const parts = rel.split('/');
  let p = base;
  try {
    for (const [i, part] of parts.entries()) {
      if (!part || part === '.' || part === '..') return false;
      p = join(p, part);
      const last = i === parts.length - 1;
      if (!lstatSync(p, { throwIfNoEntry: false }) && !(last && file)) mkdirSync(p, { mode });
      const st = lstatSync(p);
      if (last && file ? !st.isFile() : !st.isDirectory()) return false;
    }
    return true;
  } catch {
    return false;
  }
}
