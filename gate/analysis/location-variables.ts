/**
 * Variables that say where credentials and start-up files are, as their own tools read them: `$KUBECONFIG`,
 * `$GNUPGHOME/…`, `$XDG_CONFIG_HOME/gh/hosts.yml`. Where the command line does not set one, a path through it is
 * judged as the place the variable names by default, as `$HOME` is `~`: its real value is unknown, but it names
 * that kind of file wherever it points (`cat "$KUBECONFIG"` reads the cluster credentials, whatever their path).
 */
const LOCATIONS = new Map<string, string>([
  // cloud and cluster credentials
  ['KUBECONFIG', '~/.kube/config'],
  ['GOOGLE_APPLICATION_CREDENTIALS', '~/.config/gcloud/application_default_credentials.json'],
  ['CLOUDSDK_CONFIG', '~/.config/gcloud'],
  ['AWS_SHARED_CREDENTIALS_FILE', '~/.aws/credentials'],
  ['AWS_CONFIG_FILE', '~/.aws/config'],
  ['AWS_WEB_IDENTITY_TOKEN_FILE', '~/.aws/web-identity-token'],
  ['AZURE_CONFIG_DIR', '~/.azure'],
  ['DOCKER_CONFIG', '~/.docker'],
  ['DOCKER_CERT_PATH', '~/.docker'],
  ['BOTO_CONFIG', '~/.boto'],
  ['RCLONE_CONFIG', '~/.config/rclone/rclone.conf'],
  ['HF_HOME', '~/.cache/huggingface'],
  ['HF_TOKEN_PATH', '~/.cache/huggingface/token'],
  // keys, passwords and tokens of the user's tools
  ['GNUPGHOME', '~/.gnupg'],
  ['PASSWORD_STORE_DIR', '~/.password-store'],
  ['SOPS_AGE_KEY_FILE', '~/.config/sops/age/keys.txt'],
  ['NETRC', '~/.netrc'],
  ['PGPASSFILE', '~/.pgpass'],
  ['NPM_CONFIG_USERCONFIG', '~/.npmrc'],
  ['GH_CONFIG_DIR', '~/.config/gh'],
  ['VAULT_CONFIG_PATH', '~/.vault'],
  ['CARGO_HOME', '~/.cargo'],
  ['HISTFILE', '~/.bash_history'],
  // the coding agents' own homes (their credentials and settings, Ward's hook among them)
  ['CODEX_HOME', '~/.codex'],
  ['CLAUDE_CONFIG_DIR', '~/.claude'],
  // where the user's configuration, data and start-up files live
  ['XDG_CONFIG_HOME', '~/.config'],
  ['XDG_DATA_HOME', '~/.local/share'],
  ['ZDOTDIR', '~'],
  ['GIT_CONFIG_GLOBAL', '~/.gitconfig'],
  ['PIP_CONFIG_FILE', '~/.config/pip/pip.conf'],
]);

/** The place a variable the command line did not set names (`~` for HOME), or undefined for any other. */
export function locationOf(name: string): string | undefined {
  return name === 'HOME' ? '~' : LOCATIONS.get(name);
}
