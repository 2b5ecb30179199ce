import { createHash } from 'node:crypto';
import { lstatSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { AgentHomeProfile } from './home-allow.js';
import type { HomeMount } from './home-layout.js';
import { realPart } from './project-mounts.js';

/** Where Ward keeps agents' state per project, relative to the home. */
export const AGENT_STATE_DIR = '.ward/agent-state';

/** A project's directory under AGENT_STATE_DIR: its folder's name (for people) and a hash of its real path. */
export function projectStateKey(project: string): string {
  const stem =
    basename(project)
      .replace(/[^A-Za-z0-9._-]/g, '-')
      .slice(0, 64) || 'root';
  return `${stem}-${createHash('sha256').update(project).digest('hex').slice(0, 16)}`;
}

/** True when entry `name` is one `patterns` names (a leading `*` matches any beginning). */
export function entryMatches(name: string, patterns: readonly string[]): boolean {
  return patterns.some((p) => (p.startsWith('*') ? name.endsWith(p.slice(1)) : name === p));
}

/**
 * The agent's state for `project` (a real path) under `home` (a real path), for `ward run`:
 * ~/.ward/agent-state/<key>/<agent> (private, made when missing), kept across runs of that project only. What
 * the agent keeps there stays its own: no other project's sandbox is shown it, and the agent outside Ward
 * never reads it (its own directory is not touched). For `projectState: 'all'` the entries the real directory
 * shows instead (`readOnly`, `credentials`) and the `ephemeral` ones are removed first, so nothing the sandbox
 * left there as settings, instructions, rules, a .env or a login is taken by the next run. Undefined (the state
 * is then scratch) when anything on the way is not a real directory (a symlink, a file) or cannot be cleaned.
 */
export function projectStateDir(
  home: string,
  profile: AgentHomeProfile,
  project: string,
): string | undefined {
  const key = projectStateKey(project);
  const rel = join(AGENT_STATE_DIR, key, profile.dir.replace(/^\./, ''));
  if (!realPart(home, rel, false, 0o700)) return undefined;
  const dir = join(home, rel);
  try {
    // Whose it is, for the user who prunes these (never read by Ward).
    const owner = join(home, AGENT_STATE_DIR, key, 'project');
    if (!lstatSync(owner, { throwIfNoEntry: false })) writeFileSync(owner, `${project}\n`, { flag: 'wx' });
    if (profile.projectState === 'all') {
      const cleared = [...profile.readOnly, ...profile.credentials, ...profile.ephemeral];
      for (const name of readdirSync(dir)) {
        if (entryMatches(name, cleared)) rmSync(join(dir, name), { recursive: true, force: true });
      }
    }
  } catch {
    return undefined;
  }
  return dir;
}

/**
 * The state directory's entries (AgentHomeProfile.projectState, a list) bound read-write at `dest`, the
 * agent's directory in the sandbox. Each is made when missing (a name like `x.ext` as an empty file, else a
 * directory); one that is anything else (a symlink, the wrong kind) is not bound, and the agent's writes there
 * land in the tmpfs and vanish.
 */
export function projectStateMounts(state: string, dest: string, names: readonly string[]): HomeMount[] {
  const out: HomeMount[] = [];
  for (const name of names) {
    const file = /\.\w+$/.test(name);
    const src = join(state, name);
    try {
      if (file && !lstatSync(src, { throwIfNoEntry: false })) writeFileSync(src, '', { flag: 'wx' });
    } catch {
      continue;
    }
    if (realPart(state, name, file)) out.push({ op: 'bind', src, dest: join(dest, name), writable: true });
  }
  return out;
}
