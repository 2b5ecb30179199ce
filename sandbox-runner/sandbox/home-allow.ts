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

/** An agent's own files under $HOME for `ward run`: config read-only, its session data writable. */
export interface AgentHomeProfile {
  readOnly: readonly string[];
  /** Directories (created when missing) and existing files the agent writes as it works. */
  writable: readonly string[];
  /** Its login; hidden unless `sandbox.home.agentCredentials`. */
  credentials: readonly string[];
}

/**
 * Built-in profiles by agent name. Settings, hooks, instructions, MCP servers and commands stay read-only:
 * the agent runs them unsandboxed the next time the user starts it outside Ward.
 */
export const AGENT_HOME_PROFILES: Readonly<Record<string, AgentHomeProfile>> = {
  claude: {
    readOnly: ['.claude', '.claude.json'],
    writable: [
      '.claude/projects',
      '.claude/todos',
      '.claude/shell-snapshots',
      '.claude/statsig',
      '.claude/session-env',
      '.claude/file-history',
      '.claude/plans',
      '.claude/debug',
      '.claude/history.jsonl',
    ],
    credentials: ['.claude/.credentials.json'],
  },
  codex: {
    readOnly: ['.codex'],
    writable: ['.codex/sessions', '.codex/archived_sessions', '.codex/log', '.codex/history.jsonl'],
    credentials: ['.codex/auth.json'],
  },
  gemini: {
    readOnly: ['.gemini'],
    writable: ['.gemini/tmp', '.gemini/history'],
    credentials: ['.gemini/oauth_creds.json', '.gemini/mcp-oauth-tokens.json'],
  },
};
