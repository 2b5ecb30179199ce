/**
 * Where packages come from, changed: a registry, index, proxy, mirror or channel pointed at a host the network
 * policy does not list, or a package manager's checks turned off, however it is spelled: a config command
 * (`npm config set registry URL`, `pip config set global.index-url URL`, `yarn config set npmRegistryServer
 * URL`, `go env -w GOPROXY=URL`, `conda config --add channels URL`, `poetry source add x URL`, `git config
 * url.URL.insteadOf …`), an environment variable (`PIP_INDEX_URL=URL pip install`, `GOSUMDB=off go get`), or
 * text written into a package manager's config file (`echo registry=URL >> .npmrc`, a `[source.crates-io]
 * replace-with` in `.cargo/config.toml`). Every later install then runs code that host serves.
 */
import type { Call } from './call.js';
import { configEntries, MAX_CONFIG_LINES, runsProgram } from './config-keys.js';
import { report } from './context.js';
import { jvmLoadFinding } from './jvm-options.js';
import { type HostPolicy, hostOf, judgeHost } from './network.js';
import { classifyPath } from './paths.js';
import { UNKNOWN } from './script.js';
import { wrapperTextFinding } from './wrapper-distribution.js';
import { xmlSourceFinding } from './xml-sources.js';

/** Config keys and environment variables that say where packages come from. */
const SOURCE_KEY =
  /^(?:(?:@[\w.-]+:)?registry|npm[-_]?registry[-_]?server|(?:global\.|install\.)?(?:extra[-_])?index[-_]url|extra[-_]index|(?:global\.)?trusted[-_]host|default[-_]index|find[-_]links|channels?|channel[-_]alias|default[-_]channels|mirror\..+|repositories\..+|repo\..+|source\..+|sources?|registries\..+|replace[-_]with|goproxy|(?:npm|yarn|bun)[-_]config[-_](?:@[\w.-]+:)?registry|(?:pip|uv)[-_](?:extra[-_])?index[-_]url|(?:pip|uv)[-_](?:trusted[-_]host|default[-_]index|index|find[-_]links)|yarn[-_]npm[-_]registry[-_]server|yarn[-_]registry|cargo[-_]registr(?:y|ies)[-_]\w+|bundle[-_]mirror__\w+|conda[-_]channels|poetry[-_]repositories[-_]\w+)$/i;
/** A source key, also as the last part of a dotted one (`npmScopes.acme.npmRegistryServer`). */
const isSourceKey = (key: string) =>
  SOURCE_KEY.test(key) || SOURCE_KEY.test(key.slice(key.lastIndexOf('.') + 1));
/** Keys and variables that switch a package manager's checks (TLS, checksums, signatures). */
const CHECK_KEY =
  /^(?:strict[-_]?ssl|enable[-_]?strict[-_]?ssl|ssl[-_]?verify|verify[-_]?ssl|npm[-_]config[-_]strict[-_]ssl|node[-_]tls[-_]reject[-_]unauthorized|go(?:nosumdb|nosumcheck|insecure|sumdb|flags))$/i;
/** Values that turn a check off (`strict-ssl false`, `GOSUMDB=off`, `GOFLAGS=-insecure`, `GONOSUMDB=*`). */
const DISABLES = /^(?:false|0|no|off|\*)$|-insecure\b/i;
/** Verbs that add a source named after them (`poetry source add x URL`, `dotnet nuget add source URL`). */
const ADDS_SOURCE = /^(?:add|--add|--append|--prepend|set|-w)$/;
/** `git config url.<new>.insteadOf <old>`: every fetch of <old> goes to <new>. */
const INSTEAD_OF = /^url\.(.+)\.(?:push)?insteadof$/i;

