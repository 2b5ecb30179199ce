/**
 * Built-in secret patterns. Each is a regex source without flags (the redactor compiles them into one
 * global alternation) and optionally the name of a leading group to keep, so that `password=hunter2`
 * becomes `password=[REDACTED:secret-assignment]` and a URL keeps its user name and host.
 * Patterns are case-sensitive (Node 20 has no inline flags); `ci()` spells keywords case-insensitively.
 */

export const REDACTION_KINDS = [
  'private-key',
  'anthropic-key',
  'openai-key',
  'google-api-key',
  'github-token',
  'gitlab-token',
  'slack-token',
  'stripe-key',
  'npm-token',
  'pypi-token',
  'huggingface-token',
  'sendgrid-key',
  'aws-access-key-id',
  'aws-secret-key',
  'jwt',
  'url-password',
  'authorization',
  'secret-assignment',
] as const;
export type RedactionKind = (typeof REDACTION_KINDS)[number];

export interface SecretPattern {
  kind: string;
  source: string;
  /** Whether the pattern's first part is wrapped in a `(?<keep>…)`-style group to put back verbatim. */
  keepsPrefix: boolean;
}

/** `password` → `[Pp][Aa]…`: a case-insensitive keyword inside a case-sensitive regex. */
function ci(word: string): string {
  let out = '';
  for (const ch of word) {
    const lower = ch.toLowerCase();
    const upper = ch.toUpperCase();
    out += lower === upper ? ch.replace(/[-_]/, '[-_]') : `[${upper}${lower}]`;
  }
  return out;
}

const KEEP = '@KEEP@';

const SECRET_WORDS = [
  'password',
  'passwd',
  'passphrase',
  'pwd',
  'secret',
  'token',
  'api_key',
  'apikey',
  'access_key',
  'secret_key',
  'private_key',
  'client_secret',
  'auth_token',
  'access_token',
  'refresh_token',
].map(ci);

/**
 * A cheap necessary condition for a pattern to match: a case-sensitive regex source (`cased`) or words
 * (`words`, lower case) any ASCII spelling of which the text holds. Data, not code, so that the redactor can
 * join every pattern's condition into one test that most texts fail at once.
 */
export interface Trigger {
  cased?: string;
  words?: readonly string[];
}

/** Substrings every secret word contains (lower case). */
const SECRET_TRIGGERS = ['pass', 'pwd', 'secret', 'token', 'key'] as const;

const SPECIFIC_PREFIXES =
  'sk-|gh[pousr]_|github_pat_|glpat-|xox|xapp-|[sr]k_live_|[sr]k_test_|npm_|pypi-AgE|hf_|SG\\.|AKIA|ASIA|AIza|eyJ';
/**
 * Shell syntax a secret's value never runs across (separators, pipes, redirections, subshells): the command text
 * the analyzer reads is the redacted one, and a value that ran on past `;rm${IFS}-rf${IFS}~;` hid the command
 * from it. A URL password with such a character (RFC 3986 allows some) is not redacted; quotes inside a
 * redacted value are kept after its marker (redactor.ts), so `echo a://u:x'@ ' ; rm -rf ~/ #'` keeps its `rm`.
 */
const SHELL_SYNTAX = '`;|&<>()';
/**
 * A PEM key's body, line by line (base64 lines, Proc-Type/DEK-Info headers; lines end in newlines, escaped `\n`
 * in JSON, or spaces): never shell words. A key matched to the end of the text, or lazily to an END line across
 * anything, hid the rest of a command (`echo -----BEGIN PRIVATE KEY-----; rm -rf ~/`). Without its END line, a
 * body line counts from 16 characters, or fewer at the very end of the text (where a cut key ends).
 */
const PEM_SEP = '(?:\\s|\\\\[nr])+';
const PEM_HEADER = '(?:Proc-Type|DEK-Info): [A-Za-z0-9,-]+';
const PEM_TO_END = `(?:${PEM_SEP}(?:${PEM_HEADER}|[A-Za-z0-9+/=]+))*?(?:${PEM_SEP})?`;
const PEM_CUT = `(?:${PEM_SEP}(?:${PEM_HEADER}|[A-Za-z0-9+/=]{16,}))*(?:${PEM_SEP}[A-Za-z0-9+/=]{1,15}$)?`;

/**
 * Built-in patterns, most specific first (the first alternative matching at a position wins). `trigger`
 * is a cheap necessary condition: only patterns whose trigger holds
 * holds go into the one regex pass over a string, which keeps long, secret-free texts fast.
 */
