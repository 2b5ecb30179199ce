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
import { report } from './context.js';
import { hostOf, judgeHost } from './network.js';
import { classifyPath } from './paths.js';
import { UNKNOWN } from './script.js';

/** Config keys and environment variables that say where packages come from. */
const SOURCE_KEY =
  /^(?:(?:@[\w.-]+:)?registry|npm[-_]?registry[-_]?server|(?:global\.|install\.)?(?:extra[-_])?index[-_]url|extra[-_]index|(?:global\.)?trusted[-_]host|default[-_]index|find[-_]links|channels?|channel[-_]alias|default[-_]channels|mirror\..+|repositories\..+|repo\..+|source\..+|sources?|registries\..+|replace[-_]with|goproxy|(?:npm|yarn|bun)[-_]config[-_](?:@[\w.-]+:)?registry|(?:pip|uv)[-_](?:extra[-_])?index[-_]url|(?:pip|uv)[-_](?:trusted[-_]host|default[-_]index|index|find[-_]links)|yarn[-_]npm[-_]registry[-_]server|yarn[-_]registry|cargo[-_]registr(?:y|ies)[-_]\w+|bundle[-_]mirror__\w+|conda[-_]channels|poetry[-_]repositories[-_]\w+)$/i;
/** A source key, also as the last part of a dotted one (`npmScopes.acme.npmRegistryServer`). */
const isSourceKey = (key: string) =>
  SOURCE_KEY.test(key) || SOURCE_KEY.test(key.slice(key.lastIndexOf('.') + 1));
/** Keys and variables that switch a package manager's checks (TLS, checksums, signatures). */
const CHECK_KEY =
  /^(?:strict[-_]ssl|enable[-_]?strict[-_]?ssl|ssl[-_]verify|verify[-_]ssl|npm[-_]config[-_]strict[-_]ssl|node[-_]tls[-_]reject[-_]unauthorized|go(?:nosumdb|nosumcheck|insecure|sumdb|flags))$/i;
/** Values that turn a check off (`strict-ssl false`, `GOSUMDB=off`, `GOFLAGS=-insecure`, `GONOSUMDB=*`). */
const DISABLES = /^(?:false|0|no|off|\*)$|-insecure\b/i;
/** Verbs that add a source named after them (`poetry source add x URL`, `dotnet nuget add source URL`). */
const ADDS_SOURCE = /^(?:add|--add|--append|--prepend|set|-w)$/;
/** `git config url.<new>.insteadOf <old>`: every fetch of <old> goes to <new>. */
const INSTEAD_OF = /^url\.(.+)\.(?:push)?insteadof$/i;

/** Package managers' config files: what is written there decides where packages come from. */
export const PACKAGE_CONFIG =
  /(?:^|\/)(?:\.npmrc|\.yarnrc|\.yarnrc\.yml|\.?bunfig\.toml|pip\.conf|pip\.ini|\.cargo\/config(?:\.toml)?|\.condarc|\.gemrc|\.bundle\/config|nuget\.config|\.pypirc|uv\.toml|poetry\.toml|pdm\.toml|\.pdm\.toml|go\.env|\.bowerrc|\.mvn\/maven\.config|settings\.xml|gradle\.properties)$/i;
/** Lines of such a file that run a program or point elsewhere whatever their value. */
const ALWAYS_KEY =
  /^\s*(?:script-shell|node-options|onload-script|yarnPath|plugins?|init-module|rustc-wrapper|runner|replace-with|globalconfig|userconfig)\s*[=:]/im;

/** True when `value` of `key` names a host the policy does not allow, or turns a check off. */
function redirects(c: Call, value: string | undefined, key = ''): boolean {
  if (value === undefined) return false;
  const v = value.trim().replace(/^['"]|['"]$/g, '');
  if (CHECK_KEY.test(key)) return DISABLES.test(v);
  if (v.includes(UNKNOWN)) return true;
  // GOPROXY and friends take a list (`https://proxy.golang.org,direct`).
  return v.split(/[,|\s]+/).some((part) => {
    const dest = hostOf(part.replace(/^(?:sparse|git|registry)\+/, ''));
    return dest !== null && judgeHost(dest.host, c.ctx.hosts) !== 'allowed';
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

/** Whether text (a config file's lines) points a source elsewhere or turns a check off. */
export function configTextRedirects(c: Call, text: string): boolean {
  if (ALWAYS_KEY.test(text)) return true;
  for (const line of text.split(/\n/)) {
    const kv = keyValue(line);
    if (kv && (isSourceKey(kv[0]) || CHECK_KEY.test(kv[0])) && redirects(c, kv[1], kv[0])) return true;
  }
  return false;
}

/** Reports a command that changes where packages come from (argv, environment or the file it writes). */
export function changesPackageSource(
  c: Call,
  writtenTo: string | undefined,
  text: string | undefined,
  copied: boolean,
): void {
  const shown = `${c.name} ${c.args.join(' ')}`.trim().slice(0, 120);
  for (const a of c.cmd.assigns)
    if ((isSourceKey(a.name) || CHECK_KEY.test(a.name)) && redirects(c, a.value, a.name)) {
      report(c.ctx, 'supply.package-source', `${a.name}=${a.value}`.slice(0, 120));
      break;
    }
  const path =
    writtenTo === undefined ? '' : classifyPath(writtenTo, { workspace: c.ctx.workspace, cwd: c.cwd }).path;
  if (PACKAGE_CONFIG.test(path)) {
    // Text known (echo, printf, a here-document) is judged by its lines; a copy or a download cannot be
    // (a program's own output, `cargo vendor > .cargo/config.toml`, is the program's to write).
    if (text === undefined ? copied : configTextRedirects(c, text))
      report(c.ctx, 'supply.package-source', `${shown} writes ${writtenTo}`.slice(0, 140));
    return;
  }
  if (/^(?:echo|printf|grep|egrep|rg|cat|man|tldr|less|head|tail)$/.test(c.name)) return;
  const words = c.args.filter((a) => a !== '--global' && a !== '--user' && a !== '--local');
  for (const [key, value, next] of pairs(words)) {
    const insteadOf = INSTEAD_OF.exec(key);
    if (
      (insteadOf && redirects(c, insteadOf[1])) ||
      (CHECK_KEY.test(key) && redirects(c, value, key)) ||
      (isSourceKey(key) && (redirects(c, value) || (!/^https?:/.test(value ?? '') && redirects(c, next))))
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
    words.slice(at + 1).some((w) => hostOf(w) !== null && redirects(c, w))
  )
    report(c.ctx, 'supply.package-source', shown);
}
