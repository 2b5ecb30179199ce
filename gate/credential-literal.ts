import { createRedactor, REDACTION_KINDS, type RedactionKind } from '../schema/fast.js';
import { isRemoteHost } from './read-then-send.js';

/**
 * The redactor's kinds known by where they stand rather than by their shape: looked for below by this rule's own
 * patterns (or, for `password=…` assignments, not at all: setup commands are full of local databases' passwords).
 */
const BY_PLACE = new Set<RedactionKind>([
  'private-key',
  'url-password',
  'authorization',
  'aws-secret-key',
  'secret-assignment',
]);

/**
 * Every other kind: credentials with a shape of their own (the redactor's patterns, the same ones that keep them
 * out of storage). A variable or a placeholder never has such a shape, so they are looked for in every spelling
 * the shell or a URL would turn back into the credential: quotes and backslashes removed (`"ghp_"abc`, `gh\p_`), wrappers opened
 * (`$(echo ghp_…)`, `${X:-ghp_…}`, `<ghp_…>`), percent escapes decoded, and glued to a word (`_ghp_…`).
 */
const SHAPED = REDACTION_KINDS.filter((k) => !BY_PLACE.has(k));

/** Prefixes long and distinctive enough to count inside a word (the pattern's `\b` would miss `_ghp_…`). */
const GLUED_PREFIX = /(gh[pousr]_|github_pat_|glpat-|sk-ant-|pypi-AgE|xox[abposre]-|npm_|hf_)/g;

/**
 * Credentials known by where they stand, not by their shape: a value after `Authorization:`/`Bearer`/an API-key
 * header (with a digit, 16 characters or more: `Bearer undefined` and "bearer authentication" are prose), a URL's
 * password for a host elsewhere (`postgres://postgres:postgres@localhost` and a compose service's `@db` are
 * local), a private key with its body (a `grep` for the header line alone is not one), and an AWS secret key
 * assigned by name.
 */
const HEADER_VALUE =
  /(?:authorization["']?\s*[:=]\s*["']?(?:(?:bearer|basic|token|digest)\s+)?|\bbearer\s+|--oauth2-bearer[=\s]+|\bprivate-token["']?\s*[:=]\s*["']?|\bx-api-key["']?\s*[:=]\s*["']?)(?=[A-Za-z0-9._~+/=-]{0,512}\d)[A-Za-z0-9._~+/=-]{16,}/i;
const URL_CREDENTIALS =
  /\b[a-z][a-z0-9+.-]{0,31}:\/\/[^\s:@/?#'"]{1,256}:([^\s@/?#'"]{1,256})@(\[[0-9a-f:.]{1,64}\]|[^\s/?#:'"[\]]{1,256})/gi;
const PRIVATE_KEY =
  /-----BEGIN [A-Z0-9 ]{0,40}PRIVATE KEY( BLOCK)?-----(?:\s|\\[nr]){1,8}[A-Za-z0-9+/=]{40,}/;
const AWS_SECRET =
  /\baws[-_]?secret[-_]?(?:access[-_]?)?key["']?(?:\s*[=:]\s*|\s+)["']?[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+])/i;

/**
 * What stands for a credential kept elsewhere rather than being one, for the credentials known by where they
 * stand: shell expansions (`$TOKEN`, `${TOKEN}`, `$(pass show x)`) and placeholders (`{{token}}`, `<token>`).
 * Bounded, so a text of many unclosed `$(` is not scanned once per opening.
 */
const STAND_INS =
  /\$\{[^}]{0,256}\}|\$\([^)]{0,256}\)|\$[A-Za-z_][A-Za-z0-9_]{0,64}|\{\{[^}]{0,256}\}\}|<[^<>\s]{1,256}>/g;

/** The most text looked at in one call (a hook body is bounded at 1 MiB). */
const MAX_CHARS = 1_048_576;

const shaped = createRedactor({ kinds: [...SHAPED] });

/** `%67hp_…` → `ghp_…`; a lone `%` stays. */
function percentDecoded(s: string): string {
  return s.includes('%')
    ? s.replace(/%[0-9A-Fa-f]{2}/g, (m) => String.fromCharCode(Number.parseInt(m.slice(1), 16)))
    : s;
}

