import { describe } from 'vitest';
import { behaviourCases } from './behaviour.case.js';

describe('secrets: the environment, project files, the agents and Ward, globs and links into them', () => {
  behaviourCases([
    {
      rule: 'read.env-secrets',
      yes: [
        'printenv GITHUB_TOKEN',
        'printenv',
        'env',
        'export -p',
        'export',
        'set',
        'declare -x',
        "sh -c 'echo $AWS_SECRET_ACCESS_KEY'",
        'printf "%s" "$NPM_TOKEN"',
        'ps eww 1',
        'ps auxe',
        'env | grep -i token',
      ],
      no: [
        'printenv HOME',
        'env | grep ^PATH',
        'ps aux',
        'ps -ef',
        'echo $HOME',
        'set -euo pipefail',
        'export FOO=1',
      ],
    },
    {
      rule: 'read.secret',
      yes: ['cat /proc/1/environ', 'cat ~/.aws/credentials'],
      no: ['cat /proc/self/status'],
    },
    {
      rule: 'read.project-secret',
      yes: [
        'cat .env',
        'cut -d= -f2 .env',
        'cat .envrc',
        'cat config/.env.production',
        'grep KEY .env.local',
        'cat certs/server.key',
      ],
      no: ['cat .env.example', 'cat .env.sample', 'cat env.ts', 'cat docs/environment.md'],
    },
    {
      rule: 'read.agent-credentials',
      yes: [
        'cat ~/.codex/auth.json',
        'cat ~/.claude/.credentials.json',
        'cat ~/.config/gh/hosts.yml',
        'cat ~/.gemini/oauth_creds.json',
        'cat .ward-data/admin-token',
        'tar czf x.tgz ~/.ward',
      ],
      no: ['cat ~/.claude/settings.json', 'cat .ward/policy.yaml'],
    },
    {
      rule: 'evade.disable-security',
      yes: [
        'echo {} > .claude/settings.json',
        'cp x.yaml .ward/policy.yaml',
        'rm -rf .codex',
        'echo x >> ~/.gemini/settings.json',
      ],
      no: ['cat .claude/settings.json', 'echo x > docs/claude.md'],
    },
    {
      rule: 'read.ssh-key',
      yes: [
        'cat ~/.s*h/id_*',
        'cat ~/.ss?/id_rsa',
        'head /home/*/.ssh/id_ed25519',
        'ln -s ~/.ssh k && cat k/id_rsa',
        'ln -s ~/.ssh ./notes && cat ./notes/work',
      ],
      no: ['cat ~/*.txt', 'cat ~/.ssh/id_rsa.pub', 'ls ~/projects/*'],
    },
    {
      rule: 'read.password-db',
      yes: ['cat /etc/sha*', 'cat /etc/s?adow'],
      no: ['cat /etc/host*'],
    },
    {
      rule: 'destroy.git-metadata',
      yes: ['mv .git .git-orig', 'rm -rf .git', 'mv sub/.git /tmp/x'],
      no: ['mv .gitignore .gitignore.bak', 'rm -rf .github/old'],
    },
  ]);
});
