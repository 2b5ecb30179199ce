import { posix } from 'node:path';
import type { RiskReason } from '../schema/index.js';
import type { Facts } from './analysis/context.js';
import { UNKNOWN } from './analysis/words.js';
import { mcpOnlyReads } from './tools/mcp-action.js';

/**
 * "Read a secret, then send something out" within one session: the shape of credential theft spread over two
 * tool calls, each of which the gate may allow alone. The analyzer finds it too (`seq.sensitive-read-egress`),
 * but only once it has scored the read, seconds later; the gate's caller remembers the session's reads so the
 * sending call is asked for at once. The definitions here are the analyzer's as well.
 */

/** How long a secret read counts toward a later send in the same session (seconds). */
export const READ_THEN_SEND_WINDOW_S = 1800;

/** Findings that carry data off the machine whatever the host (uploads, paste sites, DNS, sockets, tunnels). */
const SENDING_RULE = /^(net\.(upload|dns-exfil|web-service|raw-socket|remote-shell|tunnel)|exfil\.)/;

/**
 * A host off this machine and off the private network, for the analyzer: a bare name without dots that starts
 * with a letter (a local alias, an ssh config entry) counts as local there; a number written as one name
 * (`2130706433`, `0x08080808`) or another IPv6 address is an address anywhere. (A send after a secret read
 * counts bare names too: see ON_THIS_NETWORK.)
 */
export function isRemoteHost(host: string): boolean {
  return !ON_THIS_NETWORK.test(host) && !/^[a-z_][a-z0-9_-]*$/i.test(host);
}

/** A finding that sends data out by itself, whatever host it names. */
export function isSendingRule(rule: string): boolean {
  return SENDING_RULE.test(rule);
}

/** What a decided call read of credentials or secrets (its first such reason), or null. */
export function secretReadOf(reasons: readonly RiskReason[]): string | null {
  const r = reasons.find((x) => x.category === 'credential-access' && !/^tool\.write-/.test(x.rule_id));
  return r ? r.detail : null;
}

/**
 * Loopback and private addresses written as such, and `localhost`: the only hosts a call after a secret read
 * may reach without counting as a send. Unlike isRemoteHost, a bare name counts: the resolver's search list,
 * /etc/hosts or a top-level domain with its own address can put it anywhere.
 */
const ON_THIS_NETWORK =
  /^(localhost|127\.\d+\.\d+\.\d+|0\.0\.0\.0|10\.\d+\.\d+\.\d+|192\.168\.\d+\.\d+|172\.(1[6-9]|2\d|3[01])\.\d+\.\d+|\[?(::1|f[cd][0-9a-f]{0,2}:[0-9a-f:]*|fe80:[0-9a-f:]*)\]?)$/i;

/**
 * Programs whose work is reaching other machines, whatever their arguments name (a remote configured
 * elsewhere, a host in a variable, a name looked up): after a secret read, running one is a send. For git,
 * only the subcommands that send or re-point where sends go.
 */
const SENDING_PROGRAMS = new Set([
  ...[
    'curl',
    'wget',
    'http',
    'https',
    'xh',
    'aria2c',
    'ftp',
    'sftp',
    'lftp',
    'tftp',
    'telnet',
    'rclone',
    's3cmd',
  ],
  ...['gh', 'glab', 'hub', 'aws', 'gcloud', 'gsutil', 'az', 'kubectl', 'helm', 'twine'],
  ...[
    'dig',
    'nslookup',
    'host',
    'drill',
    'ping',
    'ping6',
    'traceroute',
    'tracepath',
    'mtr',
    'whois',
    'getent',
  ],
  ...['mail', 'mailx', 'sendmail', 'mutt', 'msmtp', 'swaks'],
]);
const GIT_SENDING = new Set(['push', 'send-email', 'ls-remote', 'remote', 'submodule', 'request-pull']);
const PUBLISHING = /^(publish|push|deploy|upload|login)$/;
const PUBLISHERS = new Set([
  'npm',
  'pnpm',
  'yarn',
  'poetry',
  'uv',
  'cargo',
  'gem',
  'docker',
  'podman',
  'mvn',
  'gradle',
  'dotnet',
]);

