import { basename } from 'node:path';
import type { FileChange } from './file-snapshot.js';
import { relativeToRoots } from './file-snapshot.js';
import { validHead } from './git-guard.js';
import { pathIdentity, type SandboxLayout } from './layout.js';
import { READ_ONLY_IN_WRITABLE } from './protected-paths.js';

/** What kind of rule a command ran into. */
export type ViolationKind =
  | 'read_only_write'
  | 'permission_denied'
  | 'syscall_blocked'
  | 'network_blocked'
  | 'memory_limit'
  | 'process_limit'
  | 'file_size_limit'
  | 'cpu_limit'
  | 'timeout'
  | 'protected_path_created'
  | 'protected_path_changed'
  | 'protected_path_busy'
  | 'git_metadata_changed'
  | 'git_repository_created'
  /** Ward could not finish a check of what the command left (a path too deep to stat, say): look by hand. */
  | 'check_failed';

export interface SandboxViolation {
  kind: ViolationKind;
  detail: string;
}

/**
 * Error texts the sandbox's refusals produce (strerror of EROFS, EACCES, EPERM, ENETUNREACH, ENOMEM, EAGAIN,
 * EFBIG, and common tool wordings). Heuristic: a command may print these for other reasons.
 */
const STDERR_PATTERNS: [RegExp, ViolationKind][] = [
  [/read-only file system/i, 'read_only_write'],
  // EBUSY: renaming or removing a directory Ward pinned in place (.git, .ward, a hidden path).
  [/device or resource busy/i, 'protected_path_busy'],
  [/permission denied/i, 'permission_denied'],
  [/operation not permitted/i, 'syscall_blocked'],
  [
    /network is unreachable|connection refused|could not resolve host|temporary failure in name resolution|name or service not known|couldn't connect|ECONNREFUSED|ENETUNREACH|EAI_AGAIN/i,
    'network_blocked',
  ],
  [/cannot allocate memory|out of memory|allocation failed|MemoryError|bad_alloc|ENOMEM/i, 'memory_limit'],
  [/resource temporarily unavailable|cannot fork|can't fork|fork: retry|EAGAIN/i, 'process_limit'],
  [/file too large|EFBIG/i, 'file_size_limit'],
];
const MAX_VIOLATIONS = 50;

/** Violations suggested by a command's error output, one per distinct line and kind. */
export function violationsFromStderr(stderr: string): SandboxViolation[] {
  const out: SandboxViolation[] = [];
  const seen = new Set<string>();
  for (const raw of stderr.split('\n')) {
    const line = raw.trim().slice(0, 500);
    if (!line) continue;
    for (const [re, kind] of STDERR_PATTERNS) {
      const key = `${kind}\0${line}`;
      if (re.test(line) && !seen.has(key)) {
        seen.add(key);
        out.push({ kind, detail: line });
        if (out.length >= MAX_VIOLATIONS) return out;
      }
    }
  }
  return out;
}

/**
 * Creating a protected name that did not exist (a new ward.yaml, .envrc, …) is recorded as a violation. So is
 * any change under a protected name below the root (`packages/app/.claude/settings.json`, `sub/.mcp.json`):
 * the agents, editors and direnv read those per directory, outside the sandbox, when the user starts them
 * there; only the roots' own are bound read-only.
 */
export function violationsFromFileChanges(
  changes: readonly FileChange[],
  roots: readonly string[],
  watched: readonly string[],
): SandboxViolation[] {
  const out: SandboxViolation[] = [];
  for (const c of changes) {
    const rel = relativeToRoots(c.path, roots);
    if (c.change === 'created' && watched.some((w) => rel === w || rel.startsWith(`${w}/`))) {
      out.push({ kind: 'protected_path_created', detail: c.path });
      continue;
    }
    const nested = READ_ONLY_IN_WRITABLE.some(
      (w) => rel.includes(`/${w}/`) || rel.endsWith(`/${w}`) || (w.includes('/') && rel.includes(`/${w}`)),
    );
    if (nested)
      out.push({
        kind: c.change === 'created' ? 'protected_path_created' : 'protected_path_changed',
        detail: c.path,
      });
  }
  return out;
}

/**
 * Git metadata a command tampered with: a `.git` entry swapped, a HEAD that no longer names a commit (git
 * then skips that directory and may take the work tree for a bare repository), or a new repository (`.git`)
 * or bare-repository HEAD planted in the work tree, whose config the user's tools would obey when they run
 * git there. The last two are recorded, not prevented: see the README (sandbox, git).
 */
export function violationsFromGit(
  layout: Pick<SandboxLayout, 'gitDirs' | 'dotGits'>,
  changes: readonly FileChange[],
): SandboxViolation[] {
  const out: SandboxViolation[] = [];
  for (const { path, identity } of layout.dotGits) {
    if (pathIdentity(path) !== identity)
      out.push({ kind: 'git_metadata_changed', detail: `${path} was replaced` });
  }
  for (const dir of layout.gitDirs) {
    if (!validHead(dir))
      out.push({ kind: 'git_metadata_changed', detail: `${dir}/HEAD no longer names a branch or commit` });
  }
  for (const c of changes) {
    const name = basename(c.path);
    if (c.change === 'created' && (name === '.git' || (name === 'HEAD' && c.kind === 'file'))) {
      out.push({ kind: 'git_repository_created', detail: c.path });
    }
  }
  return out;
}
