/**
 * Claude Code's own permission system as the backstop behind Ward's hook. Claude Code runs the tool when a hook
 * dies by a signal (a process the agent left behind can SIGKILL every hook it starts: same user, /proc), so in
 * bypassPermissions mode a killed hook is a yes. In dontAsk mode Claude Code refuses every call that no allow
 * rule and no hook's `allow` lets through, and the `--permission-mode bypassPermissions` or
 * `--dangerously-skip-permissions` of a later launch is dropped when a settings file disables bypass mode:
 * there, only Ward's explicit allow runs a tool, and a killed hook blocks it. Measured with Claude Code 2.1.197
 * in -p mode (test/redteam-hooks-killed-hook.test.ts).
 */

type Json = Record<string, unknown>;
const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The mode under which only an allow (Ward's, or an allow rule) runs a tool; a hook that defers is a no. */
export const HOOK_ALLOW_MODE = 'dontAsk';

/** What `ward install claude-code` puts under `permissions` beside the hook. */
export const HOOK_ALLOW_PERMISSIONS = {
  defaultMode: HOOK_ALLOW_MODE,
  disableBypassPermissionsMode: 'disable',
} as const;

/**
 * Whether Claude Code, in the permission mode its hook input names, refuses a call the hook does not allow:
 * then Ward answers allow where it has no objection, since saying nothing would refuse it.
 */
export function hookAllowRequired(permissionMode: string | undefined): boolean {
  return permissionMode === HOOK_ALLOW_MODE;
}

/**
 * Puts HOOK_ALLOW_PERMISSIONS into parsed Claude Code settings, keeping every other permission field (rules,
 * directories). `replaced` names a defaultMode that was there before. Throws a TypeError when `permissions` is
 * not an object (nothing is changed then).
 */
export function requireHookAllow(settings: Json): { settings: Json; changed: boolean; replaced?: string } {
  const permissions = settings.permissions ?? {};
  if (!isObj(permissions)) throw new TypeError('"permissions" is not an object');
  const changed = Object.entries(HOOK_ALLOW_PERMISSIONS).some(([k, v]) => permissions[k] !== v);
  if (!changed) return { settings, changed: false };
  const before = permissions.defaultMode;
  return {
    settings: { ...settings, permissions: { ...permissions, ...HOOK_ALLOW_PERMISSIONS } },
    changed: true,
    ...(before !== undefined && before !== HOOK_ALLOW_MODE ? { replaced: String(before) } : {}),
  };
}
