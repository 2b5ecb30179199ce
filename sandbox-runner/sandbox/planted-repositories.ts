import { renameSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { FileChange } from './file-snapshot.js';
import { indexGitlinks } from './git-index.js';
import { repositoryRunsCode } from './git-repository-risk.js';
import type { SandboxLayout } from './layout.js';
import type { SandboxViolation } from './violations.js';

/** Per git directory: the index as last read (so an unchanged one costs one stat) and its gitlinks. */
export type IndexSeen = Map<string, { signature: string; gitlinks: string[] }>;

function signature(path: string): string {
  const st = statSync(path, { throwIfNoEntry: false });
  return st ? `${st.ino}:${st.size}:${st.mtimeMs}` : '';
}

/** Moves a repository's `.git` aside so no git finds it; returns where it went, or undefined. */
function quarantine(dotGit: string): string | undefined {
  const to = `${dotGit}.ward-quarantined-${Date.now()}`;
  try {
    renameSync(dotGit, to);
    return to;
  } catch {
    return undefined;
  }
}

/**
 * Repositories a sandboxed command planted that would run code outside: a submodule added to a guarded
 * repository's index (the guard pins those present when the runner started) (the user's `git status` recurses into it and obeys its config), or any new `.git`
 * in the work tree whose config names a program or whose hooks are live (editors and shell prompts run git
 * in repositories they find). Each is moved aside (`.git.ward-quarantined-<time>`, nothing is deleted) and
 * recorded. A fresh clone has neither, so ordinary work is untouched.
 */
export function neutralizePlantedRepositories(
  layout: Pick<SandboxLayout, 'gitWorkTrees' | 'dotGits'>,
  changes: readonly FileChange[],
  seen: IndexSeen,
): SandboxViolation[] {
  const out: SandboxViolation[] = [];
  const guarded = new Set(layout.dotGits.map((d) => d.path));
  const suspects = new Map<string, string>();
  for (const { gitDir, workTree } of layout.gitWorkTrees) {
    const index = join(gitDir, 'index');
    const sig = signature(index);
    let known = seen.get(gitDir);
    if (known?.signature !== sig) {
      known = { signature: sig, gitlinks: indexGitlinks(index) };
      seen.set(gitDir, known);
    }
    // Every gitlink the guard did not pin is checked each time: its config may change after it was added.
    for (const path of known.gitlinks) suspects.set(join(workTree, path, '.git'), `submodule ${path}`);
  }
  for (const c of changes) {
    if (c.change === 'created' && basename(c.path) === '.git')
      suspects.set(c.path, `repository ${dirname(c.path)}`);
  }
  for (const [dotGit, what] of suspects) {
    if (guarded.has(dotGit)) continue;
    const why = repositoryRunsCode(dotGit);
    if (!why) continue;
    const moved = quarantine(dotGit);
    out.push({
      kind: 'git_metadata_changed',
      detail: `planted ${what}: ${why}, which git outside the sandbox would run; ${moved ? `moved to ${moved}` : `could not move ${dotGit}`}`,
    });
  }
  return out;
}