export const BUILTIN_PATTERNS: Record<RedactionKind, { source: string; trigger: Trigger }> = {
  // A block cut off by truncation still counts as far as its body goes.
  'private-key': {
    source: `-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY( BLOCK)?-----(?:${PEM_TO_END}-----END (?:[A-Z0-9]+ )*PRIVATE KEY( BLOCK)?-----|${PEM_CUT})`,
    trigger: { cased: '-----BEGIN ' },
  },
  'anthropic-key': { source: '\\bsk-ant-[A-Za-z0-9_-]{20,}', trigger: { cased: 'sk-ant-' } },
  // Legacy `sk-` + 48 and project/service keys; a digit is required so hyphenated prose does not match.
  'openai-key': {
    source: '\\bsk-(?:proj-|svcacct-|admin-)?(?=[A-Za-z0-9_-]*[0-9])[A-Za-z0-9_-]{20,}',
    trigger: { cased: 'sk-' },
  },
  'google-api-key': { source: '\\bAIza[0-9A-Za-z_-]{35}', trigger: { cased: 'AIza' } },
  'github-token': {
    source: '\\b(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{22,})',
    trigger: { cased: 'gh[pousr]_|github_pat_' },
  },
  'gitlab-token': { source: '\\bglpat-[A-Za-z0-9_-]{20,}', trigger: { cased: 'glpat-' } },
  // Bot, user, app and configuration tokens (xoxb-, xoxp-, xapp-, xoxe-…; digits first, so `xoxo-hugs` is prose),
  // and incoming-webhook URLs (the URL is the credential).
  'slack-token': {
    source:
      '\\b(?:xox[abposre](?:\\.[a-z]+)?-[0-9]+-[A-Za-z0-9-]{8,}|xapp-[0-9]-[A-Za-z0-9-]{10,}|hooks\\.slack\\.com/services/[A-Za-z0-9/_-]{20,})',
    trigger: { cased: 'xox|xapp-|hooks\\.slack\\.com' },
  },
  // Secret and restricted keys, live and test (publishable pk_ keys are public by design).
  'stripe-key': {
    source: '\\b(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{16,}',
    trigger: { cased: '[sr]k_(?:live|test)_' },
  },
  'npm-token': { source: '\\bnpm_[A-Za-z0-9]{36}\\b', trigger: { cased: 'npm_' } },
  'pypi-token': { source: '\\bpypi-AgE[A-Za-z0-9_-]{50,}', trigger: { cased: 'pypi-AgE' } },
  'huggingface-token': { source: '\\bhf_[A-Za-z0-9]{30,}\\b', trigger: { cased: 'hf_' } },
  'sendgrid-key': {
    source: '\\bSG\\.[A-Za-z0-9_-]{16,32}\\.[A-Za-z0-9_-]{16,64}',
    trigger: { cased: 'SG\\.' },
  },
  'aws-access-key-id': {
    source: '\\b(?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}\\b',
    trigger: { cased: 'AKIA|ASIA|ABIA|ACCA' },
  },
  'aws-secret-key': {
    source: `${KEEP}(?:${ci('aws')}[-_]?)?${ci('secret')}[-_]?(?:${ci('access')}[-_]?)?${ci('key')}["']?\\s*[=:]\\s*["']?)[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+])`,
    trigger: { words: ['secret'] },
  },
  jwt: {
    source: '\\beyJ[A-Za-z0-9_-]{8,}\\.eyJ[A-Za-z0-9_-]{8,}\\.[A-Za-z0-9_-]*',
    trigger: { cased: 'eyJ' },
  },
  // scheme://user:password@host: keep scheme, user and the @.
  'url-password': {
    source: `${KEEP}\\b[A-Za-z][A-Za-z0-9+.-]*://[^\\s:@/?#]+:)[^\\s@/?#${SHELL_SYNTAX}]+(?=@)`,
    trigger: { cased: '://' },
  },
  authorization: {
    source: `${KEEP}(?:${ci('authorization')}["']?\\s*[:=]\\s*["']?(?:(?:${ci('bearer')}|${ci('basic')}|${ci('token')}|${ci('digest')})\\s+)?|\\b${ci('bearer')}\\s+))[A-Za-z0-9._~+/-]{8,}=*`,
    trigger: { words: ['authorization', 'bearer'] },
  },
  // key = value with a secret-sounding key. Values that are placeholders ($VAR, <x>, ***) or short are kept;
  // a value that is itself a known token is left to its specific pattern (a better marker).
  'secret-assignment': {
    source: `${KEEP}(?<![A-Za-z0-9])(?:${SECRET_WORDS.join('|')})["']?\\s*[=:]\\s*["']?)(?![$<*%{]|${SPECIFIC_PREFIXES})(?=[^\\s"'&,;${SHELL_SYNTAX}]*[A-Za-z])[^\\s"'&,;${SHELL_SYNTAX}]{6,}`,
    trigger: { words: SECRET_TRIGGERS },
  },
};

/** Replace the KEEP placeholder with a named capture group for pattern number `index`. */
export function compileSource(source: string, index: number): { source: string; keepsPrefix: boolean } {
  const keepsPrefix = source.startsWith(KEEP);
  const body = keepsPrefix ? `(?<p${index}>${source.slice(KEEP.length)}` : source;
  return { source: `(?<k${index}>${body})`, keepsPrefix };
}