/** Package managers' config files: what is written there decides where packages come from. */
export const PACKAGE_CONFIG =
  /(?:^|\/)(?:\.npmrc|\.yarnrc|\.yarnrc\.yml|\.?bunfig\.toml|pip\.conf|pip\.ini|pnpm-workspace\.ya?ml|pnpm\/(?:rc|config\.ya?ml)|\.cargo\/config(?:\.toml)?|\.condarc|\.gemrc|\.bundle\/config|nuget\.config|\.pypirc|uv\.toml|poetry\.toml|pdm\.toml|\.pdm\.toml|go\.env|\.bowerrc|\.mvn\/(?:maven|jvm)\.config|settings\.xml|gradle\.properties|(?:maven|gradle)-wrapper\.properties)$/i;
/**
 * Maven's local repository (whose jars its plugins and extensions are) in a directory the agent fills: relative
 * (the project's) or temporary.
 */
const AGENT_REPOSITORY =
  /(?:^|\s)-D\s*maven\.repo\.local=["']?(?![/~$"'])|(?:^|\s)-D\s*maven\.repo\.local=["']?\/(?:tmp|var\/tmp|dev\/shm)\//m;
/** True when `value` of `key` names a host the policy does not allow, or turns a check off. */
function redirects(hosts: HostPolicy, value: string | undefined, key = ''): boolean {
  if (value === undefined) return false;
  const v = value.trim().replace(/^['"]|['"]$/g, '');
  if (CHECK_KEY.test(key)) return DISABLES.test(v);
  if (v.includes(UNKNOWN)) return true;
  // GOPROXY and friends take a list (`https://proxy.golang.org,direct`).
  return v.split(/[,|\s]+/).some((part) => {
    const dest = hostOf(part.replace(/^["'{[]+|["'}\]]+$/g, '').replace(/^(?:sparse|git|registry)\+/, ''));
    return dest !== null && judgeHost(dest.host, hosts) !== 'allowed';
  });
}

/** `KEY=VALUE` (`@scope:registry=URL`) or, in YAML, `KEY: VALUE`; not a URL's own colon. */
function keyValue(text: string): [string, string] | null {
  const m =
    /^\s*(?:export\s+)?["']?([@\w.:/-]+?)["']?\s*=\s*(.*?)\s*$/.exec(text) ??
    /^\s*["']?([@\w.-]+)["']?:\s+(.*?)\s*$/.exec(text);
  return m && !/^[a-z][\w+.-]*:\/\//i.test(text.trim()) ? [m[1] ?? '', m[2] ?? ''] : null;
}

/** `KEY=VALUE` and `KEY VALUE` pairs in a list of words. */
function pairs(words: readonly string[]): [string, string | undefined, string | undefined][] {
  const out: [string, string | undefined, string | undefined][] = [];
  words.forEach((w, i) => {
    const kv = keyValue(w);
    if (kv) out.push([kv[0], kv[1], undefined]);
    out.push([w, words[i + 1], words[i + 2]]);
  });
  return out;
}

/**
 * What in text (a config file's lines) makes the package manager run another program, point a source elsewhere
 * or turn a check off: the key that does, or undefined. Only the key is told: a value may hold a token.
 */
export function configTextFinding(hosts: HostPolicy, text: string): string | undefined {
  // npm reads a key on line 5,000 as on line 1 (`script-shell` after 4,100 comments): text past what is read
  // is not taken for harmless.
  if (text.split('\n', MAX_CONFIG_LINES + 1).length > MAX_CONFIG_LINES)
    return `more than ${MAX_CONFIG_LINES} lines`;
  const sets = (key: string, value: string) =>
    (isSourceKey(key) || CHECK_KEY.test(key)) && redirects(hosts, value, key);
  for (const entries of configEntries(text))
    for (const e of entries) if (runsProgram(e.key, e.value) || sets(e.key, e.value)) return e.key;
  for (const line of text.split(/\n/, MAX_CONFIG_LINES)) {
    const kv = keyValue(line);
    if (kv && sets(...kv)) return kv[0];
  }
  // Maven's and Gradle's: a JVM option that loads code (`-javaagent:`, `-Dmaven.ext.class.path=`), a local
  // repository the agent fills, the distribution a wrapper downloads, a repository or mirror of settings.xml.
  return (
    jvmLoadFinding(text) ??
    (AGENT_REPOSITORY.test(text) ? 'maven.repo.local' : undefined) ??
    (wrapperTextFinding(text, hosts) && 'distributionUrl') ??
    xmlSourceFinding(text, hosts)
  );
}

/** Variables a package manager reads its config from (`npm_config_script_shell`, `YARN_YARN_PATH`): the key. */
const CONFIG_VARIABLE = /^(?:(?:npm|pnpm|yarn)_config_|yarn_)(.+)$/i;

/** `npm config set KEY VALUE`, `npm set KEY=VALUE`, `pnpm config set --location project KEY VALUE`: the pair. */
function configSet(c: Call): [string, string] | undefined {
  if (!/^(?:npm|pnpm|yarn)$/.test(c.name)) return undefined;
  const words = c.args.filter(
    (a, i) => !a.startsWith('-') && !/^--?(?:location|L)$/.test(c.args[i - 1] ?? ''),
  );
  const at = words.indexOf('set');
  if (at < 0 || at > 1 || (at === 1 && !/^(?:config|c)$/.test(words[0] ?? ''))) return undefined;
  const key = words[at + 1] ?? '';
  const eq = key.indexOf('=');
  return eq > 0 ? [key.slice(0, eq), key.slice(eq + 1)] : [key, words[at + 2] ?? ''];
}

/** Reports a command that changes where packages come from (argv, environment or the file it writes). */
export function changesPackageSource(
  c: Call,
  writtenTo: string | undefined,
  text: string | undefined,
  copied: boolean,
): void {
  const shown = `${c.name} ${c.args.join(' ')}`.trim().slice(0, 120);
  for (const a of c.cmd.assigns) {
    const key = CONFIG_VARIABLE.exec(a.name)?.[1];
    if (
      (key !== undefined && runsProgram(key, a.value)) ||
      ((isSourceKey(a.name) || CHECK_KEY.test(a.name)) && redirects(c.ctx.hosts, a.value, a.name))
    ) {
      report(c.ctx, 'supply.package-source', `${a.name}=${a.value}`.slice(0, 120));
      break;
    }
  }
  const set = configSet(c);
  if (set && runsProgram(...set)) report(c.ctx, 'supply.package-source', shown);
  const path =
    writtenTo === undefined ? '' : classifyPath(writtenTo, { workspace: c.ctx.workspace, cwd: c.cwd }).path;
  if (PACKAGE_CONFIG.test(path)) {
    // Text known (echo, printf, a here-document) is judged by its lines; a copy or a download cannot be
    // (a program's own output, `cargo vendor > .cargo/config.toml`, is the program's to write).
    if (text === undefined ? copied : configTextFinding(c.ctx.hosts, text) !== undefined)
      report(c.ctx, 'supply.package-source', `${shown} writes ${writtenTo}`.slice(0, 140));
    return;
  }
  if (/^(?:echo|printf|grep|egrep|rg|cat|man|tldr|less|head|tail)$/.test(c.name)) return;
  const words = c.args.filter((a) => a !== '--global' && a !== '--user' && a !== '--local');
  for (const [key, value, next] of pairs(words)) {
    const insteadOf = INSTEAD_OF.exec(key);
    if (
      (insteadOf && redirects(c.ctx.hosts, insteadOf[1])) ||
      (CHECK_KEY.test(key) && redirects(c.ctx.hosts, value, key)) ||
      (isSourceKey(key) &&
        (redirects(c.ctx.hosts, value) || (!/^https?:/.test(value ?? '') && redirects(c.ctx.hosts, next))))
    ) {
      report(c.ctx, 'supply.package-source', shown);
      return;
    }
  }
  // `poetry source add x URL`, `gem sources --add URL`, `dotnet nuget add source URL`.
  const at = words.findIndex((w) => /^(?:sources?|channels?|repositor(?:y|ies)|mirrors?)$/i.test(w));
  if (
    at >= 0 &&
    words.slice(Math.max(0, at - 1), at + 2).some((w) => ADDS_SOURCE.test(w)) &&
    words.slice(at + 1).some((w) => hostOf(w) !== null && redirects(c.ctx.hosts, w))
  )
    report(c.ctx, 'supply.package-source', shown);
}
