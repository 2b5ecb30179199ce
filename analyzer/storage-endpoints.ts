/**
 * Where a session points the AWS client for object storage without naming it on the storage command: the
 * environment (`export AWS_ENDPOINT_URL=…`, `AWS_ENDPOINT_URL_S3`; `unset` takes it back), the shared config
 * (`aws configure set endpoint_url …`, or `endpoint_url = …` in a ~/.aws/config the session wrote). The client
 * reads them on every later `aws s3 …`, so a plain copy into the project's bucket goes to that service instead.
 * Precedence as the client's: the command's `--endpoint-url`, then AWS_ENDPOINT_URL_S3, AWS_ENDPOINT_URL, then the
 * profile's config.
 */
export interface EndpointSet {
  /** `env-s3`, `env`, or `config:<profile>`. */
  scope: string;
  /** The URL, or '' when the setting is taken back (`unset`). */
  url: string;
}

/** `AWS_ENDPOINT_URL[_S3]=url` as a shell word (export, declare -x, an assignment alone or before a command). */
const ASSIGNED = /(?:^|[\s;&|(])AWS_ENDPOINT_URL(_S3)?=(["']?)([^\s"';&|()`]*)\2/g;
/** fish's `set -x AWS_ENDPOINT_URL url`, csh's `setenv AWS_ENDPOINT_URL url`. */
const SET_WORDS = /\b(?:set\s+-[gxU]+|setenv)\s+AWS_ENDPOINT_URL(_S3)?\s+(["']?)([^\s"';&|()`]+)\2/g;
const UNSET = /\bunset\s+(?:-v\s+)?((?:\w+[ \t]*)+)/g;
/** A config file the client reads: ~/.aws/config, or any file at .aws/config. */
export const AWS_CONFIG = /(?:^|\/)\.aws\/config$/;

const scopeOf = (s3: string | undefined) => (s3 ? 'env-s3' : 'env');

/** The endpoint settings one command line makes, in order (environment and `aws configure set`). */
export function endpointsSetByCommand(command: string, argv: readonly string[]): EndpointSet[] {
  const out: EndpointSet[] = [];
  if (command.includes('AWS_ENDPOINT_URL')) {
    for (const m of command.matchAll(ASSIGNED)) out.push({ scope: scopeOf(m[1]), url: m[3] ?? '' });
    for (const m of command.matchAll(SET_WORDS)) out.push({ scope: scopeOf(m[1]), url: m[3] ?? '' });
    for (const m of command.matchAll(UNSET))
      for (const name of (m[1] ?? '').split(/\s+/))
        if (/^AWS_ENDPOINT_URL(_S3)?$/.test(name)) out.push({ scope: scopeOf(name.slice(16)), url: '' });
  }
  // `aws configure set [profile.]?[s3.]?endpoint_url URL [--profile p]`.
  argv.forEach((w, i) => {
    if (w !== 'configure' || argv[i + 1] !== 'set') return;
    const key = /^(?:(?:profile\.)?([\w-]+)\.)?(?:s3\.)?endpoint_url$/.exec(argv[i + 2] ?? '');
    if (!key) return;
    const named = argv.slice(i).findIndex((a) => a === '--profile');
    const profile = named >= 0 ? argv[i + named + 1] : key[1] && key[1] !== 's3' ? key[1] : 'default';
    out.push({ scope: `config:${profile ?? 'default'}`, url: argv[i + 3] ?? '' });
  });
  return out;
}

/** The endpoints a config file's text sets, per profile (`[default]`, `[profile p]`; an `s3 =` block too). */
export function endpointsInConfig(text: string): EndpointSet[] {
  const out: EndpointSet[] = [];
  let profile = 'default';
  for (const line of text.split('\n')) {
    const section = /^\s*\[\s*(?:profile\s+)?([^\]\s]+)\s*\]/.exec(line);
    if (section) profile = section[1] ?? 'default';
    const set = /^\s*endpoint_url\s*=\s*(\S+)/.exec(line);
    if (set) out.push({ scope: `config:${profile}`, url: set[1] ?? '' });
  }
  return out;
}

/** The host an endpoint URL names, lowercased ('' when none). */
export function endpointHost(url: string): string {
  return url
    .replace(/^[a-z][a-z0-9+.-]*:\/\//i, '')
    .replace(/^[^@/]*@/, '')
    .replace(/[/?#].*$/, '')
    .replace(/:\d+$/, '')
    .toLowerCase();
}

/** The provider's own service: the endpoint moves nothing elsewhere. */
export function isProviderHost(host: string): boolean {
  return /(?:^|\.)amazonaws\.com(?:\.cn)?$/.test(host);
}
