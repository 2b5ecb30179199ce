/**
 * The fields inside Claude Code's object-valued settings where a wrong value makes it skip the whole settings
 * file (2.1.197; `npm run measure:claude-settings` re-measures them on the binary in node_modules). Unknown
 * fields inside these objects are dropped alone, and so are the ones Claude Code tolerates a bad value in:
 * statusLine.refreshInterval, worktree.bgIsolation, sandbox.bwrapPath, sandbox.socatPath; `env` values are
 * turned into strings whatever they are. In `hooks`, an unknown event, or an event that is not a list, is
 * dropped alone; a wrong handler or matcher group in any event skips the file, Ward's hook with it.
 */
import { by, type Fields, type Kind } from './claude-settings-kinds.js';

const fields = (f: Fields['fields'], required: readonly string[] = []): Fields => ({ fields: f, required });

const COMMAND = fields({ type: ['command'], command: 'string' }, ['type', 'command']);
const HH_MM = {
  pattern: /^([01]?\d|2[0-3]):[0-5]\d$/,
  name: 'HH:MM time',
  example: '22:00',
  counterexample: '25:00',
};

/** Claude Code's hook events (an unknown one is dropped alone). */
export const CLAUDE_HOOK_EVENTS = [
  'PreToolUse',
  'PostToolUse',
  'PostToolUseFailure',
  'PostToolBatch',
  'Notification',
  'UserPromptSubmit',
  'UserPromptExpansion',
  'SessionStart',
  'SessionEnd',
  'Stop',
  'StopFailure',
  'SubagentStart',
  'SubagentStop',
  'PreCompact',
  'PostCompact',
  'PermissionRequest',
  'PermissionDenied',
  'Setup',
  'TeammateIdle',
  'TaskCreated',
  'TaskCompleted',
  'Elicitation',
  'ElicitationResult',
  'ConfigChange',
  'WorktreeCreate',
  'WorktreeRemove',
  'InstructionsLoaded',
  'CwdChanged',
  'FileChanged',
  'MessageDisplay',
] as const;

/** Fields every hook handler may have. */
const HANDLER = {
  if: 'string',
  timeout: 'positive number',
  statusMessage: 'string',
  once: 'boolean',
} as const;

const HANDLER_KINDS: Kind = {
  tag: 'type',
  variants: {
    command: fields(
      {
        ...HANDLER,
        command: 'string',
        args: 'list of strings',
        shell: ['bash', 'powershell'],
        async: 'boolean',
        asyncRewake: 'boolean',
        rewakeMessage: 'non-empty string',
        rewakeSummary: 'non-empty string',
      },
      ['command'],
    ),
    prompt: fields({ ...HANDLER, prompt: 'string', model: 'string', continueOnBlock: 'boolean' }, ['prompt']),
    agent: fields({ ...HANDLER, prompt: 'string', model: 'string' }, ['prompt']),
    mcp_tool: fields({ ...HANDLER, server: 'string', tool: 'string', input: 'object' }, ['server', 'tool']),
    http: fields(
      { ...HANDLER, url: 'URL', headers: { record: 'string' }, allowedEnvVars: 'list of strings' },
      ['url'],
    ),
  },
};

const GIT = { ref: 'string', path: 'string', sparsePaths: 'list of strings', skipLfs: 'boolean' } as const;
/** Where a marketplace comes from, told apart by `source` (looser than Claude Code for npm and settings names). */
const MARKETPLACE_SOURCE: Kind = {
  tag: 'source',
  variants: {
    url: fields({ url: 'URL', headers: { record: 'string' } }, ['url']),
    github: fields({ repo: 'string', ...GIT }, ['repo']),
    git: fields({ url: 'string', ...GIT }, ['url']),
    npm: fields({ package: 'string' }, ['package']),
    file: fields({ path: 'string' }, ['path']),
    directory: fields({ path: 'string' }, ['path']),
    'skills-dir': fields({}),
    hostPattern: fields({ hostPattern: 'string' }, ['hostPattern']),
    pathPattern: fields({ pathPattern: 'string' }, ['pathPattern']),
    settings: fields({ name: 'string', plugins: 'list', owner: 'object' }, ['name', 'plugins']),
  },
};

const PLUGIN_VALUE: Kind = { either: ['string', 'number', 'boolean', 'list of strings'] };

