import { existsSync, mkdirSync, readdirSync, readlinkSync, realpathSync, statSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, sep } from 'node:path';
import type { SandboxPolicy } from '../../gate/fast.js';
import { entryMatches, projectStateDir, projectStateMounts } from './agent-state.js';
import {
  AGENT_HOME_PROFILES,
  type AgentHomeProfile,
  HOME_NEVER_WRITABLE,
  HOME_READ_ONLY,
} from './home-allow.js';
import { projectEntryMounts } from './project-mounts.js';

/** One mount of the sandbox's home, applied in order (parents before children). */
export type HomeMount =
  | { op: 'tmpfs'; dest: string }
  | { op: 'bind'; src: string; dest: string; writable: boolean }
  /** A private writable copy of a small file (bwrap --file); what the command writes is discarded. */
  | { op: 'copy'; src: string; dest: string };

/** The sandbox's view of each home: an empty tmpfs, then the allowed paths bound back in. */
export interface HomeMounts {
  /** Home directories (real paths) replaced by an empty private tmpfs. */
  homes: string[];
  mounts: HomeMount[];
  /** Credential paths (relative to a home) the agent may read (`sandbox.home.agentCredentials`). */
  shownCredentials: string[];
}

const MAX_PATH_LINKS = 256;
const MAX_AGENT_ENTRIES = 256;
const MAX_COPY_BYTES = 1024 * 1024;

function within(child: string, parent: string): boolean {
  return child === parent || child.startsWith(parent.endsWith(sep) ? parent : parent + sep);
}

function realOrUndefined(p: string): string | undefined {
  // existsSync first: a throw per missing path costs more than the whole lookup.
  if (!existsSync(p)) return undefined;
  try {
    return realpathSync(p);
  } catch {
    return undefined;
  }
}

/** The first never-writable path (HOME_NEVER_WRITABLE) that `path` is, holds or lies in, if any. */
export function persistencePathIn(path: string, homes: readonly string[]): string | undefined {
  for (const home of homes) {
    for (const rel of HOME_NEVER_WRITABLE) {
      const p = join(home, rel);
      if (within(p, path) || within(path, p)) return p;
    }
  }
  return undefined;
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
  for (const dir of new Set((path ?? '').split(':'))) {
    if (!isAbsolute(dir) || !within(dir, home) || dir === home) continue;
    out.push(dir);
    if (['bin', 'shims'].includes(basename(dir))) out.push(join(dirname(dir), 'lib'));
    let entries: import('node:fs').Dirent[] = [];
    try {
      entries = readdirSync(dir, { withFileTypes: true }).slice(0, MAX_PATH_LINKS);
    } catch {
      continue;
    }
    for (const e of entries) {
      if (!e.isSymbolicLink()) continue;
      const p = join(dir, e.name);
      // A link to a neighbour (rustup's proxies, say) needs nothing more; only resolve the others.
      const link = readlinkOrEmpty(p);
      if (!link.includes('/')) continue;
      const target = realOrUndefined(p);
      if (target && within(target, home) && !within(target, dir)) out.push(dirname(target));
    }
  }
  return [...new Set(out)];
}

function readlinkOrEmpty(p: string): string {
  try {
    return readlinkSync(p);
  } catch {
    return '';
  }
}

/**
 * The agent's directory as described in AgentHomeProfile: tmpfs (or, for `projectState: 'all'`, the project's
 * state directory), then each entry bound or copied. Without `keepState` (or a project) its state is scratch.
 */
function agentMounts(
  home: string,
  profile: AgentHomeProfile,
  showLogin: boolean,
  project: string | undefined,
  keepState: boolean,
): HomeMount[] {
  const dir = join(home, profile.dir);
  const out: HomeMount[] = [];
  for (const name of profile.copiedFromHome) {
    const src = realOrUndefined(join(home, name));
    if (src && statSync(src).isFile() && statSync(src).size <= MAX_COPY_BYTES)
      out.push({ op: 'copy', src, dest: join(home, name) });
  }
  const realDir = realOrUndefined(dir);
  if (!realDir) return out;
  const state = keepState && project ? projectStateDir(home, profile, project) : undefined;
  const whole = profile.projectState === 'all';
  out.push(
    whole && state ? { op: 'bind', src: state, dest: dir, writable: true } : { op: 'tmpfs', dest: dir },
  );
  const stored = profile.projectState === 'all' ? [] : profile.projectState;
  if (state) out.push(...projectStateMounts(state, dir, stored));
  for (const { entry } of profile.perProject) {
    // Session directories: make them, so what the agent records persists.
    try {
      mkdirSync(join(dir, entry), { recursive: true });
    } catch {
      // not ours to create; the agent then writes into the tmpfs
    }
  }
  let names: string[] = [];
  try {
    names = readdirSync(dir).slice(0, MAX_AGENT_ENTRIES);
  } catch {
    return out;
  }
  for (const name of names) {
    const dest = join(dir, name);
    const src = realOrUndefined(dest);
    if (!src || within(home, src) || profile.ephemeral.includes(name) || stored.includes(name)) continue;
    const perProject = profile.perProject.find((p) => p.entry === name);
    if (perProject) {
      if (statSync(src).isDirectory())
        out.push(...projectEntryMounts(src, dest, perProject.naming, { project, agentDir: realDir }));
      continue;
    }
    if (profile.credentials.includes(name)) {
      if (showLogin) out.push({ op: 'bind', src, dest, writable: false });
      continue;
    }
    const readOnly = entryMatches(name, profile.readOnly);
    // The rest of a directory kept whole per project holds every project's state: not shown.
    if (whole && !readOnly) continue;
    const st = statSync(src);
    if (st.isFile() && st.size <= MAX_COPY_BYTES && !readOnly) out.push({ op: 'copy', src, dest });
    else out.push({ op: 'bind', src, dest, writable: false });
  }
  return out;
}

