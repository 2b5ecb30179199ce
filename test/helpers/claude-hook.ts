import { expect } from 'vitest';

/** Claude Code's PreToolUse answer, as far as these tests read it. */
export type ClaudeAnswer = {
  hookSpecificOutput?: { permissionDecision: string; permissionDecisionReason: string };
};

/** The decision in an answer; no output at all is Claude Code's "no objection". */
export const decision = (a: ClaudeAnswer) => a.hookSpecificOutput?.permissionDecision ?? 'no objection';

/** A Claude Code PreToolUse hook input. */
export function hookCall(session: string, tool: string, input: Record<string, unknown>, cwd: string) {
  return {
    session_id: session,
    transcript_path: '/tmp/t.jsonl',
    cwd,
    hook_event_name: 'PreToolUse',
    tool_name: tool,
    tool_input: input,
    tool_use_id: `call-${Math.random()}`,
  };
}

/** Posts one call to a server's hook endpoint for Claude Code with `token`; the answer (always a 200). */
export async function claudeHook(
  url: string,
  token: string,
  call: ReturnType<typeof hookCall>,
): Promise<ClaudeAnswer> {
  const res = await fetch(`${url}/api/hooks/claude-code`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(call),
  });
  expect(res.status).toBe(200);
  return (await res.json()) as ClaudeAnswer;
}
