/**
 * Paths under $HOME shown read-only in the sandbox's otherwise empty home: what everyday tools read and no
 * credential (git identity and ignores, editor and shell-input settings, toolchains installed per user,
 * Ward's user policy). Directories on PATH under $HOME are added at run time. Anything else the policy
 * names in `sandbox.home`.
 */
export const HOME_READ_ONLY = [
  '.gitconfig',
  '.config/git/config',
  '.config/git/ignore',
  '.config/git/attributes',
  '.gitignore_global',
  '.inputrc',
  '.editorconfig',
  '.vimrc',
  '.nanorc',
  '.ward/policy.yaml',
  '.rustup',
  '.pyenv',
  '.rbenv',
  '.nvm',
  '.volta',
  '.cargo/bin',
  '.local/bin',
  '.local/lib',
  '.bun/bin',
  '.deno/bin',
  'go/bin',
  '.sdkman/candidates',
  '.asdf/installs',
  '.asdf/shims',
  '.local/share/mise/installs',
  '.local/share/mise/shims',
] as const;

/**
 * Paths under $HOME that run code or grant access the next time the user logs in, starts a shell, an agent
 * or git: never writable from a sandbox, whatever a policy (a project's included) asks. A writable home
 * entry that is or holds one of these is shown read-only; a writable root that does is refused.
 */
export const HOME_NEVER_WRITABLE = [
  '.bashrc',
  '.bash_profile',
  '.bash_login',
  '.bash_logout',
  '.profile',
  '.zshrc',
  '.zprofile',
  '.zshenv',
  '.zlogin',
  '.config/fish',
  '.config/autostart',
  '.config/systemd',
  '.config/environment.d',
  '.config/git',
  '.gitconfig',
  '.ssh',
  '.local/bin',
  '.local/share/applications',
  '.ward',
  '.claude',
  '.claude.json',
  '.codex',
  '.gemini',
  '.npmrc',
  '.pam_environment',
  '.xprofile',
  '.xinitrc',
] as const;

/**
 * An agent's own files under $HOME for `ward run`. Its directory becomes a private tmpfs holding: its
 * state that is not filed by project from the project's own state directory (agent-state.ts: Ward's, kept
 * across runs of this project, never shown to another project nor read by the agent outside Ward), of
 * per-project session data only the current project's, its other directories read-only (settings, hooks,
 * commands, plugins, instructions: the agent runs those unsandboxed the next time the user starts it outside
 * Ward), and its other small files as private writable copies (state it rewrites; changes are discarded). New
 * files land in the tmpfs and vanish with the sandbox. Its login is left out unless the policy allows it.
 */
export interface AgentHomeProfile {
  /** The agent's directory, relative to $HOME. */
  dir: string;
  /**
   * Entries of `dir` taken from the project's state directory instead of the real one, bound read-write
   * (directories, and files named like `x.ext`, are made when missing): data of every project's sessions
   * together, which the sandbox would read (what other sessions saw) or write for another session, or the
   * user's agent outside Ward, to load later. `'all'`: the whole directory is the project's state
   * directory, and of the real one only `readOnly` and `credentials` are shown (for an agent that keeps
   * everything in its directory's root: databases of every thread, rollouts filed by date).
   */
  projectState: 'all' | readonly string[];
  /**
   * Entries of `dir` holding a directory per project (transcripts, memory), named as `naming` says (see
   * project-mounts.ts): a private tmpfs with only the current project's directory bound back read-write, and
   * the parts of it the agent later takes as instructions read-only. Other projects' are not shown: their
   * transcripts hold what those sessions read, and their memories reach their next sessions outside Ward.
   */
  perProject: readonly { entry: string; naming: ProjectNaming }[];
  /**
   * Entries of `dir` kept read-only even though they are files (config the agent must not rewrite); a
   * leading `*` matches any beginning. With `projectState: 'all'`, the only entries of the real directory
   * shown, and never taken from the state directory (whatever the sandbox left there is removed first).
   */
  readOnly: readonly string[];
  /**
   * Entries of `dir` left out: scratch the agent recreates in the tmpfs (discarded), and session data whose
   * content the agent later runs (outside Ward, it would run what the sandbox wrote).
   */
  ephemeral: readonly string[];
  /** Files directly in $HOME copied in writable, changes discarded (e.g. ~/.claude.json). */
  copiedFromHome: readonly string[];
  /** Entries of `dir` holding its login: absent unless `sandbox.home.agentCredentials`, then read-only. */
  credentials: readonly string[];
}

/** How an agent names a project's directory: Claude Code's `projects/<path>`, Gemini CLI's `tmp/<slug>`. */
export type ProjectNaming = 'claude-projects' | 'gemini-tmp';

/** One part of the current project's directory in a per-project entry, relative to the entry. */
export interface ProjectPart {
  rel: string;
  writable: boolean;
  /** A file that must already exist (never made as a directory). */
  file?: boolean;
}

/** Built-in profiles by agent name. */
export const AGENT_HOME_PROFILES: Readonly<Record<string, AgentHomeProfile>> = {
  claude: {
    dir: '.claude',
    // Filed by session or not at all, every project's together: history.jsonl (every prompt), file-history/
    // (backups /rewind writes back into the session's project), shell-snapshots/ (sourced before each Bash
    // command of its session), plans/ and todos/ (read back by their session), debug logs, feature gates.
    projectState: ['history.jsonl', 'file-history', 'shell-snapshots', 'plans', 'todos', 'debug', 'statsig'],
    perProject: [{ entry: 'projects', naming: 'claude-projects' }],
    readOnly: ['settings.json', 'settings.local.json', 'CLAUDE.md'],
    // session-env/<session>/*-hook-N.sh is sourced before each Bash command of that session, and --resume keeps
    // the id: kept, it would run what the sandbox wrote there when the user resumes the session outside Ward.
    ephemeral: ['session-env'],
    // ~/.claude.json holds MCP servers (commands run at start): a private copy, never written back.
    copiedFromHome: ['.claude.json'],
    credentials: ['.credentials.json'],
  },
  codex: {
    dir: '.codex',
    // Codex (checked against 0.171) keeps every project's state in its directory's root: rollouts filed by
    // date (the working directory only inside each file), history.jsonl, SQLite databases of every thread's
    // items, titles, goals, memories and logs, memories/ (summaries of past sessions it loads into new ones).
    projectState: 'all',
    perProject: [],
    // What the user wrote for Codex to load: settings and profiles (MCP servers, providers, hooks' trust),
    // hooks, exec-policy rules, skills, prompts, plugins, instructions, and the .env it loads into its own
    // environment.
    readOnly: [
      'config.toml',
      '*.config.toml',
      'requirements.toml',
      'managed_config.toml',
      'hooks.json',
      'rules',
      'skills',
      'prompts',
      'plugins',
      'AGENTS.md',
      'AGENTS.override.md',
      'instructions.md',
      '.env',
    ],
    // Codex puts per-run helper links here (tmp/arg0) and cleans them up itself.
    ephemeral: ['tmp'],
    copiedFromHome: [],
    credentials: ['auth.json'],
  },
  gemini: {
    dir: '.gemini',
    projectState: [],
    perProject: [{ entry: 'tmp', naming: 'gemini-tmp' }],
    readOnly: ['settings.json', 'GEMINI.md'],
    // history/<project> are the checkpoint shadow git repositories Gemini runs `git add .` in: kept, a filter
    // driver the sandbox wrote into one would run outside Ward at the user's next checkpoint.
    ephemeral: ['history'],
    copiedFromHome: [],
    credentials: ['oauth_creds.json', 'mcp-oauth-tokens.json', '.env'],
  },
};