/**
 * Resolves `sandbox.home` (plus the built-in allow-list, PATH, Ward's own node and, for `ward run`, the
 * agent's profile) into mounts. A path that resolves to a home itself or above it is never bound back, and
 * of Ward's own ~/.ward only the user policy is shown.
 */
export function resolveHomeMounts(
  policy: SandboxPolicy['home'],
  ctx: {
    homes: readonly string[];
    path?: string | undefined;
    execPath?: string | undefined;
    agent?: string | undefined;
    /** The agent's working directory (a real path): which of its per-project directories it sees. */
    project?: string | undefined;
  },
): HomeMounts {
  const profile = agentProfile(ctx.agent);
  const showLogin = !!profile && policy.agentCredentials;
  const result: HomeMounts = {
    homes: [],
    mounts: [],
    shownCredentials: showLogin && profile ? profile.credentials.map((c) => join(profile.dir, c)) : [],
  };
  const seen = new Set<string>();
  for (const rawHome of ctx.homes) {
    const home = realOrUndefined(rawHome);
    if (!home || home === '/' || result.homes.includes(home)) continue;
    result.homes.push(home);
    result.mounts.push({ op: 'tmpfs', dest: home });
    const rel = (p: string) => join(home, p.startsWith('~/') ? p.slice(2) : p);
    const agentDir = profile ? join(home, profile.dir) : undefined;
    const wanted: { dest: string; writable: boolean }[] = [
      ...[...HOME_READ_ONLY, ...policy.readOnly].map((p) => ({ dest: rel(p), writable: false })),
      ...pathEntries(home, ctx.path).map((dest) => ({ dest, writable: false })),
      ...(ctx.execPath && within(ctx.execPath, home)
        ? [{ dest: dirname(dirname(ctx.execPath)), writable: false }]
        : []),
      ...policy.writable.map((p) => ({ dest: rel(p), writable: true })),
    ];
    const wardDir = join(home, '.ward');
    const wardPolicy = join(wardDir, 'policy.yaml');
    for (const { dest, writable } of wanted) {
      const src = realOrUndefined(dest);
      const key = `${dest}\0${writable}`;
      // Never the home itself or anything above it: that would undo the empty home.
      if (!src || within(home, src) || seen.has(key) || !within(dest, home)) continue;
      if ((within(dest, wardDir) || within(src, wardDir)) && dest !== wardPolicy) continue;
      // The agent's directory is laid out by its profile; a broader bind would undo that.
      if (agentDir && (within(agentDir, dest) || within(src, realOrUndefined(agentDir) ?? agentDir)))
        continue;
      seen.add(key);
      const safe = writable && !persistencePathIn(dest, [home]) && !persistencePathIn(src, [home]);
      result.mounts.push({ op: 'bind', src, dest, writable: safe });
    }
    // The agent's state is kept per project for the home it runs with (the first); in another it is scratch.
    const keepState = rawHome === ctx.homes[0];
    if (profile) result.mounts.push(...agentMounts(home, profile, showLogin, ctx.project, keepState));
  }
  // Parents before children (a writable session dir inside a read-only config dir stays writable); at the
  // same place a tmpfs first.
  const depth = (p: string) => p.split('/').length;
  const rank = (m: HomeMount) => (m.op === 'tmpfs' ? 0 : 1);
  result.mounts.sort((a, b) => depth(a.dest) - depth(b.dest) || rank(a) - rank(b));
  // A read-only bind already shown, unchanged, by a read-only bind of a parent costs a mount for nothing.
  result.mounts = result.mounts.filter(
    (m, i) =>
      !(m.op === 'bind' && !m.writable) ||
      !result.mounts
        .slice(0, i)
        .some(
          (p) =>
            p.op === 'bind' &&
            !p.writable &&
            within(m.dest, p.dest) &&
            m.src === join(p.src, relative(p.dest, m.dest)),
        ),
  );
  return result;
}

/** True when `path` is visible in the sandbox: outside every home, or inside something bound back in. */
export function visibleInSandbox(path: string, home: HomeMounts, writable: readonly string[]): boolean {
  if (writable.some((w) => within(path, w))) return true;
  if (!home.homes.some((h) => within(path, h))) return true;
  return home.mounts.some((m) => m.op !== 'tmpfs' && within(path, m.dest));
}
