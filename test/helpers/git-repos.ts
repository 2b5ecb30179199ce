import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** The environment real git runs in for the tests: no system configuration, a plain PATH. */
export const GIT_ENV = { PATH: '/usr/bin:/bin', GIT_CONFIG_NOSYSTEM: '1', LANG: 'C' };

/** Real git with a home known only once the test file's set-up has run (`home()`). */
export function gitTools(home: () => string) {
  const gitIn = (dir: string, env: Record<string, string>, ...args: string[]) =>
    execFileSync('git', ['-C', dir, '-c', 'user.name=t', '-c', 'user.email=t@t', ...args], {
      env: { ...GIT_ENV, HOME: home(), ...env },
      stdio: 'pipe',
    }).toString();
  const git = (dir: string, ...args: string[]) => gitIn(dir, {}, ...args);
  /** A repository at `dir` with one commit. */
  const repo = (dir: string): string => {
    execFileSync('git', ['init', '-q', '-b', 'main', dir], { env: { ...GIT_ENV, HOME: home() } });
    writeFileSync(join(dir, 'f.txt'), '1\n');
    git(dir, 'add', 'f.txt');
    git(dir, 'commit', '-qm', 'one');
    return dir;
  };
  return { git, repo };
}
