import { lstatSync, mkdirSync, readdirSync, realpathSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, sep } from 'node:path';
import type { SandboxPolicy } from '../../gate/fast.js';
import { AGENT_HOME_PROFILES, type AgentHomeProfile, HOME_READ_ONLY } from './home-allow.js';

/** The sandbox's view of each home: an empty tmpfs, then the allowed paths bound back in. */
export interface HomeMounts {
  /** Home directories (real paths) replaced by an empty private tmpfs. */
  tmpfs: string[];
  /** Bound in after the tmpfs, parents before children: `src` is the real path, `dest` where it appears. */
  binds: { src: string; dest: string; writable: boolean }[];
  /** Credential paths (relative to a home) the agent may read (`sandbox.home.agentCredentials`). */
  shownCredentials: string[];
}

const MAX_PATH_LINKS = 256;

function within(child: string, parent: string): boolean {
  return child === parent || child.startsWith(parent.endsWith(sep) ? parent : parent + sep);
}

function realOrUndefined(p: string): string | undefined {
  try {
    return realpathSync(p);
  } catch {
    return undefined;
  }
}

/** The built-in profile for an agent named like `claude`, `/usr/bin/codex` or `gemini-cli`. */
export function agentProfile(agent: string | undefined): AgentHomeProfile | undefined {
  if (!agent) return undefined;
  const name = basename(agent).toLowerCase();
  return Object.entries(AGENT_HOME_PROFILES).find(([k]) => name === k || name.startsWith(`${k}-`))?.[1];
}

/**
 * Directories on PATH under `home` (so the user's own tools still run), with a `bin`'s sibling `lib`
 * (npm and pip prefixes keep the code there) and the directories their symlinks point into.
 */
function pathEntries(home: string, path: string | undefined): string[] {
  const out: string[] = [];
  for (const dir of (path ?? '').split(':')) {
    if (!isAbsolute(dir) || !within(dir, home) || dir === home) continue;
    out.push(dir);
    if (['bin', 'shims'].includes(basename(dir))) out.push(join(dirname(dir), 'lib'));
    let names: string[] = [];
    try {
      names = readdirSync(dir).slice(0, MAX_PATH_LINKS);
    } catch {
      continue;
    }
    for (const name of names) {
      const p = join(dir, name);
      if (!lstatSync(p, { throwIfNoEntry: false })?.isSymbolicLink()) continue;
      const target = realOrUndefined(p);
      if (target && within(target, home) && !within(target, dir)) out.push(dirname(target));
    }
  }
  return out;
}

/**
 * Resolves `sandbox.home` (plus the built-in allow-list, PATH, Ward's own node and, for `ward run`, the
 * agent's profile) into mounts. A path that resolves to a home itself or above it is never bound back.
 */
export function resolveHomeMounts(
  policy: SandboxPolicy['home'],
  ctx: { homes: readonly string[]; path?: string; execPath?: string; agent?: string },
): HomeMounts {
  const profile = agentProfile(ctx.agent);
  const mounts: HomeMounts = {
    tmpfs: [],
    binds: [],
    shownCredentials: profile && policy.agentCredentials ? [...profile.credentials] : [],
  };
  const seen = new Set<string>();
  for (const rawHome of ctx.homes) {
    const home = realOrUndefined(rawHome);
    if (!home || home === '/' || mounts.tmpfs.includes(home)) continue;
    mounts.tmpfs.push(home);
    const rel = (p: string) => join(home, p.startsWith('~/') ? p.slice(2) : p);
    const wanted: { dest: string; writable: boolean }[] = [
      ...[...HOME_READ_ONLY, ...policy.readOnly, ...(profile?.readOnly ?? [])].map((p) => ({
        dest: rel(p),
        writable: false,
      })),
      ...pathEntries(home, ctx.path).map((dest) => ({ dest, writable: false })),
      ...(ctx.execPath && within(ctx.execPath, home)
        ? [{ dest: dirname(dirname(ctx.execPath)), writable: false }]
        : []),
      ...[...policy.writable, ...(profile?.writable ?? [])].map((p) => ({ dest: rel(p), writable: true })),
    ];
    for (const dir of profile?.writable ?? []) {
      // The agent's session directories: make them when its config dir exists, so they can be bound.
      const dest = rel(dir);
      if (!/\.\w+$/.test(dir) && realOrUndefined(dirname(dest))) {
        try {
          mkdirSync(dest, { recursive: true });
        } catch {
          // not ours to create; it stays unbound (read-only through its parent, or absent)
        }
      }
    }
    for (const { dest, writable } of wanted) {
      const src = realOrUndefined(dest);
      const key = `${dest}\0${writable}`;
      // Never the home itself or anything above it: that would undo the empty home. Of Ward's own directory
      // only the user policy is shown (read-only); its tokens, spool and anything else stay out.
      if (!src || within(home, src) || seen.has(key) || !within(dest, home) || dest === home) continue;
      const wardDir = join(home, '.ward');
      if (within(dest, wardDir) && dest !== join(wardDir, 'policy.yaml')) continue;
      if (within(src, wardDir) && src !== realOrUndefined(join(wardDir, 'policy.yaml'))) continue;
      seen.add(key);
      mounts.binds.push({ src, dest, writable });
    }
  }
  // Parents before children (a writable session dir inside a read-only config dir stays writable), and
  // read-only after writable at the same place.
  const depth = (p: string) => p.split('/').length;
  mounts.binds.sort((a, b) => depth(a.dest) - depth(b.dest) || Number(b.writable) - Number(a.writable));
  return mounts;
}

/** True when `path` is visible in the sandbox: outside every home, or inside something bound back in. */
export function visibleInSandbox(path: string, mounts: HomeMounts, writable: readonly string[]): boolean {
  if (writable.some((w) => within(path, w))) return true;
  if (!mounts.tmpfs.some((h) => within(path, h))) return true;
  return mounts.binds.some((b) => within(path, b.dest));
}
