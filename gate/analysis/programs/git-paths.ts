/**
 * The files git writes and the files it reads into the repository or prints, resolved as git resolves them:
 * against the work tree's top when the command names a work tree it runs outside of (`git --work-tree="$HOME"
 * checkout HEAD -- :/.bashrc` writes ~/.bashrc), and `:/x` from the top. A work tree named outside the workspace
 * is itself written by the subcommands that check files out. What git reads into a commit, a tag, a note or an
 * object is read as by `cat` (`git commit -F ~/.ssh/id_rsa`, `git hash-object -w ~/.aws/credentials`): a push
 * sends it on.
 */

import { type Call, hasFlag, operands, optionValue, optionValues, splitClusters } from '../call.js';
import type { Access } from '../effects.js';
import { touch } from '../effects.js';
import { UNKNOWN } from '../script.js';
import { writtenOrRead } from '../written-text.js';
import { patchedFiles } from './archives.js';
import { type GitInvocation, pathspec } from './git-invocation.js';

/** Options whose value is a file or directory git writes, by subcommand. */
const WRITES: Record<string, string[]> = {
  diff: ['--output'],
  log: ['--output'],
  show: ['--output'],
  whatchanged: ['--output'],
  'diff-tree': ['--output'],
  'diff-index': ['--output'],
  'diff-files': ['--output'],
  'range-diff': ['--output'],
  'format-patch': ['-o', '--output-directory'],
  archive: ['-o', '--output'],
  'checkout-index': ['--prefix'],
  'fast-export': ['--export-marks'],
  'fast-import': ['--export-marks'],
  bugreport: ['-o', '--output-directory'],
  diagnose: ['-o', '--output-directory'],
  init: ['--separate-git-dir'],
  clone: ['--separate-git-dir'],
};

/** Options whose value is a file git reads into the repository or prints, by subcommand. */
const READS: Record<string, string[]> = {
  commit: ['-F', '--file', '-t', '--template'],
  tag: ['-F', '--file'],
  notes: ['-F', '--file'],
  merge: ['-F', '--file'],
  'commit-tree': ['-F'],
  archive: ['--add-file'],
  blame: ['--contents'],
  annotate: ['--contents'],
};

/** Subcommands that write files of the work tree. */
const WORK_TREE_WRITERS =
  /^(?:checkout|switch|restore|reset|merge|pull|rebase|cherry-pick|revert|stash|am|apply|clean|rm|mv|read-tree|checkout-index|submodule|sparse-checkout)$/;

/** Options of `git clone` that take a value. */
const CLONE_VALUE_OPTIONS = [
  '-b',
  '--branch',
  '-o',
  '--origin',
  '--depth',
  '-c',
  '--config',
  '--reference',
  '--separate-git-dir',
  '-u',
  '--upload-pack',
  '--template',
  '-j',
  '--jobs',
  '--filter',
];

