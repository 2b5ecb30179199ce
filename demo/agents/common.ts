import type { Approval, Attrs, PlannedStep, SessionPlan } from '../types.js';

/** Resource attributes a deployment adds through OTEL_RESOURCE_ATTRIBUTES (every agent's SDK honours it). */
export function deploymentAttrs(plan: SessionPlan): Attrs {
  return {
    'host.name': plan.person.host,
    'user.email': plan.person.email,
    'vcs.repository.url.full': plan.repo.url,
    'deployment.environment.name': 'dev',
  };
}

export function iso(ms: number): string {
  return new Date(ms).toISOString();
}

/** Whether the call ran after its approval. */
export function ran(approval: Approval | undefined): boolean {
  return approval !== 'denied' && approval !== 'cancelled';
}

/** A shell command for every step that touches the machine; agents without file tools read with `cat`. */
export function shellOf(
  ps: PlannedStep,
): { cmd: string; output: string; exit: number; approval: Approval } | null {
  const s = ps.step;
  if (s.do === 'shell')
    return { cmd: s.cmd, output: s.output ?? '', exit: s.exit ?? 0, approval: s.approval ?? 'auto' };
  if (s.do === 'tool' && s.shell !== undefined)
    return { cmd: s.shell, output: '', exit: 0, approval: s.approval ?? 'auto' };
  if (s.do === 'read')
    return { cmd: `sed -n '1,200p' ${s.path}`, output: `// ${s.path}\n…`, exit: 0, approval: 'auto' };
  return null;
}

/** A plausible one-hunk edit of `path` (the content does not matter to Ward, the path does). */
export function patchOf(path: string): { oldText: string; newText: string; patch: string } {
  const oldText = 'const limit = 100;';
  const newText = 'const limit = options.limit ?? 100;';
  const patch = `*** Begin Patch\n*** Update File: ${path}\n@@\n-${oldText}\n+${newText}\n*** End Patch`;
  return { oldText, newText, patch };
}

/** Token counts and cost of one model call, rising with the conversation. */
export function usage(
  plan: SessionPlan,
  turn: number,
): { input: number; output: number; costMicros: number } {
  const input = 1_800 + turn * 900 + plan.rng.int(0, 400);
  const output = plan.rng.int(40, 600);
  return { input, output, costMicros: Math.round(input * 3 + output * 15) };
}
