import { realpathSync, renameSync, statSync } from 'node:fs';
import { basename, dirname, join, sep } from 'node:path';
import type { FileChange } from './file-snapshot.js';
import { indexGitlinks } from './git-index.js';
import { repositoryFingerprint, repositoryRunsCode } from './git-repository-risk.js';
import type { SandboxLayout } from './layout.js';
import type { SandboxViolation } from './violations.js';

/** Nested repositories (`.git` entries the guard does not pin) a snapshot holds, at most this many looked at. */
export const MAX_NESTED_REPOSITORIES = 1000;

/** The `.git` entries of a snapshot's paths that the guard does not pin (nested repositories). */
export function nestedRepositories(
  layout: Pick<SandboxLayout, 'dotGits'>,
  paths: Iterable<string>,
): string[] {
  const guarded = new Set(layout.dotGits.map((d) => d.path));
  const out: string[] = [];
  for (const p of paths) {
    if (basename(p) === '.git' && !guarded.has(p)) out.push(p);
    if (out.length >= MAX_NESTED_REPOSITORIES) break;
  }
  return out;
}

/** Each nested repository's fingerprint before a command (see repositoryFingerprint). */
export function fingerprintRepositories(dotGits: readonly string[]): Map<string, string> {
  return new Map(dotGits.map((d) => [d, repositoryFingerprint(d)]));
}

/** Per git directory: the index as last read (so an unchanged one costs one stat) and its gitlinks. */
export type IndexSeen = Map<string, { signature: string; gitlinks: string[] }>;

function signature(path: string): string {
  const st = statSync(path, { throwIfNoEntry: false });
  return st ? `${st.ino}:${st.size}:${st.mtimeMs}` : '';
}

/**
 * Where a suspect `.git` really is, when that is inside a writable root; else undefined. A gitlink's path comes
 * from an index the command wrote: `link/home/me/other-project` (with `link -> ../..`) or `../other-project`
 * named another repository of the user's, and Ward itself moved that one's `.git` aside.
 */
function insideWritable(dotGit: string, writable: readonly string[]): string | undefined {
  let parent: string;
  try {
    parent = realpathSync(dirname(dotGit));
  } catch {
    return undefined;
  }
  return inside(parent, writable) ? join(parent, '.git') : undefined;
}

function exists(path: string): boolean {
  try {
    return statSync(path, { throwIfNoEntry: false }) !== undefined;
  } catch {
    return true; // too long or looping: something is there, or claims to be
  }
}

function inside(path: string, writable: readonly string[]): boolean {
  return writable.some((w) => path === w || path.startsWith(w + sep));
}

/**
 * Moves a repository's `.git` aside so no git finds it; returns where it went, or undefined. The rename is
 * made from inside the directory, checked once entered: during `ward run` the command runs beside this and
 * could swap a parent for a link to another repository between a check by path and a rename by path.
 */
function quarantine(dotGit: string, writable: readonly string[]): string | undefined {
  const name = `.git.ward-quarantined-${Date.now()}`;
  const back = process.cwd();
  try {
    process.chdir(dirname(dotGit));
    // getcwd: where the directory held now really is (it cannot leave the writable mount: EXDEV).
    const here = process.cwd();
    if (!inside(here, writable)) return undefined;
    renameSync('.git', name);
    return join(here, name);
  } catch {
    return undefined;
  } finally {
    process.chdir(back);
  }
}

/**
 * Repositories a sandboxed command planted that would run code outside: a submodule added to a guarded
 * repository's index (the guard pins those present when the runner started) (the user's `git status` recurses into it and obeys its config), or any new `.git`
 * in the work tree whose config names a program or whose hooks are live (editors and shell prompts run git
 * in repositories they find). Each is moved aside (`.git.ward-quarantined-<time>`, nothing is deleted) and
 * recorded. A fresh clone has neither, so ordinary work is untouched. So is a nested repository of the user's
 * that already ran code; but one whose config or hooks changed during the command (`git init sub` in one
 * command, `git -C sub config core.fsmonitor …` in the next) is judged again: `nested` gives the fingerprints
 * taken before the command and the `.git` entries present after it.
 */
export function neutralizePlantedRepositories(
  layout: Pick<SandboxLayout, 'gitWorkTrees' | 'dotGits' | 'writable'>,
  changes: readonly FileChange[],
  seen: IndexSeen,
  nested?: { before: ReadonlyMap<string, string>; after: readonly string[] },
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
  for (const dotGit of nested?.after ?? []) {
    if (suspects.has(dotGit)) continue;
    const was = nested?.before.get(dotGit);
    if (was === undefined || was !== repositoryFingerprint(dotGit))
      suspects.set(dotGit, `repository ${dirname(dotGit)} (changed)`);
  }
  for (const [named, what] of suspects) {
    if (guarded.has(named)) continue;
    const dotGit = insideWritable(named, layout.writable);
    if (dotGit === undefined) {
      if (exists(named)) {
        out.push({
          kind: 'git_metadata_changed',
          detail: `planted ${what}: it names ${named}, outside the writable roots; left alone`,
        });
      }
      continue;
    }
    if (guarded.has(dotGit)) continue;
    const why = repositoryRunsCode(dotGit);
    if (!why) continue;
    const moved = quarantine(dotGit, layout.writable);
    out.push({
      kind: 'git_metadata_changed',
      detail: `planted ${what}: ${why}, which git outside the sandbox would run; ${moved ? `moved to ${moved}` : `could not move ${dotGit}`}`,
    });
  }
  return out;
}
