import type { Call } from './call.js';
import { report } from './context.js';
import { locationOf } from './location-variables.js';
import { hostOf, judgeHost } from './network.js';
import { classifyPath } from './paths.js';
import { UNKNOWN } from './script.js';

/**
 * Variables that say where a tool reads its settings, and what those settings can do that the gate never sees:
 * `export WGETRC=./rc` makes every later `wget` read `post_file = ~/.ssh/id_rsa` from a file the agent wrote.
 */
const SETTINGS = new Map<string, string>([
  ['WGETRC', 'wget reads its options there (upload a file, write anywhere, use a proxy)'],
  ['CURL_HOME', 'curl reads its .curlrc there (upload a file, write anywhere, use a proxy)'],
  ['AWS_CONFIG_FILE', 'the AWS tools read credential_process there, a command they run'],
  ['AWS_SHARED_CREDENTIALS_FILE', 'the AWS tools act with the credentials found there'],
  ['KUBECONFIG', 'kubectl runs the exec credential plugin named there'],
  ['DOCKER_CONFIG', 'docker runs the credential helpers named there'],
  ['PIP_CONFIG_FILE', 'pip installs from the index named there'],
  ['BUNDLE_GEMFILE', 'bundler evaluates that Gemfile as Ruby'],
  ['GEMRC', 'gem installs from the sources named there'],
  ['CARGO_HOME', 'cargo runs the rustc wrapper and aliases of the config.toml there'],
  ['RUSTUP_HOME', 'rustup runs the toolchains found there'],
  ['GRADLE_USER_HOME', 'gradle runs the init scripts found there'],
  ['TF_CLI_CONFIG_FILE', 'terraform runs the providers that file points at'],
  ['TERRAFORM_CONFIG', 'terraform runs the providers that file points at'],
  ['PYTHONUSERBASE', 'python runs the .pth files and usercustomize found there'],
  ['IPYTHONDIR', 'ipython runs the start-up scripts found there'],
  ['JUPYTER_CONFIG_DIR', 'jupyter runs the configuration found there as Python'],
  ['PSQLRC', 'psql runs the commands (and \\! shell commands) of that file'],
  ['R_PROFILE_USER', 'R runs that file at start-up'],
  ['R_ENVIRON_USER', 'R reads its environment (and its start-up file) from there'],
  ['GOENV', 'go reads GOFLAGS (-toolexec: a program it runs) from there'],
  ['XDG_CONFIG_HOME', 'every tool that follows XDG reads its settings there (git, gh, pip, …)'],
  ['CLOUDSDK_CONFIG', 'gcloud acts with the credentials and settings found there'],
  ['BOTO_CONFIG', 'boto acts with the credentials and settings found there'],
  ['RCLONE_CONFIG', 'rclone sends to the remotes named there'],
  ['COMPOSER_HOME', 'composer runs the plugins and scripts of the configuration there'],
  ['GNUPGHOME', 'gpg trusts the keys and runs the agents configured there'],
]);

/** The coding agents' own settings, Ward's hook among them: elsewhere, a nested agent runs without it. */
const AGENT_HOMES = new Map<string, string>([
  ['CLAUDE_CONFIG_DIR', 'Claude Code'],
  ['CODEX_HOME', 'Codex'],
]);

/** Proxy variables: every later connection of the tools that honour them goes through that host. */
const PROXY = /^(?:(?:https?|all|ftp|rsync|socks)_proxy|npm_config_(?:https_)?proxy|PIP_PROXY)$/i;
const LOOPBACK = /^(?:localhost|127(?:\.\d{1,3}){3}|\[?::1\]?)$/;

/** Options of go's own commands, given through GOFLAGS, that name a program go runs. */
const GO_RUNS = /(?:^|\s)--?(?:toolexec|exec)(?:[=\s]|$)/;
/** make's options through MAKEFLAGS that add code or override the Makefile's variables (SHELL, CC). */
const MAKE_CODE = /(?:^|\s)(?:--eval|-[a-zA-Z]*E|\S*[A-Za-z_][\w.]*=)/;

/**
 * Judges one assignment of a variable that points a tool at other settings, a proxy or extra options. True when
 * the variable is one of these (judged here, the tool's own place passing), false to leave it to the other checks.
 */
export function judgeSettingsVariable(c: Call, name: string, value: string, shown: string): boolean {
  const settings = SETTINGS.get(name);
  const agent = AGENT_HOMES.get(name);
  if (settings !== undefined || agent !== undefined) {
    if (!elsewhere(c, name, value)) return true;
    if (agent !== undefined)
      report(c.ctx, 'evade.disable-security', `${shown}: ${agent} reads its settings and hooks from there`);
    else report(c.ctx, 'exec.env-command', `${shown}: ${settings}`);
    return true;
  }
  if (PROXY.test(name)) {
    const host = hostOf(value.includes('://') ? value : `http://${value}`)?.host ?? '';
    if (value.trim() === '' || LOOPBACK.test(host) || judgeHost(host, c.ctx.hosts) === 'allowed') return true;
    report(
      c.ctx,
      'net.proxy',
      `${shown}: later connections go through ${host || 'a host known at run time'}`,
    );
    return true;
  }
  if (
    (name === 'GOFLAGS' && GO_RUNS.test(value)) ||
    (/^(?:GNU)?MAKEFLAGS$|^MFLAGS$/.test(name) && MAKE_CODE.test(value))
  ) {
    report(c.ctx, 'exec.env-command', shown);
    return true;
  }
  return false;
}

/**
 * Whether a settings variable points somewhere other than the system's files or the tool's own place in the home
 * directory: the workspace, a temporary directory, anywhere known only at run time, all places the agent writes.
 */
function elsewhere(c: Call, name: string, value: string): boolean {
  const v = value.trim();
  if (v === '' || v === '/dev/null') return false;
  if (v.includes(UNKNOWN)) return true;
  const own = locationOf(name);
  // The tool's own place (`~/.kube/dev` beside `~/.kube/config`), never the whole home directory.
  const parent = own?.slice(0, own.lastIndexOf('/'));
  // KUBECONFIG is a list of files, like PATH.
  return (name === 'KUBECONFIG' ? v.split(':').filter((e) => e !== '') : [v]).some((entry) => {
    const { zone, path } = classifyPath(entry, { workspace: c.ctx.workspace, cwd: c.cwd });
    if (zone === 'system' || zone === 'null') return false;
    if (own === undefined) return true;
    return !(path === own || path.startsWith(`${own}/`) || (parent !== '~' && path.startsWith(`${parent}/`)));
  });
}
