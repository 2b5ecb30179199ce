import { describe } from 'vitest';
import { behaviourCases } from '../behaviour.case.js';

describe('paths git writes and reads, resolved as git resolves them', () => {
  behaviourCases([
    {
      rule: 'persist.shell-rc',
      yes: [
        'git --work-tree=$HOME checkout HEAD -- :/.bashrc',
        'git --work-tree ~ checkout HEAD -- .zshrc',
        "GIT_WORK_TREE=~ git checkout HEAD -- ':(top).profile'",
        'git -C ~ checkout HEAD -- .bashrc',
        'git diff HEAD~1 --output ~/.bashrc',
        'git --work-tree=~ diff --output=.bashrc',
        'git archive --output=~/.profile HEAD',
        'git bundle create ~/.bashrc --all',
      ],
      no: [
        'git checkout HEAD -- .bashrc',
        'git --work-tree=. checkout HEAD -- :/.bashrc',
        'git --work-tree=$HOME checkout HEAD -- :!.bashrc',
        'git diff --output=out.patch',
      ],
    },
    {
      // A work tree checked out into a PATH directory puts its files where commands are looked up.
      rule: 'persist.path-program',
      yes: ['git worktree add ~/.local/bin', 'git --work-tree=$HOME/bin checkout -f HEAD'],
      no: ['git worktree add wt -b topic', 'git --work-tree=$HOME/bin status'],
    },
    {
      rule: 'write.home',
      yes: [
        'git --work-tree=$HOME reset --hard',
        'git --work-tree=~/.config stash pop',
        'git worktree add ~/.local/share/wt',
        'git format-patch --output-directory ~/.config/autostart -1',
        'git init ~/.config/x',
        'export GIT_WORK_TREE=~; git checkout -f HEAD',
        // Set for the git commands after it (relative to the git directory: `..` is the repository's top).
        'git config core.worktree ~',
        'git -c core.worktree=$HOME/.config status',
      ],
      no: [
        'git --work-tree=$HOME status',
        'GIT_WORK_TREE=~ git log',
        'export GIT_WORK_TREE=.',
        'git config core.worktree ..',
        'git worktree add wt -b topic',
        'git init',
      ],
    },
    {
      rule: 'read.ssh-key',
      yes: [
        'git commit -F ~/.ssh/id_rsa',
        'git commit --file=~/.ssh/id_ed25519',
        'git commit -t ~/.ssh/id_rsa',
        'git merge -F ~/.ssh/id_rsa topic',
        'git hash-object -w ~/.ssh/id_rsa',
        'git update-index --add ~/.ssh/id_rsa',
        'git --work-tree=~ add .ssh/id_rsa',
        'git send-email --to=x@example.com ~/.ssh/id_rsa',
        'git blame --contents ~/.ssh/id_rsa README.md',
      ],
      no: ['git commit -F msg.txt', 'git commit -F -', 'git hash-object ~/.ssh/id_rsa', 'git add src/a.ts'],
    },
  ]);
});
