/**
 * What Claude Code (2.1.x) accepts in a settings file, for the fields where a wrong value makes it skip the
 * whole file (user, project and local settings alike), Ward's hook with it. Measured against the real
 * binary: each top-level key below with a value of another JSON type (null included), an unknown enum
 * value or a number out of range dropped a PreToolUse hook beside it; the keys it tolerates (it ignores the
 * bad value and keeps the file) are absent: forceLoginMethod, forceLoginGatewayUrl, viewMode, effortLevel,
 * ultracode, autoCompactWindow, theme, editorMode, preferredNotifChannel, teammateMode,
 * strictPluginOnlyCustomization, footerLinksRegexes, allowedMcpServers, deniedMcpServers; so are unknown
 * keys and `hooks` (a bad `hooks` drops only the hooks: Ward's handler checks see that). Nested fields are
 * checked for `permissions`, the lists' items and the maps' values; other objects only as objects, though
 * a wrong field inside them (`statusLine: {}`) drops the file too.
 */

type Json = Record<string, unknown>;
const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

const SCALARS = {
  string: (v: unknown) => typeof v === 'string',
  boolean: (v: unknown) => typeof v === 'boolean',
  object: isObj,
  list: Array.isArray,
  'list of strings': (v: unknown) => Array.isArray(v) && v.every((x) => typeof x === 'string'),
  'list of objects': (v: unknown) => Array.isArray(v) && v.every(isObj),
  'positive integer': (v: unknown) => typeof v === 'number' && Number.isInteger(v) && v > 0,
  'number over 0 up to 1': (v: unknown) => typeof v === 'number' && v > 0 && v <= 1,
  'number from 0 to 1': (v: unknown) => typeof v === 'number' && v >= 0 && v <= 1,
} as const;

/** A field's accepted values: a named kind, one of some strings, a map's values, alternatives, an object's fields. */
type Kind =
  | keyof typeof SCALARS
  | readonly string[]
  | { record: Kind }
  | { either: readonly Kind[] }
  | { fields: Readonly<Record<string, Kind>> };

const by = (kind: Kind, keys: readonly string[]) => Object.fromEntries(keys.map((k) => [k, kind]));

const PERMISSION_MODES = ['acceptEdits', 'auto', 'bypassPermissions', 'default', 'dontAsk', 'plan'];

