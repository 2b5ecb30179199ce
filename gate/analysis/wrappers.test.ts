import { describe } from 'vitest';
import { behaviourCases } from './behaviour.case.js';

describe('the directory a command starts in', () => {
  behaviourCases([
    {
      rule: 'exec.container',
      yes: ['docker run -v /:/host alpine', 'docker run -v "$HOME":/h alpine'],
      no: ['docker run --rm -v "$PWD":/src -w /src node:20 npm test'],
    },
  ]);
});

describe('whatever runs a command string gets it analysed like the outer command', () => {
  behaviourCases([
    {
      rule: 'read.ssh-key',
      yes: [
        "bash -lc 'cat ~/.ssh/id_rsa'",
        "/bin/bash -lc 'cat ~/.ssh/id_rsa'",
        "sh -ic 'cat ~/.ssh/id_rsa'",
        "zsh -xc 'cat ~/.ssh/id_rsa'",
        'echo ~/.ssh/id_rsa | xargs cat',
        "eval 'cat ~/.ssh/id_rsa'",
        'env -i cat ~/.ssh/id_rsa',
        'nohup cat ~/.ssh/id_rsa',
        'timeout 5 cat ~/.ssh/id_rsa',
        'nice -n 5 cat ~/.ssh/id_rsa',
        'stdbuf -o0 cat ~/.ssh/id_rsa',
        'setsid cat ~/.ssh/id_rsa',
        "watch 'cat ~/.ssh/id_rsa'",
        'poetry run cat ~/.ssh/id_rsa',
        'cat <<EOF\n$(cat ~/.ssh/id_rsa)\nEOF',
        "find . -exec sh -c 'cat ~/.ssh/id_rsa' \\;",
      ],
      no: ["bash -lc 'cat README.md'", 'echo README.md | xargs cat', 'timeout 5 npm test'],
    },
    {
      rule: 'exec.interactive-shell',
      yes: [
        'ionice -c3 /usr/bin/zsh',
        'bash',
        'sh -i',
        'find . -exec /bin/sh \\; -quit',
        'taskset 1 bash',
        'screen',
      ],
      no: [
        'bash -c "ls"',
        'bash script.sh',
        'bash --version',
        'echo ls | sh',
        'screen -ls',
        'command -v bash',
      ],
    },
  ]);
});
