import { posix } from 'node:path';
import { UNKNOWN } from './script.js';

/** Where a path points, from the gate's point of view. Order matters: the first matching zone wins. */
export type Zone =
  | 'null'
  | 'unknown'
  | 'workspace'
  | 'temp'
  | 'device'
  | 'password-db'
  | 'ssh-key'
  | 'history'
  | 'browser'
  | 'keychain'
  | 'secret'
  | 'shell-rc'
  | 'cron'
  | 'service'
  | 'pam'
  | 'sudoers'
  | 'logs'
  | 'git-hook'
  | 'exec-config'
  | 'env-script'
  | 'public'
  | 'project-secret'
  | 'agent-secret'
  | 'agent-config'
  | 'git-meta'
  | 'python-startup'
  | 'kernel'
  | 'sensitive'
  | 'home'
  | 'root-dir'
  | 'outside'
  | 'system';

export interface PathContext {
  workspace: string;
  /** Working directory of the command when known ('' = the workspace). */
  cwd?: string | undefined;
}

export interface ClassifiedPath {
  zone: Zone;
  /** Normalised absolute path ('~' kept for the home directory), or the raw text when unknown. */
  path: string;
}

const HOME = '(?:~[^/]*|/home/[^/]+|/Users/[^/]+|/root)';