/** A URL to this machine or the private network, written out (not built at run time). */
const LOCAL_URL = /^[a-z][\w+.-]*:\/\/(localhost|127\.|10\.|192\.168\.|172\.(1[6-9]|2\d|3[01])\.|\[::1\])/i;

/** Every target the call names is a local URL written out: `curl http://localhost:3000/health`. */
function localOnly(args: readonly string[]): boolean {
  const urls = args.filter((a) => a.includes('://'));
  return urls.length > 0 && urls.every((u) => LOCAL_URL.test(u)) && !args.some((a) => a.includes(UNKNOWN));
}

/** The program of one command that reaches other machines, as the reason says it (`git push`, `gh`), or null. */
export function sendingProgram(argv: readonly string[]): string | null {
  const name = posix.basename(argv[0] ?? '');
  // `python3 -m twine upload`: the module is the program.
  if (/^python[\d.]*$/.test(name) && argv[1] === '-m') return sendingProgram(argv.slice(2));
  if (localOnly(argv.slice(1))) return null;
  if (name === 'getent') return /^a?hosts/.test(argv[1] ?? '') ? 'getent hosts' : null;
  if (SENDING_PROGRAMS.has(name)) return name;
  const sub = argv.slice(1).find((a) => !a.startsWith('-'));
  if (name === 'git' && sub && GIT_SENDING.has(sub)) return `git ${sub}`;
  // Where pushes go: `git config remote.origin.pushurl URL`, `url.URL.insteadOf`.
  if (
    name === 'git' &&
    sub === 'config' &&
    argv.some((a) => /^(remote\..+\.(push)?url|url\..+\.(push)?insteadof)$/i.test(a))
  )
    return 'git config of where pushes go';
  if (PUBLISHERS.has(name) && argv.slice(1).some((a) => PUBLISHING.test(a)))
    return `${name} ${sub ?? ''}`.trim();
  return null;
}

/**
 * A tool's own facts and those of a command line it is given (an MCP tool's `command` beside its `url`),
 * together: choosing one lost the other's hosts and paths.
 */
export function joinFacts(a: Facts | null, b: Facts | null): Facts | null {
  if (!a || !b) return a ?? b;
  return {
    argvs: [...a.argvs, ...b.argvs],
    paths: [...a.paths, ...b.paths],
    hosts: [...a.hosts, ...b.hosts],
  };
}

/**
 * What a call sends out, or null: a host off this machine and its private network, a finding that sends or
 * exfiltrates, or a program whose work is reaching other machines.
 */
export function sendOf(
  reasons: readonly RiskReason[],
  facts: Facts | null,
  call: { tool?: string | undefined; toolInput?: Record<string, unknown> | undefined } = {},
): string | null {
  const hosts = (facts?.hosts ?? []).map((h) => h.toLowerCase().replace(/\.$/, ''));
  const remote = [...new Set(hosts.filter((h) => !ON_THIS_NETWORK.test(h)))];
  if (remote.length > 0) return `reaches ${remote.slice(0, 3).join(', ')}${remote.length > 3 ? ', …' : ''}`;
  const sending = reasons.find((r) => isSendingRule(r.rule_id) || r.category === 'exfiltration');
  if (sending) return sending.detail;
  for (const argv of facts?.argvs ?? []) {
    const program = sendingProgram(argv);
    if (program) return `runs ${program}, which reaches other machines`;
  }
  return call.tool ? sendingTool(call.tool, call.toolInput ?? {}) : null;
}

/** Arguments that name where a tool connects (`mcp__fetch__fetch {host, path}`). */
const WHERE_KEY = /^(host|hostname|endpoint|server|domain|address|base_?url|url|uri|webhook)$/i;

/**
 * A tool that carries what it is given elsewhere: a web search (the query goes to a search provider), and an
 * MCP tool (a server that may be remote) unless its name says it only reads and no argument names a place.
 */
function sendingTool(tool: string, input: Record<string, unknown>): string | null {
  if (tool === 'WebSearch') return 'sends its query to a search provider';
  if (!/^mcp__/.test(tool)) return null;
  const where = Object.keys(input).find((k) => WHERE_KEY.test(k));
  if (where) return `calls ${tool.slice(0, 80)} with a ${where} to connect to`;
  return mcpOnlyReads(tool) ? null : `calls ${tool.slice(0, 80)}, which may send what it is given`;
}
