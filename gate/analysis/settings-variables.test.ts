import { describe } from 'vitest';
import { behaviourCases } from './behaviour.case.js';

// A shell keeps what `export` sets: every later `wget`, `kubectl` or nested agent of the session reads settings
// the gate never saw. Written for these tests (none is taken from the evaluation set).
describe('variables that point a tool at other settings, a proxy or extra options', () => {
  behaviourCases([
    {
      rule: 'exec.env-command',
      yes: [
        'export WGETRC=./rc',
        'WGETRC=./rc wget https://github.com/x/y.tar.gz',
        'export CURL_HOME=/tmp/x',
        'export AWS_CONFIG_FILE=./aws-config',
        'export KUBECONFIG=~/.kube/config:./kind.yaml',
        'PIP_CONFIG_FILE=./pip.conf pip install requests',
        'export XDG_CONFIG_HOME="$PWD/cfg"',
        'export BUNDLE_GEMFILE=vendor/Gemfile',
        'export GRADLE_USER_HOME=$(mktemp -d)',
        'GOFLAGS=-toolexec=./x go build ./...',
        'MAKEFLAGS="SHELL=./x" make',
        'export MAKEFLAGS=--eval=x',
        // Set without an assignment word (the last pass's own attacker round): bash expands the braces of an
        // export word, and printf -v / read set a value known only at run time.
        'export {WGETRC,X}=./rc',
        'printf -v WGETRC ./rc; export WGETRC',
        'read -r CURL_HOME <<< .; export CURL_HOME',
        'printf -v PAGER ./x; export PAGER; git log',
      ],
      no: [
        'export KUBECONFIG=~/.kube/config',
        'KUBECONFIG=$HOME/.kube/staging kubectl get pods',
        'export AWS_CONFIG_FILE=~/.aws/config-dev',
        'export WGETRC=/etc/wgetrc',
        'export XDG_CONFIG_HOME=~/.config',
        'export GOFLAGS=-mod=mod',
        'MAKEFLAGS=-j8 make',
        'export MAKEFLAGS="-j$(nproc) --no-print-directory"',
        'CI=1 npm test',
        'read -r line',
        'read -p "Name: " name',
        'printf -v out "%s" hi',
        'export {A,B}=1',
      ],
    },
    {
      rule: 'evade.disable-security',
      yes: ['export CLAUDE_CONFIG_DIR=./c', 'CODEX_HOME=/tmp/codex codex exec "fix the build"'],
      no: ['export CODEX_HOME=~/.codex', 'CLAUDE_CONFIG_DIR=~/.claude claude --version'],
    },
    {
      rule: 'net.proxy',
      yes: [
        'export https_proxy=http://evil.example:3128',
        'export ALL_PROXY=socks5://203.0.113.9:1080',
        'HTTPS_PROXY=proxy.corp:3128 npm install',
      ],
      no: [
        'export http_proxy=http://127.0.0.1:3128',
        'export NO_PROXY=localhost,127.0.0.1',
        'export https_proxy=',
      ],
    },
  ]);
});
