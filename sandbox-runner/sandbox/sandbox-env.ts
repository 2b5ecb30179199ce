/** Names passed into the sandbox by default (plus any LC_* locale variable). */
export const SAFE_ENV_NAMES = [
  'PATH',
  'HOME',
  'LANG',
  'LANGUAGE',
  'TERM',
  'COLORTERM',
  'TERM_PROGRAM',
  'USER',
  'LOGNAME',
  'SHELL',
  'TZ',
  'EDITOR',
  'VISUAL',
  'PAGER',
  'COLUMNS',
  'LINES',
  'NO_COLOR',
  'FORCE_COLOR',
  'CI',
] as const;

/** Names that look like credentials; they get in only when the policy names them (exactly or by prefix). */
const SECRET_NAME =
  /TOKEN|SECRET|KEY|PASSWORD|PASSWD|PASSPHRASE|CREDENTIAL|AUTH|COOKIE|SESSION|PRIVATE|^AWS_|^AZURE_|^GCP_|^GOOGLE_|^GH_|^GITHUB_|^NPM_|^PGPASS|^DATABASE_URL$/i;

/** True when a variable name looks like it carries a secret. */
export function looksSecret(name: string): boolean {
  return SECRET_NAME.test(name);
}

function matches(name: string, pattern: string): boolean {
  return pattern.endsWith('*') ? name.startsWith(pattern.slice(0, -1)) : name === pattern;
}

/**
 * The sandbox environment: safe defaults and LC_*, plus the names the policy allows, never a
 * secret-looking name unless the policy allows it. `extra` (Ward's own variables) is added last.
 */
export function buildSandboxEnv(
  parent: Readonly<Record<string, string | undefined>>,
  allow: readonly string[],
  extra: Record<string, string> = {},
): Record<string, string> {
  const safe = new Set<string>(SAFE_ENV_NAMES);
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(parent)) {
    if (value === undefined) continue;
    const allowedByPolicy = allow.some((p) => matches(name, p));
    const isDefault = safe.has(name) || name.startsWith('LC_');
    if (allowedByPolicy || (isDefault && !looksSecret(name))) out[name] = value;
  }
  return { ...out, ...extra };
}
