/**
 * Review 13: the nested-repository lookup has bounds (128 directories at the work tree's top, a listing of
 * 1,024 entries at most). An agent that can make directories makes more than that, and hides a repository
 * recorded as a gitlink among them: `git status` of the outer repository runs the inner one's core.fsmonitor.
 * A lookup that could not finish must not read as "nothing nested".
 */
import { appendFileSync, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { gateOnDisk } from './helpers/gate-on-disk.js';
import { gitTools } from './helpers/git-repos.js';

const disk = gateOnDisk('review-13');
const { git, repo } = gitTools(() => disk.home);

function outerWithHidden(name: string, dirs: number): string {
  const outer = repo(join(disk.ws, name));
  for (let i = 0; i < dirs; i++) mkdirSync(join(outer, `d${String(i).padStart(4, '0')}`));
  const inner = repo(join(outer, 'zz-inner'));
  git(outer, 'add', 'zz-inner');
  git(outer, 'commit', '-qm', 'inner');
  appendFileSync(
    join(inner, '.git/config'),
    `[core]\n\tfsmonitor = "touch ${join(disk.root, `${name}-ran`)}; false"\n`,
  );
  return outer;
}

describe('nested repositories past the lookup bounds', () => {
  it('closed: a gitlink hidden among 200 directories at the top still has its fsmonitor judged', () => {
    outerWithHidden('many', 200);
    git(join(disk.ws, 'many'), 'status');
    expect(existsSync(join(disk.root, 'many-ran'))).toBe(true);
    expect(disk.decide('git -C many status')).not.toBe('allow');
  });

  it('closed: a top of more entries than the lister reads (1,100 directories) is not read as holding none', () => {
    outerWithHidden('huge', 1100);
    expect(disk.decide('git -C huge status')).not.toBe('allow');
  });

  it('control: a plain repository with a few directories and no nested one is allowed', () => {
    const plain = repo(join(disk.ws, 'plain'));
    for (const d of ['src', 'docs', 'test']) mkdirSync(join(plain, d));
    expect(disk.decide('git -C plain status')).toBe('allow');
  });
});