/** Zone table: regexes over normalised absolute paths. Data, not code: extend here. */
const ZONES: [Zone, RegExp][] = [
  [
    'null',
    /^\/dev\/(null|zero|u?random|stdin|stdout|stderr|tty|fd\/\d+)$|^\/proc\/self\/(fd|fdinfo)(\/|$)|^\/proc\/self\/(status|stat|statm|cmdline|limits|cgroup|io|oom_score)$|^\/proc\/sys\/kernel\/random\/(uuid|boot_id|entropy_avail)$/,
  ],
  ['device', /^\/dev\/(sd|hd|vd|xvd|nvme|mmcblk|disk|rdisk|dm-|mapper\/|md\d|loop)/],
  // Public keys are meant to be shared: reading one is not reading a secret.
  ['public', /\.pub$/],
  ['password-db', /^\/etc\/(shadow|gshadow|master\.passwd|security\/opasswd)(-|$)|^\/etc\/spwd\.db/],
  ['ssh-key', /\/\.ssh(\/|$)|\/id_(rsa|dsa|ecdsa|ed25519)[^/]*$|^\/etc\/ssh\/ssh_host_.*_key$/],
  ['history', /\/\.(bash_|zsh_|sh_|python_|mysql_|psql_|node_repl_)?history$/],
  [
    'browser',
    /\/(Login Data|Cookies|Web Data|key[34]\.db|logins\.json|cookies\.sqlite)$|\/(Google\/Chrome|\.mozilla|Firefox\/Profiles)\//,
  ],
  ['keychain', /\/Keychains?\/|\.keychain(-db)?$/],
  [
    'agent-secret',
    /\/\.ward(-data)?(\/|$)|\/admin-token$|\/(decision|audit-signing)-key\.pem$|\/spool\.key$|\/\.codex\/auth\.json$|\/\.claude\/\.credentials\.json$|\/\.claude\.json$|\/\.gemini\/(oauth_creds|google_accounts|mcp-oauth-tokens)[\w.-]*\.json$|\/\.config\/(github-copilot|gh|hub)(\/|$)/,
  ],
  [
    'agent-config',
    /\/\.(claude|codex|gemini|cursor|continue|aider[\w.-]*)(\/|$)|\/\.config\/(claude|codex|gemini)(\/|$)/,
  ],
  [
    'secret',
    new RegExp(
      String.raw`/\.(aws|azure|oci|gnupg|password-store|docker/config\.json|kube/config|netrc|git-credentials|pgpass|my\.cnf|npmrc|pypirc|vault-token|boto)(/|$)` +
        String.raw`|/\.config/(gcloud|gh)(/|$)|^/etc/ssl/private|^/proc/[^/]+/(task/[^/]+/)?(environ|mem|maps)$|^/dev/k?mem$|^/proc/kcore$` +
        // Tools' own credential files: Maven, Gradle, Composer, Stripe, ngrok, Fly, Netlify, Firebase, Supabase,
        // Wrangler, SOPS's age keys, the desktop keyring.
        String.raw`|/\.m2/settings(-security)?\.xml$|/\.gradle/gradle\.properties$|/\.composer/auth\.json$|/\.config/(stripe|ngrok|netlify|configstore|rclone|sops)/|/\.fly/config\.yml$|/\.netlify/|/\.supabase/access-token$|/\.wrangler/config/|/\.local/share/keyrings/` +
        String.raw`|\.(pem|p12|pfx|key)$|/credentials(\.json|\.db)?$|/(secrets?|tokens?)(\.[a-z]+)?$`,
    ),
  ],
  [
    'shell-rc',
    new RegExp(
      String.raw`^${HOME}/\.(bashrc|bash_profile|bash_login|bash_logout|profile|zshrc|zprofile|zshenv|zlogin|shrc|kshrc|cshrc|tcshrc|inputrc|config/fish/config\.fish)$` +
        String.raw`|^/etc/(profile|bash\.bashrc|bashrc|zshrc|zprofile|environment|csh\.cshrc)$|^/etc/profile\.d/`,
    ),
  ],
  ['cron', /^\/etc\/(cron|anacrontab)|^\/var\/spool\/(cron|at)|^\/var\/at\/|^\/usr\/lib\/cron/],
  [
    'service',
    new RegExp(
      String.raw`^/(etc|lib|usr/lib|run)/systemd/|^${HOME}/\.config/systemd/|^/etc/(init\.d|rc\.local|rc\.d|init)(/|$)` +
        String.raw`|/Library/(LaunchAgents|LaunchDaemons|StartupItems)/|^/etc/(xdg/)?autostart/|^${HOME}/\.config/autostart/`,
    ),
  ],
  ['pam', /^\/etc\/pam\.(d|conf)|^\/(usr\/)?lib(64)?\/(x86_64-linux-gnu\/)?security\//],
  ['sudoers', /^\/(usr\/local\/)?etc\/sudoers/],
  ['logs', /^\/var\/log(\/|$)|^\/var\/(adm|run\/utmp)|^\/var\/spool\/mail/],
  ['git-hook', /(^|\/)\.git\/hooks\//],
  ['python-startup', /\/(site|dist)-packages\/[^/]*\.pth$|\/(usercustomize|sitecustomize)\.py$/],
  ['kernel', /^\/proc\/(sys|sysrq-trigger)(\/|$)|^\/sys\/|^\/boot\//],
  [
    'sensitive',
    new RegExp(
      String.raw`^/etc/(ssh|ssl|security|ca-certificates|apt/trusted\.gpg|audit|selinux|apparmor)(/|$)|^/var/lib/(pam|sss|polkit)` +
        String.raw`|^/root(/|$)|^/proc/(\d+|key-users|keys|kallsyms)(/|$)|^/usr/share/(keyrings|ca-certificates)(/|$)|^/sys(/|$)|^/app(/|$)`,
    ),
  ],
  ['home', new RegExp(`^${HOME}(/|$)`)],
  ['temp', /^\/(tmp|var\/tmp|dev\/shm|private\/tmp)(\/|$)/],
  [
    'root-dir',
    /^\/((etc|usr|var|boot|lib|lib32|lib64|bin|sbin|root|opt|srv|dev|home|Users|Library|System|Applications|private)\/?)?$/,
  ],
];

/** Top-level directories owned by the operating system (anything else outside the workspace is user data). */
const SYSTEM_ROOTS =
  /^\/(etc|proc|sys|usr|var|boot|lib|lib32|lib64|libx32|bin|sbin|root|opt|app|srv|dev|run|snap|nix|Library|System|Applications|private)(\/|$)/;
/** Public source trees under system roots, read like any other user data. */
const SOURCE_TREES = /^\/usr\/(src|ports|local\/src|share\/doc)(\/|$)/;

/** Zones recognisable from the end of a path whose start is only known at run time. */
const SUFFIX_ZONES = new Set<Zone>(['python-startup', 'ssh-key', 'history', 'git-hook']);

/** Zones a path in a temp directory still falls in (a key is a key wherever it was copied). */
const TEMP_KEEPS = new Set<Zone>([
  'null',
  'ssh-key',
  'secret',
  'history',
  'python-startup',
  'agent-secret',
  'browser',
]);

/** Zones whose every file is a secret: a file named at run time there is one. */
const IN_SECRET_DIR = new Set<Zone>(['ssh-key', 'secret', 'keychain', 'browser', 'password-db']);

/** Resolves a path as the command sees it and says which zone it falls in. */
export function classifyPath(raw: string, ctx: PathContext): ClassifiedPath {
  if (raw === '') return { zone: 'unknown', path: raw };
  if (raw.startsWith(UNKNOWN)) {
    for (const [zone, re] of ZONES) if (SUFFIX_ZONES.has(zone) && re.test(raw)) return { zone, path: raw };
    // A name known only at run time, in a directory that holds secrets (`cd ~/.ssh && cat $(ls)`): as likely one
    // of them as anything else.
    const cwd = ctx.cwd;
    if (cwd && cwd !== UNKNOWN && !raw.slice(UNKNOWN.length).includes('/')) {
      const inside = classifyPath(`${cwd.replace(/\/$/, '')}/x`, {
        workspace: ctx.workspace,
        cwd: undefined,
      });
      if (IN_SECRET_DIR.has(inside.zone)) return { zone: inside.zone, path: `${cwd}/${raw}` };
    }
    return { zone: 'unknown', path: raw };
  }
  let p = raw;
  if (!p.startsWith('/') && !p.startsWith('~')) {
    const cwd = ctx.cwd;
    if (cwd === UNKNOWN) return { zone: 'unknown', path: raw };
    p = posix.join(
      cwd && cwd !== ''
        ? cwd.startsWith('/') || cwd.startsWith('~')
          ? cwd
          : posix.join(ctx.workspace, cwd)
        : ctx.workspace,
      p,
    );
  }
  p = posix.normalize(p.replaceAll(UNKNOWN, '*'));
  if (p.length > 1) p = p.replace(/\/$/, '');
  const ws = ctx.workspace.replace(/\/$/, '');
  const tempFirst = /^\/(tmp|var\/tmp|dev\/shm|private\/tmp)(\/|$)/.test(p);
  // A pattern is judged by the real places it can match first: `.[e]nv`, `.en?` and `~/.s*h` are spellings
  // of secrets, in the workspace as outside it.
  if (GLOB.test(raw) && !raw.includes(UNKNOWN)) {
    const re = globRegex(p);
    for (const sample of [...SECRET_SAMPLES, ...WORKSPACE_SECRET_SAMPLES.map((s) => `${ws}${s}`)])
      if (re.test(sample)) {
        const hit = classifyPath(sample, ctx);
        if (hit.zone !== 'workspace') return { zone: hit.zone, path: p };
      }
  }
  if (p === ws || p.startsWith(`${ws}/`)) return { zone: workspaceZone(p.slice(ws.length)), path: p };
  for (const [zone, re] of ZONES) {
    if (zone === 'temp') continue;
    // A temp path is temp unless it is a secret by name: skip (not stop at) the zones that don't say so,
    // or a zone listed before `secret` would end the search and launder `/tmp/x/.aws/credentials`.
    if (tempFirst && !TEMP_KEEPS.has(zone)) continue;
    if (re.test(p)) return { zone, path: p };
  }
  if (tempFirst) return { zone: 'temp', path: p };
  if (SOURCE_TREES.test(p) || !SYSTEM_ROOTS.test(p)) return { zone: 'outside', path: p };
  return { zone: 'system', path: p };
}

/**
 * Inside the workspace: the project's secrets (`.env`, keys; `.env.example` and friends are templates), the
 * agents' and Ward's own configuration (`.claude/`, `.codex/`, `.gemini/`, `.ward/`, `.git/config`), git
 * hooks, and the `.git` directory itself (moving or deleting it destroys the history).
 */
function workspaceZone(inner: string): Zone {
  if (/(^|\/)\.git\/hooks\/|(^|\/)\.husky\/[^/]+$/.test(inner)) return 'git-hook';
  // commondir names where git reads config and hooks from: pointing it away plants both.
  if (/(^|\/)\.git\/commondir$/.test(inner)) return 'git-hook';
  if (/(^|\/)\.ward-data(\/|$)|(^|\/)admin-token$/.test(inner)) return 'agent-secret';
  // direnv's `.envrc` is both: the project's secrets and a script direnv runs on `cd`.
  if (/(^|\/)\.envrc$/.test(inner)) return 'env-script';
  if (EXEC_CONFIG.test(inner)) return 'exec-config';
  if (/(^|\/)\.(claude|codex|gemini|ward|cursor)(\/|$)|(^|\/)\.mcp\.json$|(^|\/)\.git\/config$/.test(inner))
    return 'agent-config';
  if (/(^|\/)\.git$/.test(inner)) return 'git-meta';
  if (isSecretFileName(inner.slice(inner.lastIndexOf('/') + 1)) || /(^|\/)\.(aws|ssh|gnupg)\//.test(inner))
    return 'project-secret';
  return 'workspace';
}

/**
 * A file name a project keeps its secrets under (`.env`, `.env.production`, keys, `credentials.json`); its
 * templates (`.env.example`, `*.sample`) are not. The same name in another project is as secret.
 */
export function isSecretFileName(base: string): boolean {
  return (
    /^\.env(\..+)?$|^\.envrc$|^\.(netrc|npmrc|pypirc|pgpass|git-credentials|s3cfg|dev\.vars)$|\.(pem|key|p12|pfx|jks|keystore|tfstate|tfstate\.backup)$|^id_(rsa|dsa|ecdsa|ed25519)$|^(secrets?|credentials)(\.[\w.-]+)?$|^rclone\.conf$|service-?account[\w.-]*\.json$/i.test(
      base,
    ) &&
    !/\.(example|sample|template|dist|defaults?|tmpl|tpl)$|^\.env\.(example|sample|template|dist|defaults?)/i.test(
      base,
    )
  );
}

/**
 * Project files whose commands a developer tool runs later without asking anyone: editor tasks and settings
 * (`.vscode/tasks.json`, `.idea/`), direnv's `.envrc`, CI workflows (they run with the repository's secrets),
 * dev containers, git hook managers (husky, lefthook, pre-commit) and tool managers' task files. Writing one is
 * planting a command, however the write is spelled.
 */
export const EXEC_CONFIG =
  /(^|\/)(\.vscode|\.idea|\.zed|\.devcontainer|\.husky|\.lefthook|\.githooks|\.circleci|\.buildkite|\.woodpecker|\.github\/(workflows|actions))\/|(^|\/)(\.envrc|\.gitlab-ci\.yml|\.travis\.yml|azure-pipelines\.ya?ml|bitbucket-pipelines\.yml|\.drone\.yml|Jenkinsfile|\.pre-commit-config\.ya?ml|\.?lefthook(-local)?\.ya?ml|\.gitpod\.yml|\.yarnrc\.yml|\.?mise\.toml|\.exrc|\.nvimrc|\.nvim\.lua|\.gitlab\/ci\/[^/]+)$/;

/** Glob characters the shell expands: a pattern reaches whatever real path it matches. */
export const GLOB = /[*?[]/;
/** Real secret places a glob may reach (`~/.s*h/id_*`, `/etc/sha*`). */
const SECRET_SAMPLES = [
  '~/.ssh/id_rsa',
  '~/.ssh/id_ed25519',
  '~/.ssh/id_ecdsa',
  '~/.aws/credentials',
  '~/.netrc',
  '~/.git-credentials',
  '~/.docker/config.json',
  '~/.kube/config',
  '~/.npmrc',
  '~/.pypirc',
  '~/.pgpass',
  '~/.gnupg/private-keys-v1.d/key.key',
  '~/.config/gh/hosts.yml',
  '~/.codex/auth.json',
  '~/.claude/.credentials.json',
  '~/.gemini/oauth_creds.json',
  '~/.ward/admin-token',
  '~/.bash_history',
  '~/.zsh_history',
  '/etc/shadow',
  '/etc/gshadow',
  '/etc/sudoers',
  '/root/.ssh/id_rsa',
];
/** The same inside the workspace (relative to it). */
const WORKSPACE_SECRET_SAMPLES = [
  '/.env',
  '/.envrc',
  '/.env.local',
  '/.env.production',
  '/.ward-data/admin-token',
];

/**
 * A secret place that reading every file under `dir` reaches (`grep -r x ~`, `find / -exec cat {} +`), or
 * undefined. With `name`, only files whose base name matches that pattern count (find's `-name 'id_*'`).
 */
export function secretUnder(
  dir: string,
  name?: string,
  maxDepth = Number.POSITIVE_INFINITY,
): string | undefined {
  // The agent's own home is where the secrets it can read are; a tree holding it (/, /home) holds them.
  const d = dir.replace(/^\/(home|Users)\/?$/, '~').replace(/\/+$/, '');
  // find's -name matches a leading dot with `*`, unlike the shell.
  const re = name === undefined ? undefined : globRegex(name, true);
  return SECRET_SAMPLES.find(
    (s) =>
      (s.startsWith('~/') || d === '/root') &&
      (d === '' || s.startsWith(`${d}/`)) &&
      (re === undefined || re.test(s.slice(s.lastIndexOf('/') + 1))) &&
      depthBelow(d, s) <= maxDepth,
  );
}

/**
 * The project secret file (`.env`, `.envrc`…) a find `-name` pattern singles out, if any: a pattern that
 * also matches ordinary project files (`*`, `*.[!r]*`) is a search of everything, judged like `grep -r`.
 */
export function projectSecretNamed(name: string, also: readonly string[] = []): string | undefined {
  const re = globRegex(name, true);
  if (ORDINARY_FILES.some((f) => re.test(f))) return undefined;
  return [...WORKSPACE_SECRET_SAMPLES.map((s) => s.slice(s.lastIndexOf('/') + 1)), ...also].find((b) =>
    re.test(b),
  );
}

/** Files every project has: a name pattern that matches one of them is a search of everything. */
const ORDINARY_FILES = [
  'README.md',
  'index.ts',
  'main.py',
  'Makefile',
  'package.json',
  'config.yml',
  'notes.txt',
  'env.ts',
];

/** How many levels below `dir` a sample lies (`~` is two levels below /: /home/user). */
function depthBelow(dir: string, sample: string): number {
  const parts = (p: string) =>
    p
      .replace(/^~/, '/home/user')
      .split('/')
      .filter((x) => x !== '').length;
  return parts(sample) - parts(dir === '' ? '/' : dir);
}

/** Whether a bracket expression reads as a regular expression's character set. */
function validSet(set: string): boolean {
  try {
    new RegExp(set);
    return true;
  } catch {
    return false;
  }
}

export function globRegex(glob: string, dotStart = false): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const ch = glob[i] ?? '';
    // As in bash, a wildcard at the start of a name does not match a leading dot.
    const atStart = !dotStart && (i === 0 || glob[i - 1] === '/');
    if (ch === '*') re += atStart ? '(?!\\.)[^/]*' : '[^/]*';
    else if (ch === '?') re += atStart ? '[^/.]' : '[^/]';
    else if (ch === '[') {
      const end = glob.indexOf(']', i + 1);
      const set =
        end < 0
          ? undefined
          : `[${glob
              .slice(i + 1, end)
              .replace(/^!/, '^')
              .replace(/\\/g, '\\\\')}]`;
      // A bracket that is no valid set (`[z-a]`, code in a word: `["git", "rev-parse"]`) matches itself, as in bash.
      if (set === undefined || !validSet(set)) re += '\\[';
      else {
        re += set;
        i = end;
      }
    } else re += ch.replace(/[.+^${}()|\\/]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

/** File-name patterns that betray a hunt for credentials (`find / -name id_rsa`). */
export const SECRET_NAME =
  /id_(rsa|dsa|ecdsa|ed25519)|\.netrc|\.gnupg|\.ssh|\.aws|credentials|token|\.pem\b|\.git-credentials|\.pgpass|shadow|passw(or)?d|\.kdbx|wallet/i;
