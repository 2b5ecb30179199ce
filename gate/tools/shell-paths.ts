import type { ToolFinding, ToolRuleId } from './rules.js';
import { kindOfPath, type ToolPathContext, type ToolPathKind } from './tool-paths.js';

const WRITE: Partial<Record<ToolPathKind, ToolRuleId>> = {
  'guard-config': 'tool.write-guard-config',
  'agent-credentials': 'tool.write-guard-config',
  'git-config': 'tool.write-git-config',
};

/**
 * Ward's and the agents' own configuration protected whatever writes it: the paths a shell command reads and
 * writes (the shell analysis's facts) classified like a tool's arguments. A shell command that rewrites
 * .claude/settings.json or Codex's hooks.json removes the guard as surely as the Write tool would.
 */
export function shellPathFindings(
  paths: readonly { path: string; access: 'read' | 'write' }[],
  ctx: ToolPathContext,
): ToolFinding[] {
  const out: ToolFinding[] = [];
  const home = ctx.home.replace(/\/+$/, '');
  for (const p of paths.slice(0, 512)) {
    const abs = home && (p.path === '~' || p.path.startsWith('~/')) ? `${home}${p.path.slice(1)}` : p.path;
    const kind = kindOfPath(abs, ctx);
    const rule =
      p.access === 'write'
        ? WRITE[kind]
        : kind === 'agent-credentials'
          ? 'tool.read-agent-credentials'
          : undefined;
    if (rule && !out.some((f) => f.rule === rule && f.detail.endsWith(p.path)))
      out.push({ rule, detail: `shell ${p.access === 'write' ? 'writes' : 'reads'} ${p.path}` });
  }
  return out;
}