/**
 * After a prefix only credentials start with, the text that follows with everything but word characters taken
 * out: a token put back together at run time from pieces written out (`printf %s%s ghp_ Zx9…`,
 * `A=ghp_; B=Zx9…; … $A$B`). Not for `npm_` and `hf_`, which start ordinary names too (`npm_config_cache`).
 */
const ASSEMBLED_PREFIX = /(gh[pousr]_|github_pat_|glpat-|sk-ant-|pypi-AgE|xox[abposre]-)/g;
function assembled(t: string): string[] {
  const out: string[] = [];
  for (const m of t.matchAll(ASSEMBLED_PREFIX)) {
    if (out.length >= 16) break;
    const at = (m.index ?? 0) + m[0].length;
    out.push(`${m[0]}${t.slice(at, at + 256).replace(/[^A-Za-z0-9_-]/g, '')}`);
  }
  return out;
}

/** Words of base64 (24 characters or more) decoded: `echo <base64> | base64 -d | curl -H @- …`. */
function base64Words(t: string): string[] {
  const out: string[] = [];
  for (const m of t.matchAll(/[A-Za-z0-9+/]{24,}={0,2}/g)) {
    if (out.length >= 32) break;
    if (m[0].length % 4 !== 0) continue;
    try {
      out.push(atob(m[0]));
    } catch {
      // not base64 after all
    }
  }
  return out;
}

/** The spellings of `t` that the shell, a URL or a receiver would turn back into the same credential. */
function spellings(t: string): string[] {
  const opened = t.replace(/[$<>{}()`]/g, ' ');
  const joined = opened.replace(/\\\r?\n/g, '').replace(/["'\\]/g, '');
  const decoded = percentDecoded(joined);
  return [t, opened, joined, decoded, decoded.replace(GLUED_PREFIX, ' $1'), ...assembled(decoded)];
}

function urlPasswordElsewhere(t: string): boolean {
  for (const m of t.matchAll(URL_CREDENTIALS)) {
    const [, password = '', host = ''] = m;
    if (/^[$<{]/.test(password)) continue;
    if (isRemoteHost(host.replace(/^\[|\]$/g, '').toLowerCase())) return true;
  }
  return false;
}

/**
 * The kinds of credential written out in these texts (a command line, a tool's arguments). An agent that puts
 * one in a call has it in hand, whatever read it (an approved read, a script the gate cannot see into, the
 * conversation): the call uses or moves it, and a human should see where it goes.
 */
export function credentialsWrittenOut(texts: readonly string[]): string[] {
  const found = new Set<string>();
  const before = { ...shaped.hits };
  let budget = MAX_CHARS;
  for (const raw of texts) {
    if (budget <= 0) break;
    const t = raw.length > budget ? raw.slice(0, budget) : raw;
    budget -= t.length;
    const unpacked = base64Words(t);
    for (const v of [...spellings(t), ...unpacked]) shaped.text(v);
    // By where they stand: with stand-ins taken out (`Bearer $TOKEN`, `https://me:$PASS@host`).
    const bare = t.replace(STAND_INS, '');
    const bareJoined = bare.replace(/\\\r?\n/g, '').replace(/["'\\]/g, '');
    for (const v of [bare, bareJoined, ...unpacked]) {
      if (HEADER_VALUE.test(v)) found.add('authorization');
      if (urlPasswordElsewhere(v)) found.add('url-password');
      if (AWS_SECRET.test(v)) found.add('aws-secret-key');
    }
    if (PRIVATE_KEY.test(t)) found.add('private-key');
  }
  for (const k of SHAPED) if ((shaped.hits[k] ?? 0) > (before[k] ?? 0)) found.add(k);
  return [...found];
}

/**
 * A tool's arguments as one text to scan: every string at any depth, keys included (a header's name can hold the
 * credential's shape), as JSON writes them.
 */
export function argumentText(input: unknown): string {
  try {
    return JSON.stringify(input) ?? '';
  } catch {
    return '';
  }
}
