/**
 * What Claude Code (2.1.x) accepts in a settings file, for the fields where a wrong value makes it skip the
 * whole file (user, project and local settings alike), Ward's hook with it. Measured against the real
 * binary (`npm run measure:claude-settings` tries each field's wrong and valid values again): each key below
 * with a value of another JSON type (null included), an unknown enum value or a number out of range dropped a
 * PreToolUse hook beside it, down to the fields of the object settings (claude-settings-objects.ts). The
 * keys it tolerates (it ignores the bad value and keeps the file) are absent: forceLoginMethod,
 * forceLoginGatewayUrl, viewMode, effortLevel, ultracode, autoCompactWindow, theme, editorMode,
 * preferredNotifChannel, teammateMode, strictPluginOnlyCustomization, footerLinksRegexes, allowedMcpServers,
 * deniedMcpServers; so are unknown keys. Managed settings (/etc/claude-code) are read field by field instead.
 */
import { by, describeMismatch, type Kind, mismatch } from './claude-settings-kinds.js';
import { CLAUDE_OBJECT_SETTINGS } from './claude-settings-objects.js';

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
  ...by('list of objects', ['strictKnownMarketplaces', 'blockedMarketplaces']),
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
  ...CLAUDE_OBJECT_SETTINGS,
};

/**
 * Why Claude Code would skip this settings file as a whole, or null: the first field whose value it does not
 * accept, with what it should be.
 */
export function claudeSettingsProblem(settings: Record<string, unknown>): string | null {
  for (const [key, kind] of Object.entries(CLAUDE_SETTINGS)) {
    const m = key in settings ? mismatch(settings[key], kind, key) : null;
    if (m) return describeMismatch(m);
  }
  return null;
}