/** Claude Code's top-level settings whose wrong value drops the file, with what they accept. */
export const CLAUDE_SETTINGS: Readonly<Record<string, Kind>> = {
  ...by('string', [
    '$schema',
    'apiKeyHelper',
    'proxyAuthHelper',
    'awsCredentialExport',
    'awsAuthRefresh',
    'gcpAuthRefresh',
    'model',
    'prUrlTemplate',
    'otelHeadersHelper',
    'outputStyle',
    'language',
    'advisorModel',
    'agent',
    'minimumVersion',
    'requiredMinimumVersion',
    'requiredMaximumVersion',
    'plansDirectory',
    'autoMemoryDirectory',
    'claudeMd',
    'pluginTrustMessage',
  ]),
  ...by('boolean', [
    'respectGitignore',
    'wslInheritsWindowsSettings',
    'includeCoAuthoredBy',
    'includeGitInstructions',
    'enforceAvailableModels',
    'enableAllProjectMcpServers',
    'disableClaudeAiConnectors',
    'disableBundledSkills',
    'disableAllHooks',
    'disableAgentView',
    'disableRemoteControl',
    'disableWorkflows',
    'disableArtifact',
    'enableArtifact',
    'enableWorkflows',
    'workflowKeywordTriggerEnabled',
    'disableSkillShellExecution',
    'respondToBashCommands',
    'allowManagedHooksOnly',
    'allowManagedPermissionRulesOnly',
    'allowManagedMcpServersOnly',
    'allowAllClaudeAiMcps',
    'disableSideloadFlags',
    'forceRemoteSettingsRefresh',
    'skipWebFetchPreflight',
    'spinnerTipsEnabled',
    'syntaxHighlightingDisabled',
    'terminalTitleFromRename',
    'alwaysThinkingEnabled',
    'fastMode',
    'fastModePerSessionOptIn',
    'promptSuggestionEnabled',
    'awaySummaryEnabled',
    'showClearContextOnPlanAccept',
    'channelsEnabled',
    'prefersReducedMotion',
    'doneMeansMerged',
    'autoMemoryEnabled',
    'autoDreamEnabled',
    'showThinkingSummaries',
    'skipDangerousModePermissionPrompt',
    'skipWorkflowUsageWarning',
    'verbose',
    'autoCompactEnabled',
    'precomputeCompactionEnabled',
    'switchModelsOnFlag',
    'autoScrollEnabled',
    'wheelScrollAccelerationEnabled',
    'fileCheckpointingEnabled',
    'showTurnDuration',
    'showMessageTimestamps',
    'terminalProgressBarEnabled',
    'todoFeatureEnabled',
    'remoteControlAtStartup',
    'isolatePeerMachines',
    'autoUploadSessions',
    'inputNeededNotifEnabled',
    'agentPushNotifEnabled',
    'skipAutoPermissionPrompt',
    'useAutoModeDuringPlan',
    'voiceEnabled',
    'axScreenReader',
  ]),
  ...by('object', [
    'policyHelper',
    'env',
    'sandbox',
    'fileSuggestion',
    'breakReminder',
    'quietHours',
    'attribution',
    'worktree',
    'statusLine',
    'subagentStatusLine',
    'spinnerVerbs',
    'spinnerTipsOverride',
    'remote',
    'voice',
    'autoMode',
  ]),
  ...by('list of strings', [
    'fallbackModel',
    'availableModels',
    'enabledMcpjsonServers',
    'disabledMcpjsonServers',
    'allowedHttpHookUrls',
    'httpHookAllowedEnvVars',
    'pluginSuggestionMarketplaces',
    'companyAnnouncements',
    'claudeMdExcludes',
  ]),
  ...by('list of objects', [
    'strictKnownMarketplaces',
    'blockedMarketplaces',
    'allowedChannelPlugins',
    'sshConfigs',
  ]),
  ...by('positive integer', ['cleanupPeriodDays', 'skillListingMaxDescChars', 'totalTokensReminderBudget']),
  skillListingBudgetFraction: 'number over 0 up to 1',
  feedbackSurveyRate: 'number from 0 to 1',
  defaultShell: ['bash', 'powershell'],
  parentSettingsBehavior: ['first-wins', 'merge'],
  autoUpdatesChannel: ['latest', 'stable', 'rc'],
  tui: ['default', 'fullscreen'],
  totalTokensReminder: ['off', 'infinite', 'fixed', 'countdown', 'padded-countdown'],
  disableAutoMode: ['disable'],
  daemonColdStart: ['transient', 'ask'],
  disableDeepLinkRegistration: ['disable'],
  defaultView: ['chat', 'transcript'],
  modelOverrides: { record: 'string' },
  skillOverrides: { record: ['on', 'name-only', 'user-invocable-only', 'off'] },
  enabledPlugins: { record: { either: ['list of strings', 'boolean'] } },
  extraKnownMarketplaces: { record: 'object' },
  pluginConfigs: { record: 'object' },
  forceLoginOrgUUID: { either: ['string', 'list of strings'] },
  // Rules that are not strings, or not valid rules, are dropped one by one; a list that is not one drops the file.
  permissions: {
    fields: {
      allow: 'list',
      deny: 'list',
      ask: 'list',
      defaultMode: PERMISSION_MODES,
      disableBypassPermissionsMode: ['disable'],
      disableAutoMode: ['disable'],
      additionalDirectories: 'list of strings',
    },
  },
};

/** Array.isArray does not narrow a readonly array out of a union. */
const isOneOf = (kind: Kind): kind is readonly string[] => Array.isArray(kind);

function describeKind(kind: Kind): string {
  if (typeof kind === 'string') return `${/^[aeiou]/.test(kind) ? 'an' : 'a'} ${kind}`;
  if (isOneOf(kind)) return `one of ${kind.map((v) => JSON.stringify(v)).join(', ')}`;
  if ('record' in kind) return `an object whose values are each ${describeKind(kind.record)}`;
  if ('either' in kind) return kind.either.map(describeKind).join(' or ');
  return 'an object';
}

type Mismatch = { path: string; value: unknown; expected: string };

/** The first value in `value` that `kind` does not accept, where it is and what it should be; null if none. */
function mismatch(value: unknown, kind: Kind, path: string): Mismatch | null {
  const bad = { path, value, expected: describeKind(kind) };
  if (typeof kind === 'string') return SCALARS[kind](value) ? null : bad;
  if (isOneOf(kind)) return kind.includes(value as string) ? null : bad;
  if ('either' in kind) return kind.either.some((k) => mismatch(value, k, path) === null) ? null : bad;
  if (!isObj(value)) return bad;
  const inner: [string, Kind][] =
    'record' in kind
      ? Object.keys(value).map((k) => [k, kind.record])
      : Object.entries(kind.fields).filter(([k]) => value[k] !== undefined);
  for (const [k, innerKind] of inner) {
    const m = mismatch(value[k], innerKind, `${path}.${k}`);
    if (m) return m;
  }
  return null;
}

/**
 * Why Claude Code would skip this settings file as a whole, or null: the first field whose value it does not
 * accept, with what it should be.
 */
export function claudeSettingsProblem(settings: Json): string | null {
  for (const [key, kind] of Object.entries(CLAUDE_SETTINGS)) {
    const m = key in settings ? mismatch(settings[key], kind, key) : null;
    if (m) return `\`${m.path}\` is ${JSON.stringify(m.value)?.slice(0, 60)}, not ${m.expected}`;
  }
  return null;
}