/** Claude Code's object-valued settings, field by field. */
export const CLAUDE_OBJECT_SETTINGS: Readonly<Record<string, Kind>> = {
  statusLine: fields({ ...COMMAND.fields, padding: 'number', hideVimModeIndicator: 'boolean' }, [
    'type',
    'command',
  ]),
  subagentStatusLine: COMMAND,
  fileSuggestion: COMMAND,
  policyHelper: fields(
    {
      path: 'string',
      timeoutMs: 'integer of 1000 or more',
      refreshIntervalMs: '0 or an integer of 60000 or more',
    },
    ['path'],
  ),
  breakReminder: fields({
    enabled: 'boolean',
    intervalMinutes: 'positive integer',
    breakThresholdMinutes: 'positive integer',
    message: 'string',
  }),
  quietHours: fields({ enabled: 'boolean', start: HH_MM, end: HH_MM }),
  env: 'object',
  attribution: fields({ commit: 'string', pr: 'string', sessionUrl: 'boolean' }),
  worktree: fields({
    symlinkDirectories: 'list of strings',
    sparsePaths: 'list of strings',
    baseRef: ['fresh', 'head'],
  }),
  sandbox: fields({
    ...by('boolean', [
      'enabled',
      'failIfUnavailable',
      'autoAllowBashIfSandboxed',
      'allowUnsandboxedCommands',
      'enableWeakerNestedSandbox',
      'enableWeakerNetworkIsolation',
      'allowAppleEvents',
    ]),
    network: fields({
      ...by('list of strings', ['allowedDomains', 'deniedDomains', 'allowUnixSockets']),
      ...by('boolean', ['allowManagedDomainsOnly', 'allowAllUnixSockets', 'allowLocalBinding']),
      allowMachLookup: {
        list: {
          pattern: /^[^*]*\*?$/,
          name: 'service name with at most one trailing "*"',
          example: 'com.a.*',
          counterexample: '*.a',
        },
      },
      httpProxyPort: 'number',
      socksProxyPort: 'number',
      tlsTerminate: fields({ caCertPath: 'non-empty string', caKeyPath: 'non-empty string' }),
    }),
    filesystem: fields({
      ...by('list of strings', ['allowWrite', 'denyWrite', 'denyRead', 'allowRead']),
      allowManagedReadPathsOnly: 'boolean',
    }),
    credentials: fields({
      files: { list: fields({ path: 'non-empty string', mode: ['deny'] }, ['path', 'mode']) },
      envVars: {
        list: fields(
          {
            name: {
              pattern: /^[A-Za-z_][A-Za-z0-9_]*$/,
              name: 'environment variable name',
              example: 'TOKEN',
              counterexample: '1X',
            },
            mode: ['deny'],
          },
          ['name', 'mode'],
        ),
      },
    }),
    ignoreViolations: { record: 'list of strings' },
    excludedCommands: 'list of strings',
    ripgrep: fields({ command: 'string', args: 'list of strings' }, ['command']),
  }),
  spinnerVerbs: fields({ mode: ['append', 'replace'], verbs: 'list of strings' }, ['mode', 'verbs']),
  spinnerTipsOverride: fields({ excludeDefault: 'boolean', tips: 'list of strings' }, ['tips']),
  remote: fields({ defaultEnvironmentId: 'string' }),
  voice: fields({ enabled: 'boolean', mode: ['hold', 'tap'], autoSubmit: 'boolean' }),
  autoMode: fields({
    ...by('list of strings', ['allow', 'soft_deny', 'hard_deny', 'environment']),
    classifyAllShell: 'boolean',
  }),
  hooks: {
    record: { list: fields({ matcher: 'string', hooks: { list: HANDLER_KINDS } }, ['hooks']), lenient: true },
    keys: CLAUDE_HOOK_EVENTS,
    lenient: true,
  },
  extraKnownMarketplaces: {
    record: fields({ source: MARKETPLACE_SOURCE, installLocation: 'string', autoUpdate: 'boolean' }, [
      'source',
    ]),
  },
  pluginConfigs: {
    record: fields({ mcpServers: { record: { record: PLUGIN_VALUE } }, options: { record: PLUGIN_VALUE } }),
  },
  allowedChannelPlugins: {
    list: fields({ marketplace: 'string', plugin: 'string' }, ['marketplace', 'plugin']),
  },
  sshConfigs: {
    list: fields(
      {
        ...by('string', ['id', 'name', 'sshHost', 'sshIdentityFile', 'startDirectory']),
        sshPort: 'integer',
      },
      ['id', 'name', 'sshHost'],
    ),
  },
};
