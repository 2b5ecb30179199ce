/** Ward's answer to one tool call, before it is put in an agent's format. */
export interface HookAnswer {
  decision: 'allow' | 'deny' | 'ask';
  reason: string;
}

/** Claude Code PreToolUse output (hookSpecificOutput with permissionDecision). */
export function claudeCodeOutput(a: HookAnswer): Record<string, unknown> {
  return {
    hookSpecificOutput: {
      hookEventName: 'PreToolUse',
      permissionDecision: a.decision,
      permissionDecisionReason: a.reason,
    },
  };
}

/**
 * Codex PreToolUse output. Codex copies Claude Code's format but (as of its hooks docs) acts only on
 * `deny`; an empty answer lets the call go on to Codex's own approval policy. Ward's `ask` never reaches
 * here as such: the handler turns it into a wait (--wait) or a deny first.
 */
export function codexOutput(a: HookAnswer): Record<string, unknown> {
  if (a.decision === 'allow') return {};
  return {
    hookSpecificOutput: {
      hookEventName: 'PreToolUse',
      permissionDecision: 'deny',
      permissionDecisionReason: a.reason,
    },
  };
}