/** Records the paths a git command line writes and reads (see the file comment). */
export function gitPaths(c: Call, inv: GitInvocation): void {
  const { sub = '', rest } = inv;
  const at = (p: string, access: Access) => {
    const spec = pathspec(inv, p);
    if (spec) touch(c.ctx, spec.path, access, spec.cwd);
  };
  const split = splitClusters(rest, 'mFtcCu');
  for (const p of optionValues(rest, WRITES[sub] ?? [])) if (p !== '-') at(p, 'write');
  for (const p of optionValues(split, READS[sub] ?? [])) if (p !== '-') at(p, 'read');
  if (inv.workTree !== undefined && WORK_TREE_WRITERS.test(sub))
    touch(c.ctx, inv.workTree, 'write', undefined);
  const words = (from: number, withValue: string[] = []) => operands(rest.slice(from), withValue);
  if (sub === 'hash-object' && hasFlag(rest, 'w')) for (const p of words(0, ['-t', '--path'])) at(p, 'read');
  if (sub === 'update-index' && rest.includes('--add')) for (const p of words(0).slice(0, 256)) at(p, 'read');
  // What send-email is given are files it mails (or revisions, which name no file here).
  if (sub === 'send-email') for (const p of words(0).slice(0, 64)) at(p, 'read');
  if (sub === 'bundle' && rest[0] === 'create') {
    const file = words(1)[0];
    if (file) at(file, 'write');
  }
  if (sub === 'worktree' && /^(?:add|move)$/.test(rest[0] ?? '')) {
    const ops = words(1, ['-b', '-B', '--reason']);
    const dest = rest[0] === 'add' ? ops[0] : ops[1];
    if (dest) at(dest, 'write');
  }
  if (sub === 'init') {
    const dir = words(0, [
      '--template',
      '--separate-git-dir',
      '--object-format',
      '-b',
      '--initial-branch',
    ])[0];
    if (dir) at(dir, 'write');
  }
  if (sub === 'submodule' && rest[0] === 'add') {
    const ops = words(1, ['-b', '--branch', '--name', '--reference', '--depth']);
    if (ops[1]) at(ops[1], 'write');
  }
  // A clone's directory.
  if (sub === 'clone') {
    const ops = words(0, CLONE_VALUE_OPTIONS);
    if (ops.length >= 2) at(ops[ops.length - 1] as string, 'write');
  }
  // Files checked out or restored from another commit.
  if ((sub === 'checkout' || sub === 'restore') && rest.includes('--'))
    for (const p of rest.slice(rest.indexOf('--') + 1).slice(0, 64)) at(p, 'write');
  else if (sub === 'restore') for (const p of words(0, ['-s', '--source']).slice(0, 64)) at(p, 'write');
  gitReads(c, inv, at);
}

/** What git prints or copies into the repository of the files it names. */
function gitReads(c: Call, inv: GitInvocation, at: (p: string, access: Access) => void): void {
  const { sub = '', rest } = inv;
  // A file's content from history is that file read: `git show HEAD:.env`, `git cat-file -p HEAD:.env`.
  if (sub === 'show' || sub === 'cat-file')
    for (const op of operands(rest).slice(0, 8)) {
      const colon = op.indexOf(':');
      if (colon >= 0 && colon < op.length - 1) touch(c.ctx, op.slice(colon + 1), 'read', inv.base);
    }
  // `git add .env` copies the file into the repository, from where a push sends it: a read of what it names.
  if (sub === 'add' || sub === 'stage') for (const p of operands(rest).slice(0, 256)) at(p, 'read');
  // `git grep --no-index` and `--untracked` print lines of files git does not track, secrets included.
  if (sub === 'grep' && rest.some((a) => a === '--no-index' || a === '--untracked'))
    for (const p of rest.includes('--') ? rest.slice(rest.indexOf('--') + 1).slice(0, 64) : []) at(p, 'read');
  // The paths after `--` of a patch (`git log -p -- .env`, `git show HEAD -- .env`).
  const patch = sub === 'show' || sub === 'diff' || rest.some((a) => /^(-p|-u|--patch)$/.test(a));
  if (patch && (sub === 'log' || sub === 'show' || sub === 'diff') && rest.includes('--'))
    for (const p of rest.slice(rest.indexOf('--') + 1).slice(0, 8)) at(p, 'read');
  // `git diff --no-index A B` compares any two files, printing both: a reader like cat.
  if (sub === 'diff' && rest.includes('--no-index'))
    for (const p of operands(rest).slice(0, 8)) at(p, 'read');
  // git apply keeps to the work tree unless told otherwise; an inline patch shows which files it writes.
  if (sub === 'apply' || sub === 'am') {
    const dir = optionValue(rest, ['--directory']);
    if (rest.includes('--unsafe-paths')) touch(c.ctx, `/${UNKNOWN}`, 'write', inv.base);
    if (sub === 'apply' && !rest.some((a) => /^(--stat|--numstat|--summary|--check)$/.test(a))) {
      // A patch file this command line wrote (`printf '--- a/.claude/…' > fix.patch && git apply fix.patch`).
      const file = operands(rest, ['--directory', '-p', '--exclude', '--include'])[0];
      patchedFiles(c, c.cmd.stdinText ?? (file ? writtenOrRead(c, file) : undefined), 0, dir);
    }
  }
}
