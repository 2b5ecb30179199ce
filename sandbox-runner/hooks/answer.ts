/** The agents Ward answers hooks for. */
export const HOOK_AGENT_NAMES = ['claude-code', 'codex', 'gemini-cli'] as const;
export type HookAgentName = (typeof HOOK_AGENT_NAMES)[number];

/**
 * Ward's answer to one tool call, before it is put in an agent's format. `defer` says nothing, so the
 * agent's own permission system decides (Ward never answers "allow" for it unless told to auto-approve).
 */
export interface HookAnswer {
  decision: 'allow' | 'deny' | 'ask' | 'defer';
  reason: string;
}

/** Claude Code PreToolUse output (hookSpecificOutput with permissionDecision); null: no output at all. */
export function claudeCodeOutput(a: HookAnswer): Record<string, unknown> | null {
  if (a.decision === 'defer') return null;
  return {
    hookSpecificOutput: {
      hookEventName: 'PreToolUse',
      permissionDecision: a.decision,
      permissionDecisionReason: a.reason,
    },
  };
}

/**
 * Codex PreToolUse output. Codex copies Claude Code's format but acts only on `deny`; no output lets the call
 * go on to Codex's own approval policy. Ward's `ask` never reaches here as such: the handler turns it into a
 * wait (--wait) or a deny first.
 */
export function codexOutput(a: HookAnswer): Record<string, unknown> | null {
  if (a.decision !== 'deny') return null;
  return {
    hookSpecificOutput: {
      hookEventName: 'PreToolUse',
      permissionDecision: 'deny',
      permissionDecisionReason: a.reason,
    },
  };
}

/** Gemini CLI BeforeTool output: `decision` deny (the reason goes to the model) or allow; null: no output. */
export function geminiOutput(a: HookAnswer): Record<string, unknown> | null {
  if (a.decision === 'defer') return null;
  return { decision: a.decision === 'allow' ? 'allow' : 'deny', reason: a.reason };
}

/** The output format of one agent. */
export function formatFor(agent: HookAgentName): (a: HookAnswer) => Record<string, unknown> | null {
  return agent === 'codex' ? codexOutput : agent === 'gemini-cli' ? geminiOutput : claudeCodeOutput;
}
