import { spawnSync } from 'node:child_process';
import { basename, dirname, join } from 'node:path';
import { pathIdentity } from './layout.js';
import type { SandboxViolation } from './violations.js';

/** What each gitlink's `.git` was before a command: path -> identity (missing ones are absent). */
export type GitlinkState = Map<string, string>;

/**
 * The `.git` entries at the gitlinks (submodule entries, mode 160000) of each work tree's index. `git status`
 * in the work tree recurses into those directories and obeys their repository's config, so a repository
 * planted at a gitlink runs its `core.fsmonitor` outside the sandbox on the user's next `git status`. Read
 * with git itself (every index version), its fsmonitor off; an index git cannot read is `undefined`.
 */
export function gitlinkDotGits(gitDirs: readonly string[]): GitlinkState | undefined {
  const state: GitlinkState = new Map();
  for (const gitDir of gitDirs) {
    if (basename(gitDir) !== '.git') continue;
    const workTree = dirname(gitDir);
    const r = spawnSync(
      'git',
      [
        '-c',
        'core.fsmonitor=false',
        `--git-dir=${gitDir}`,
        `--work-tree=${workTree}`,
        'ls-files',
        '-s',
        '-z',
      ],
      {
        encoding: 'utf8',
        timeout: 10_000,
        maxBuffer: 64 * 1024 * 1024,
        env: { ...process.env, GIT_OPTIONAL_LOCKS: '0' },
      },
    );
    if (r.error) continue; // no git on this machine: nothing outside can obey a gitlink either
    if (r.status !== 0) return undefined;
    for (const entry of r.stdout.split('\0')) {
      if (!entry.startsWith('160000 ')) continue;
      const path = entry.slice(entry.indexOf('\t') + 1);
      const dotGit = join(workTree, path, '.git');
      const id = pathIdentity(dotGit);
      if (id !== '') state.set(dotGit, id);
    }
  }
  return state;
}

/** A `.git` at a gitlink that is new or different after the command: planted, as a violation. */
export function plantedGitlinks(
  before: GitlinkState | undefined,
  after: GitlinkState | undefined,
): SandboxViolation[] {
  if (after === undefined)
    return [
      { kind: 'git_metadata_changed', detail: 'the git index is unreadable: planted submodules not checked' },
    ];
  const out: SandboxViolation[] = [];
  for (const [path, id] of after)
    if (before?.get(path) !== id) out.push({ kind: 'git_repository_created', detail: path });
  return out;
}
