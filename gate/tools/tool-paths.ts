import { posix } from 'node:path';
import { classifyPath, EXEC_CONFIG, isSecretFileName, type Zone } from '../analysis/paths.js';
import { globToRegExp } from '../policy/rules.js';

/** What a path a tool names is, from the point of view of guarding the agent. */
export type ToolPathKind =
  | 'agent-credentials'
  | 'guard-config'
  | 'git-config'
  | 'env-file'
  | 'env-script'
  | 'exec-config'
  | 'private-key'
  | 'ssh'
  | 'credentials'
  | 'shell-rc'
  | 'autostart'
  | 'sensitive'
  | 'workspace'
  | 'temp'
  | 'null'
  | 'home'
  | 'outside'
  | 'system'
  | 'unresolved';

export interface ToolPathContext {
  workspace: string;
  /** The agent's home directory ('' when unknown: `~` then stays unresolved). */
  home: string;
  /** The agent's working directory, for relative paths (default: the workspace). */
  cwd?: string | undefined;
  /** Ward's data directory, protected like configuration. */
  dataDir?: string | undefined;
  /** Resolves symlinks of the longest existing prefix (injected: the gate does no I/O itself). */
  realpath?: ((path: string) => string | undefined) | undefined;
}

/** Access tokens of the agents and of Ward: reading one lets the agent act as its user elsewhere. */
const AGENT_CREDENTIALS =
  /\/\.codex\/auth\.json$|\/\.claude\/\.credentials\.json$|\/\.gemini\/(oauth_creds|google_accounts)\.json$|\/admin-token$|\/(decision|audit-signing)-key\.pem$|\/spool\.key$|\/\.ward\/(token|credentials)[^/]*$|\/\.config\/gh\/hosts\.yml$/i;
/** Configuration of Ward and of the agents: who may run what, which hooks run, which MCP servers start. */
const GUARD_CONFIG =
  /\/\.(claude|codex|gemini|ward|ward-data)(\/|$)|\/\.claude\.json$|\/\.mcp\.json$|^\/etc\/(ward|codex|gemini-cli|claude-code)(\/|$)|^\/Library\/Application Support\/ClaudeCode(\/|$)/i;
/** Git runs hooks and configured programs (core.pager, core.fsmonitor, aliases) on the next git command. */
const GIT_CONFIG = /\/\.git(\/(config|commondir|hooks(\/|$))|$)|\/\.gitconfig$|\/\.config\/git\/config$/i;
const ENV_FILE = /(^|\/)\.env(rc)?(\.[^/]*)?$/i;
const ENV_TEMPLATE = /\.(example|sample|template|dist|defaults?|schema)$/i;
const PRIVATE_KEY = /\/id_(rsa|dsa|ecdsa|ed25519)(_sk)?$|^\/etc\/ssh\/ssh_host_.*_key$|\.(key|p12|pfx)$/;
/** Public certificate stores: readable by anyone, nothing secret. */
const PUBLIC_CERTS =
  /^\/(etc\/ssl\/certs|usr\/share\/ca-certificates|etc\/ca-certificates|etc\/pki\/ca-trust)(\/|$)/;

const ZONE_KIND: Partial<Record<Zone, ToolPathKind>> = {
  'ssh-key': 'ssh',
  secret: 'credentials',
  'password-db': 'credentials',
  browser: 'credentials',
  keychain: 'credentials',
  history: 'credentials',
  'shell-rc': 'shell-rc',
  cron: 'autostart',
  service: 'autostart',
  pam: 'autostart',
  sudoers: 'autostart',
  'python-startup': 'autostart',
  'git-hook': 'git-config',
  kernel: 'sensitive',
  device: 'sensitive',
  sensitive: 'sensitive',
  logs: 'sensitive',
  workspace: 'workspace',
  temp: 'temp',
  null: 'null',
  home: 'home',
  outside: 'outside',
  'root-dir': 'system',
  system: 'system',
  unknown: 'unresolved',
};

