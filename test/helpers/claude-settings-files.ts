/**
 * Valid Claude Code settings files as people write them (the documentation's examples, a team's shared
 * settings, a hooks-heavy personal file): doctor must find nothing in them that makes Claude Code skip the
 * file. Merged over a file holding Ward's hook by the tests that use them.
 */
export const VALID_CLAUDE_SETTINGS: [string, Record<string, unknown>][] = [
  [
    'team settings',
    {
      $schema: 'https://json.schemastore.org/claude-code-settings.json',
      permissions: {
        allow: ['Bash(npm run lint)', 'Bash(npm run test:*)', 'Read(~/.zshrc)'],
        deny: ['Bash(curl:*)', 'Read(./.env)', 'Read(./.env.*)', 'Read(./secrets/**)'],
        ask: ['Bash(git push:*)'],
        additionalDirectories: ['../docs/'],
        defaultMode: 'acceptEdits',
      },
      env: { CLAUDE_CODE_ENABLE_TELEMETRY: '1', OTEL_METRICS_EXPORTER: 'otlp', BASH_MAX_TIMEOUT_MS: 600000 },
      attribution: { commit: 'Generated with AI\n\nCo-Authored-By: AI <ai@example.com>', pr: '' },
      companyAnnouncements: ['Welcome! Review the code guidelines before you start.'],
      enabledPlugins: { 'formatter@acme-tools': true, 'deployer@acme-tools': false },
      extraKnownMarketplaces: {
        'acme-tools': { source: { source: 'github', repo: 'acme-corp/claude-plugins' } },
      },
      statusLine: { type: 'command', command: '~/.claude/statusline.sh', padding: 0 },
      cleanupPeriodDays: 20,
      includeCoAuthoredBy: false,
    },
  ],
  [
    'sandboxed',
    {
      sandbox: {
        enabled: true,
        autoAllowBashIfSandboxed: true,
        allowUnsandboxedCommands: false,
        excludedCommands: ['docker', 'git'],
        network: {
          allowedDomains: ['registry.npmjs.org', '*.github.com'],
          allowUnixSockets: ['/var/run/docker.sock'],
          allowLocalBinding: true,
          httpProxyPort: 8080,
        },
        filesystem: { allowWrite: ['/tmp/build'], denyRead: ['~/.aws/credentials'] },
        credentials: {
          files: [{ path: '~/.ssh', mode: 'deny' }],
          envVars: [{ name: 'AWS_SECRET_ACCESS_KEY', mode: 'deny' }],
        },
        ignoreViolations: { '*': ['/usr/bin'] },
        enableWeakerNestedSandbox: false,
      },
      worktree: { symlinkDirectories: ['node_modules'], baseRef: 'head' },
      spinnerVerbs: { mode: 'append', verbs: ['Pondering', 'Crafting'] },
      spinnerTipsOverride: { tips: ['Run the tests first'] },
      voice: { enabled: false, mode: 'hold' },
      quietHours: { enabled: true, start: '22:00', end: '7:30' },
      breakReminder: { enabled: true, intervalMinutes: 90, message: 'Stretch' },
    },
  ],
  [
    'hooks of every kind',
    {
      hooks: {
        PostToolUse: [
          {
            matcher: 'Edit|MultiEdit|Write',
            hooks: [{ type: 'command', command: 'npx prettier --write "$CLAUDE_FILE_PATHS"', timeout: 30 }],
          },
        ],
        Notification: [
          { hooks: [{ type: 'command', command: 'notify-send "Claude Code" "Awaiting input"' }] },
        ],
        UserPromptSubmit: [
          { hooks: [{ type: 'command', command: '"$CLAUDE_PROJECT_DIR"/.claude/hooks/context.sh' }] },
        ],
        Stop: [
          { hooks: [{ type: 'prompt', prompt: 'Check that every task is done: $ARGUMENTS', timeout: 30 }] },
          { hooks: [{ type: 'agent', prompt: 'Verify the tests pass', model: 'haiku' }] },
        ],
        SessionStart: [
          { matcher: 'startup', hooks: [{ type: 'command', command: 'echo ready', once: true }] },
        ],
        PostToolUseFailure: [
          {
            hooks: [
              {
                type: 'http',
                url: 'http://localhost:8080/hooks/failure',
                headers: { Authorization: 'Bearer $TOKEN' },
                allowedEnvVars: ['TOKEN'],
              },
            ],
          },
        ],
        PreCompact: [{ hooks: [{ type: 'mcp_tool', server: 'memory', tool: 'save', input: { note: 'x' } }] }],
      },
      subagentStatusLine: { type: 'command', command: 'echo sub' },
      fileSuggestion: { type: 'command', command: 'git ls-files' },
      autoMode: { allow: ['run tests'], environment: ['$defaults'] },
      remote: { defaultEnvironmentId: 'env_1' },
      sshConfigs: [{ id: 'dev', name: 'Dev box', sshHost: 'dev.example.com', sshPort: 22 }],
      allowedChannelPlugins: [{ marketplace: 'acme-tools', plugin: 'pager' }],
      pluginConfigs: {
        'formatter@acme-tools': {
          options: { width: 100, strict: true },
          mcpServers: { fmt: { level: 'x' } },
        },
      },
    },
  ],
];
