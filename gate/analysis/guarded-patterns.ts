import { posix } from 'node:path';
import { GLOB, globRegex, type PathContext } from './paths.js';
import { UNKNOWN } from './script.js';

/**
 * Places a write or a removal must not reach, as the samples a pattern is tried on: the agents' hooks and
 * settings, Ward's policy and data, git's hooks and config, editors' tasks (`rm -rf .[c]laude`, `mv .cl* /tmp`,
 * `echo {} > .clau?e/settings.json`, `rm -rf .??*`).
 */
const GUARDED_SAMPLES = [
  '/.claude',
  '/.claude/settings.json',
  '/.claude/settings.local.json',
  '/.codex',
  '/.codex/config.toml',
  '/.codex/hooks.json',
  '/.gemini',
  '/.gemini/settings.json',
  '/.ward',
  '/.ward/policy.yaml',
  '/.mcp.json',
  '/.ward-data',
  '/.git',
  '/.git/config',
  '/.git/hooks/pre-commit',
  '/.husky/pre-commit',
  '/.vscode/tasks.json',
  '/.envrc',
];

/** What a pattern (`.cl*`, `.[c]laude/*`) reaches among the guarded places of the workspace and the home. */
export function guardedByPattern(raw: string, ctx: PathContext): string[] {
  if (!GLOB.test(raw) || raw.includes(UNKNOWN)) return [];
  const ws = ctx.workspace.replace(/\/$/, '');
  let p = raw;
  if (!p.startsWith('/') && !p.startsWith('~')) {
    const cwd = ctx.cwd;
    if (cwd === UNKNOWN) return [];
    p = posix.join(cwd ? (/^[/~]/.test(cwd) ? cwd : posix.join(ws, cwd)) : ws, p);
  }
  const re = globRegex(posix.normalize(p));
  return [...GUARDED_SAMPLES.map((s) => `${ws}${s}`), ...GUARDED_SAMPLES.map((s) => `~${s}`)].filter((s) =>
    re.test(s),
  );
}