/** The absolute, normalised path a tool argument names (`~` expanded), or null when it depends on variables. */
export function resolveToolPath(raw: string, ctx: ToolPathContext): string | null {
  const p = raw.trim();
  if (p === '' || /\$[{(\w]|`/.test(p) || p.includes('\0')) return null;
  let abs: string;
  if (p === '~' || p.startsWith('~/')) {
    if (!ctx.home) return null;
    abs = posix.join(ctx.home, p.slice(1));
  } else if (p.startsWith('~'))
    return null; // ~user: another user's home
  else if (p.startsWith('file://')) return resolveToolPath(decodeURIComponent(p.slice(7)), ctx);
  else abs = posix.isAbsolute(p) ? p : posix.join(ctx.cwd || ctx.workspace, p);
  const n = posix.normalize(abs);
  return n.length > 1 ? n.replace(/\/+$/, '') : n;
}

/** Zones that stay what they are even inside the workspace (a workspace at ~ or / must not launder them). */
const ALWAYS: ReadonlySet<ToolPathKind> = new Set(['ssh', 'shell-rc', 'autostart', 'sensitive']);
/** Credential stores by their well-known directories (inside a workspace, file names alone prove nothing). */
const CREDENTIAL_DIRS =
  /\/\.(aws|azure|oci|gnupg|password-store|kube|docker|netrc|git-credentials|pgpass|vault-token)(\/|$)|\/\.config\/(gcloud|gh)(\/|$)|\/\.(bash_|zsh_|sh_|python_|mysql_|psql_|node_repl_)?history$|\/\.local\/share\/fish\/fish_history$/i;

/**
 * A workspace only counts when it is a project, not a place the agent could `cd` into to make everything
 * "inside": the root, a system directory, the home directory or one above it.
 */
export function usableWorkspace(workspace: string, home: string): string | null {
  const ws = workspace.replace(/\/+$/, '') || '/';
  const h = home.replace(/\/+$/, '');
  if (
    ws === '/' ||
    /^\/(etc|usr|var|boot|root|proc|sys|dev|run|lib|lib32|lib64|bin|sbin|srv|opt|home|Users|tmp)$/.test(ws)
  )
    return null;
  if (/^\/(etc|usr|boot|proc|sys|dev|run|lib|lib32|lib64|bin|sbin)\//.test(ws)) return null;
  if (h && (ws === h || h.startsWith(`${ws}/`))) return null;
  return ws;
}

/** The kind of one absolute path (no symlink resolution). */
export function kindOfPath(abs: string, ctx: ToolPathContext): ToolPathKind {
  const dataDir = ctx.dataDir?.replace(/\/+$/, '');
  if (AGENT_CREDENTIALS.test(abs) || (dataDir && abs === `${dataDir}/admin-token`))
    return 'agent-credentials';
  if (GUARD_CONFIG.test(abs) || (dataDir && (abs === dataDir || abs.startsWith(`${dataDir}/`))))
    return 'guard-config';
  if (GIT_CONFIG.test(abs)) return 'git-config';
  const base = posix.basename(abs);
  if (base === '.envrc') return 'env-script';
  if (EXEC_CONFIG.test(abs)) return 'exec-config';
  if (ENV_FILE.test(base) && !ENV_TEMPLATE.test(base)) return 'env-file';
  if (PUBLIC_CERTS.test(abs)) return 'system';
  if (
    /\/id_(rsa|dsa|ecdsa|ed25519)(_sk)?$|^\/etc\/ssh\/ssh_host_.*_key$/i.test(abs) ||
    (/\/\.ssh\/id_[^/]*$/.test(abs) && !abs.endsWith('.pub'))
  )
    return 'private-key';
  // Home paths as the analysis knows them: ~ stands for this agent's home.
  const home = ctx.home.replace(/\/+$/, '');
  const shown = home && (abs === home || abs.startsWith(`${home}/`)) ? `~${abs.slice(home.length)}` : abs;
  const zoneKind = ZONE_KIND[classifyPath(shown, { workspace: '/\0no-workspace' }).zone] ?? 'outside';
  if (ALWAYS.has(zoneKind)) return zoneKind;
  if (CREDENTIAL_DIRS.test(abs)) return 'credentials';
  const ws = usableWorkspace(ctx.workspace, ctx.home);
  // A project's secrets beyond .env (`credentials.json`, `secrets.yml`, a key): the names `cat` is asked about.
  if (ws && (abs === ws || abs.startsWith(`${ws}/`)))
    return isSecretFileName(base) ? 'env-file' : 'workspace';
  if (PRIVATE_KEY.test(abs)) return 'private-key';
  // A secret's file name outside the project (`~/.s3cfg`, `../other/.env`): as `cat` is judged (effects.ts).
  if ((zoneKind === 'home' || zoneKind === 'outside' || zoneKind === 'workspace') && isSecretFileName(base))
    return 'credentials';
  return zoneKind === 'workspace' ? 'outside' : zoneKind;
}

/**
 * Every kind a tool's path argument can reach: the path as written and, when it exists (or a prefix does),
 * where its symlinks lead. Unresolvable paths are 'unresolved'.
 */
export function kindsOfToolPath(raw: string, ctx: ToolPathContext): { path: string; kinds: ToolPathKind[] } {
  const abs = resolveToolPath(raw, ctx);
  if (abs === null) return { path: raw, kinds: ['unresolved'] };
  const kinds = new Set<ToolPathKind>([kindOfPath(abs, ctx)]);
  const real = ctx.realpath?.(abs);
  if (real && real !== abs) kinds.add(kindOfPath(real, ctx));
  return { path: real && real !== abs ? `${abs} -> ${real}` : abs, kinds: [...kinds] };
}

/** Places worth stealing, as paths a pattern can be tested against. */
function probes(ctx: ToolPathContext): string[] {
  const ws = ctx.workspace.replace(/\/+$/, '');
  const home = ctx.home.replace(/\/+$/, '') || '/home/user';
  const inHome = [
    '.ssh/id_rsa',
    '.ssh/id_ed25519',
    '.aws/credentials',
    '.config/gcloud/application_default_credentials.json',
    '.kube/config',
    '.docker/config.json',
    '.netrc',
    '.git-credentials',
    '.npmrc',
    '.pypirc',
    '.gnupg/private-keys-v1.d/k.key',
    '.codex/auth.json',
    '.claude/.credentials.json',
    '.gemini/oauth_creds.json',
    '.config/gh/hosts.yml',
    '.bash_history',
    // Other projects' secrets files, anywhere under home.
    'src/other-project/.env',
  ].map((p) => `${home}/${p}`);
  return [
    ...inHome,
    `${ws}/.env`,
    `${ws}/.env.local`,
    `${ws}/config/.env.production`,
    '/etc/shadow',
    '/root/.ssh/id_rsa',
  ];
}

const GLOB_CHARS = /[*?[{]/;

/** True when the text is a file pattern rather than a plain path. */
export function isGlob(text: string): boolean {
  return GLOB_CHARS.test(text);
}

/**
 * The secret places a file pattern can reach (`~/.s*h/id_*`, `**\/.env`), rooted at `base` when relative.
 * Brace alternatives are expanded one level so `{.ssh,.aws}` is seen.
 */
export function secretsReachedByGlob(pattern: string, base: string, ctx: ToolPathContext): string[] {
  const expanded = expandBraces(pattern.trim());
  const hits = new Set<string>();
  for (const p of expanded) {
    const rooted =
      p.startsWith('~/') && ctx.home
        ? posix.join(ctx.home, p.slice(2))
        : posix.isAbsolute(p)
          ? p
          : posix.join(base, p);
    let re: RegExp;
    try {
      re = globToRegExp(posix.normalize(rooted).replace(/\[[^\]]*\]/g, '?'), { path: true });
    } catch {
      continue;
    }
    // `**/x` also matches `x` directly under the base (the pattern's slashes are escaped in the source).
    const loose = new RegExp(re.source.replaceAll('.*\\/', '(?:.*\\/)?'), re.flags);
    for (const probe of probes(ctx)) if (loose.test(probe)) hits.add(probe);
  }
  return [...hits];
}

function expandBraces(p: string): string[] {
  const m = /\{([^{}]*)\}/.exec(p);
  if (!m) return [p];
  const alts = (m[1] ?? '').split(',').slice(0, 32);
  return alts
    .flatMap((a) => expandBraces(p.slice(0, m.index) + a + p.slice(m.index + m[0].length)))
    .slice(0, 256);
}
