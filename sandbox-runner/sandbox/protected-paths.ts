/**
 * Credentials hidden from every sandbox, relative to each home directory. The sandbox's home is empty but
 * for an allow-list (home-allow.ts, `sandbox.home`), so these matter where an allowed directory holds one:
 * they stay hidden even then. The policy's `hidden` adds more.
 */
export const HIDDEN_IN_HOME = [
  '.ssh',
  '.aws',
  '.azure',
  '.config/gcloud',
  '.kube',
  '.docker',
  '.netrc',
  '.git-credentials',
  '.config/git/credentials',
  '.npmrc',
  '.yarnrc',
  '.yarnrc.yml',
  '.pypirc',
  '.gnupg',
  '.password-store',
  '.config/gh',
  '.config/hub',
  '.config/glab-cli',
  '.vault-token',
  '.pgpass',
  '.my.cnf',
  '.s3cfg',
  '.boto',
  '.config/rclone',
  '.config/op',
  '.terraform.d/credentials.tfrc.json',
  '.cargo/credentials',
  '.cargo/credentials.toml',
  '.m2/settings.xml',
  '.gradle/gradle.properties',
  '.codex/auth.json',
  '.claude/.credentials.json',
  '.gemini/oauth_creds.json',
  '.gemini/mcp-oauth-tokens.json',
  '.local/share/keyrings',
  // shell and REPL histories: commands typed with secrets in them
  '.bash_history',
  '.zsh_history',
  '.history',
  '.local/share/fish/fish_history',
  '.python_history',
  '.node_repl_history',
  '.psql_history',
  '.mysql_history',
  '.sqlite_history',
  '.lesshst',
  '.viminfo',
  // browser profiles: cookies and saved passwords
  '.mozilla',
  '.config/google-chrome',
  '.config/chromium',
  '.config/BraveSoftware',
  '.config/microsoft-edge',
  '.config/vivaldi',
  '.config/opera',
  // Ward's own: tokens and data of a server run from home, the span spool (past commands of every project)
  '.ward-data',
  '.ward/spool',
] as const;

/** Absolute paths hidden from every sandbox. /run holds host daemons' sockets (docker, dbus). */
export const HIDDEN_ABSOLUTE = ['/etc/shadow', '/etc/gshadow', '/etc/sudoers', '/run', '/var/run'] as const;

/**
 * Paths kept read-only inside every writable root, so a command cannot weaken its own guard or plant
 * code that runs later outside the sandbox (shell rc files, Ward's own policy; git's metadata is guarded
 * by git-guard.ts).
 */
export const READ_ONLY_IN_WRITABLE = [
  '.ward',
  'ward.yaml',
  'ward.yml',
  'ward.json',
  '.bashrc',
  '.bash_profile',
  '.bash_login',
  '.profile',
  '.zshrc',
  '.zprofile',
  '.zshenv',
  // Run by tools the user starts later, outside the sandbox: direnv and mise on entering the directory,
  // editors' tasks and settings, Mercurial's hooks, the agents' own project settings, hooks and MCP servers.
  '.envrc',
  // mise reads all of these on entering the directory ([env] templates, _.source, hooks); trust is per path.
  '.mise.toml',
  'mise.toml',
  '.mise.local.toml',
  'mise.local.toml',
  '.mise/config.toml',
  'mise/config.toml',
  '.config/mise.toml',
  '.config/mise',
  '.rtx.toml',
  '.hg/hgrc',
  '.vscode',
  '.idea',
  '.devcontainer',
  '.claude',
  '.mcp.json',
  '.codex',
  '.gemini',
  // Git hook managers read their commands from the work tree on the user's next commit.
  '.pre-commit-config.yaml',
  'lefthook.yml',
  '.lefthook.yml',
  'lefthook-local.yml',
] as const;
