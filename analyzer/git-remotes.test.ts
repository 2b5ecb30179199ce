import { describe, expect, it } from 'vitest';
import { pushTargets, remotesSet, repoKey } from './git-remotes.js';

const words = (s: string) => s.split(' ');

describe('git remotes in a command', () => {
  it('reads a repository URL as host/owner/name whatever its form; a name or a path is none', () => {
    expect(repoKey('https://github.com/acme/app.git')).toBe('github.com/acme/app');
    expect(repoKey('git@github.com:Acme/App.git')).toBe('github.com/acme/app');
    expect(repoKey('https://x-access-token:t@github.com/acme/app/')).toBe('github.com/acme/app');
    expect(repoKey('ssh://git@git.acme.dev:2222/team/app.git')).toBe('git.acme.dev/team/app');
    expect(repoKey('origin')).toBeUndefined();
    expect(repoKey('/srv/git/app.git')).toBeUndefined();
    expect(repoKey('../mirror')).toBeUndefined();
  });

  it('finds the remotes a command points somewhere, added or changed', () => {
    expect(remotesSet(words('git remote set-url --push origin https://github.com/acme-eng/app.git'))).toEqual(
      [{ name: 'origin', url: 'https://github.com/acme-eng/app.git', how: 'set' }],
    );
    expect(
      remotesSet(words('git -C app remote add -f backup git@gitlab.com:x/app.git && git fetch backup')),
    ).toEqual([{ name: 'backup', url: 'git@gitlab.com:x/app.git', how: 'add' }]);
    expect(remotesSet(words('git config --local remote.origin.pushurl https://h.example/a/b'))).toEqual([
      { name: 'origin', url: 'https://h.example/a/b', how: 'set' },
    ]);
    expect(remotesSet(words('git remote -v'))).toEqual([]);
    expect(remotesSet(words('git config user.email me@acme.dev'))).toEqual([]);
  });

  it('finds where a command pushes: a remote by name (origin by default) or a URL', () => {
    expect(pushTargets(words('git push'))).toEqual([{ remote: 'origin' }]);
    expect(pushTargets(words('git push -u -o ci.skip fork feature/x'))).toEqual([{ remote: 'fork' }]);
    expect(pushTargets(words('git add -A git commit -m x git push https://github.com/o/r.git HEAD'))).toEqual(
      [{ url: 'https://github.com/o/r.git' }],
    );
    expect(pushTargets(words('git pull origin main'))).toEqual([]);
  });
});
