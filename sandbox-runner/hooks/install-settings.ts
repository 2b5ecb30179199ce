import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

type Json = Record<string, unknown>;

/**
 * One hook Ward puts under hooks.<event> of an agent's settings (.claude/settings.json, .codex/hooks.json,
 * .gemini/settings.json).
 */
export interface HookSpec {
  event: 'PreToolUse' | 'BeforeTool';
  matcher: string;
  command: string;
  /** Seconds the agent lets the hook run (a --wait hook waits for a human). */
  timeoutS?: number;
  /** Gemini CLI counts hook timeouts in milliseconds. */
  timeoutUnit?: 's' | 'ms';
  /** A name the agent shows for the hook (Gemini CLI: /hooks enable|disable <name>). */
  name?: string;
  /** Recognizes a hook entry as Ward's own, old or new (e.g. /\bward(\.mjs)? hook claude-code\b/). */
  isOurs: (command: string) => boolean;
  /** Settings the hook needs beside it (Claude Code: a permission mode that requires its allow), merged after. */
  also?: (settings: Json) => { settings: Json; changed: boolean; replaced?: string };
}

export interface InstallResult {
  file: string;
  changed: boolean;
  /** Where a malformed settings file was moved before a fresh one was written. */
  backup?: string;
  /** A value `also` replaced (Claude Code: the permission mode that was set). */
  replaced?: string;
}

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Merges Ward's hook into parsed settings without touching anything else. Returns the new settings and
 * whether anything changed (an identical hook already present changes nothing). Throws a TypeError when
 * the settings have a shape Ward cannot merge into (e.g. `hooks` is not an object).
 */
export function mergeHook(settings: Json, spec: HookSpec): { settings: Json; changed: boolean } {
  const hooks = settings.hooks ?? {};
  if (!isObject(hooks)) throw new TypeError('"hooks" is not an object');
  const groups = hooks[spec.event] ?? [];
  if (!Array.isArray(groups)) throw new TypeError(`"hooks.${spec.event}" is not an array`);
  const handler: Json = {
    ...(spec.name ? { name: spec.name } : {}),
    type: 'command',
    command: spec.command,
    ...(spec.timeoutS ? { timeout: spec.timeoutUnit === 'ms' ? spec.timeoutS * 1000 : spec.timeoutS } : {}),
  };
  const wanted = JSON.stringify({ matcher: spec.matcher, hooks: [handler] });

  let found = false;
  let changed = false;
  const next: unknown[] = [];
  for (const group of groups) {
    const handlers = isObject(group) && Array.isArray(group.hooks) ? group.hooks : null;
    const ours = handlers?.some(
      (h) => isObject(h) && typeof h.command === 'string' && spec.isOurs(h.command),
    );
    if (!ours) {
      next.push(group);
      continue;
    }
    if (found) {
      changed = true; // a duplicate of ours from an older install: drop it
      continue;
    }
    found = true;
    const others = (handlers ?? []).filter(
      (h) => !(isObject(h) && typeof h.command === 'string' && spec.isOurs(h.command)),
    );
    if (
      others.length === 0 &&
      JSON.stringify({ matcher: (group as Json).matcher, hooks: handlers }) === wanted
    ) {
      next.push(group);
      continue;
    }
    changed = true;
    // Ours shares a group with someone else's handler: leave theirs where it is, give ours its own group.
    if (others.length > 0) next.push({ ...(group as Json), hooks: others });
    next.push(JSON.parse(wanted));
  }
  if (!found) {
    next.push(JSON.parse(wanted));
    changed = true;
  }
  return { settings: changed ? { ...settings, hooks: { ...hooks, [spec.event]: next } } : settings, changed };
}

/**
 * Installs the hook into a JSON settings file: creates it if missing, merges otherwise, writes atomically
 * (temp file + rename), and moves a malformed file aside to `<file>.ward-backup-<time>` instead of losing it.
 */
export function installHook(file: string, spec: HookSpec, now: () => Date = () => new Date()): InstallResult {
  let current: Json = {};
  let backup: string | undefined;
  if (existsSync(file)) {
    const text = readFileSync(file, 'utf8');
    let parsed: unknown;
    let malformed = false;
    try {
      parsed = text.trim() === '' ? {} : JSON.parse(text);
      malformed = !isObject(parsed);
    } catch {
      malformed = true;
    }
    if (malformed) {
      backup = `${file}.ward-backup-${now().toISOString().replace(/[:.]/g, '-')}`;
      renameSync(file, backup);
    } else {
      current = parsed as Json;
    }
  }
  const hook = mergeHook(current, spec);
  const also = spec.also?.(hook.settings);
  const settings = also?.settings ?? hook.settings;
  const changed = hook.changed || also?.changed === true;
  if (!changed && !backup) return { file, changed: false };
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.ward-tmp-${process.pid}`;
  writeFileSync(tmp, `${JSON.stringify(settings, null, 2)}\n`, { mode: 0o644 });
  renameSync(tmp, file);
  return {
    file,
    changed: true,
    ...(backup ? { backup } : {}),
    ...(also?.replaced ? { replaced: also.replaced } : {}),
  };
}
