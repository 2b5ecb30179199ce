import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { HOOK_ALLOW_MODE } from '../hooks/claude-permission-mode.js';
import { isWardHookCommand } from '../hooks/hook-command.js';
import type { Check } from './checks.js';
import { isObj, type Json, readJson } from './json-file.js';

/**
 * Whether Claude Code would run a tool that Ward's hook did not allow. Claude Code runs the tool when its hook
 * dies by a signal, and a process the agent left behind can SIGKILL every hook (same user, /proc): only in
 * dontAsk mode, with bypass mode disabled and no broad allow rule, does such a call stay refused
 * (sandbox-runner/hooks/claude-permission-mode.ts).
 */

/** Managed settings: managed-settings.json, then managed-settings.d/*.json, in the directory Claude Code reads. */
function managedFiles(dir: string): string[] {
  let dropIns: string[] = [];
  try {
    dropIns = readdirSync(join(dir, 'managed-settings.d'))
      .filter((n) => n.endsWith('.json') && !n.startsWith('.'))
      .sort()
      .map((n) => join(dir, 'managed-settings.d', n));
  } catch {
    // no drop-in directory
  }
  return [join(dir, 'managed-settings.json'), ...dropIns];
}

/** Whether settings hold Ward's Claude Code hook under hooks.PreToolUse. */
function hasWardHook(settings: Json | undefined): boolean {
  const groups = isObj(settings?.hooks) ? (settings.hooks as Json).PreToolUse : undefined;
  if (!Array.isArray(groups)) return false;
  return groups.some(
    (g) =>
      isObj(g) &&
      Array.isArray(g.hooks) &&
      g.hooks.some(
        (h) => isObj(h) && typeof h.command === 'string' && isWardHookCommand(h.command, 'claude-code'),
      ),
  );
}

const MODE_PROBLEM: Record<string, string> = {
  bypassPermissions: 'Claude Code runs every tool by itself: a killed hook lets any call run',
  acceptEdits: 'Claude Code approves file edits and file commands by itself: a killed hook lets those run',
  auto: "Claude Code's own classifier approves calls: a killed hook lets what it approves run",
  default:
    'Claude Code runs what it deems read-only by itself and asks a human for the rest when the hook is killed',
  plan: 'Claude Code runs what it deems read-only by itself when the hook is killed',
};

/** An allow rule that matches every call of its tool: a bare tool name, or a pattern of only wildcards. */
const broad = (rule: string) => /^[\w-]+(\(\s*\*?(:\s*\*)?\s*\))?$/.test(rule.trim());

/**
 * The `claude-code mode` check, when Ward's hook is installed for Claude Code (none otherwise): the
 * permission mode in force (managed, then local, then project, then user settings), whether bypass mode is
 * disabled anywhere, and allow rules broad enough to run every call of a tool without Ward's allow.
 */
export function checkClaudePermissions(d: {
  home: string;
  project: string;
  /** Where Claude Code reads managed settings (/etc/claude-code on Linux). */
  managedDir?: string;
}): Check[] {
  const user = join(d.home, '.claude', 'settings.json');
  const project = join(d.project, '.claude', 'settings.json');
  const local = join(d.project, '.claude', 'settings.local.json');
  const read = (f: string) => ({ file: f, settings: readJson(f) });
  const own = [user, project, local].map(read);
  const installed = own.some(({ settings }) => hasWardHook(settings));
  if (!installed) return [];
  const all = [...managedFiles(d.managedDir ?? '/etc/claude-code').map(read), ...own];
  const perms = all.map(({ file, settings }) => ({
    file,
    p: isObj(settings?.permissions) ? (settings.permissions as Json) : {},
  }));
  // Precedence: managed, local, project, user.
  const byPrecedence = [...perms.slice(0, -3), ...perms.slice(-3).reverse()];
  const modeAt = byPrecedence.find(({ p }) => typeof p.defaultMode === 'string');
  const mode = (modeAt?.p.defaultMode as string | undefined) ?? 'default';
  const bypassOff = perms.some(({ p }) => p.disableBypassPermissionsMode === 'disable');
  const problems: string[] = [];
  if (mode !== HOOK_ALLOW_MODE)
    problems.push(
      `the permission mode is ${mode}${modeAt ? ` (${modeAt.file})` : ' (no defaultMode set)'}: ${MODE_PROBLEM[mode] ?? 'Claude Code does not wait for the hook to allow a call'}`,
    );
  if (!bypassOff)
    problems.push(
      'bypass mode is not disabled: a session started with --permission-mode bypassPermissions or --dangerously-skip-permissions runs the tool whenever Ward\'s hook is killed (set permissions.disableBypassPermissionsMode to "disable")',
    );
  for (const { file, p } of perms) {
    const rules = Array.isArray(p.allow) ? p.allow.filter((r): r is string => typeof r === 'string') : [];
    const wide = rules.filter(broad);
    if (wide.length > 0)
      problems.push(
        `${wide.map((r) => `\`${r}\``).join(', ')} in permissions.allow of ${file} lets every such call run without Ward's allow, so a killed hook does not stop it`,
      );
  }
  const name = 'claude-code mode';
  if (problems.length === 0)
    return [
      {
        name,
        ok: true,
        severity: 'recommended',
        detail: `${HOOK_ALLOW_MODE}, bypass mode disabled: a tool runs only on Ward's allow`,
      },
    ];
  return [
    {
      name,
      ok: false,
      severity: 'recommended',
      detail: `Claude Code would run tools Ward's hook did not allow: ${problems.join('; ')}`,
      fix: 'ward install claude-code (sets permissions.defaultMode "dontAsk" and disableBypassPermissionsMode "disable"), and narrow or remove the allow rules named',
    },
  ];
}
