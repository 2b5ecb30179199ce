import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { indexGitlinks } from './git-index.js';

describe('indexGitlinks', () => {
  const base = mkdtempSync('/var/tmp/ward-git-index-');
  afterAll(() => rmSync(base, { recursive: true, force: true }));
  const git = (cwd: string, ...args: string[]) =>
    execFileSync('git', args, {
      cwd,
      encoding: 'utf8',
      env: { PATH: '/usr/bin:/bin', HOME: base, GIT_CONFIG_NOSYSTEM: '1' },
    });

  it.each([2, 3, 4])('finds the gitlinks among ordinary entries (index version %i)', (version) => {
    const repo = mkdtempSync(join(base, 'r-'));
    git(repo, 'init', '-q');
    for (const f of ['a.txt', 'dir/b.txt', 'dir/sub/c.txt', 'z.txt']) {
      execFileSync('mkdir', ['-p', join(repo, f, '..')]);
      writeFileSync(join(repo, f), f);
    }
    git(repo, 'add', '.');
    const sha = '0123456789abcdef0123456789abcdef01234567';
    git(repo, 'update-index', '--add', '--cacheinfo', `160000,${sha},dir/lib`);
    git(repo, 'update-index', '--add', '--cacheinfo', `160000,${sha},vendor/deep/mod`);
    // An intent-to-add entry sets the extended flag (two more bytes per entry in version 3 and up).
    writeFileSync(join(repo, 'ita.txt'), 'x');
    git(repo, 'add', '-N', 'ita.txt');
    git(repo, 'update-index', `--index-version=${version}`);
    expect(indexGitlinks(join(repo, '.git/index')).sort()).toEqual(['dir/lib', 'vendor/deep/mod']);
  });

  it('returns nothing for a missing or malformed index', () => {
    expect(indexGitlinks(join(base, 'none'))).toEqual([]);
    writeFileSync(join(base, 'bad'), 'DIRC\0\0\0\x09garbage');
    expect(indexGitlinks(join(base, 'bad'))).toEqual([]);
  });
});
