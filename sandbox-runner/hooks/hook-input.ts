import { z } from 'zod';

/**
 * The JSON Claude Code (and Codex, which copies the format) sends a PreToolUse hook on stdin or as the
 * HTTP hook's POST body. Unknown fields are kept out of the way, not rejected: new agent versions add some.
 */
export const PreToolUseInput = z.looseObject({
  hook_event_name: z.string().min(1).describe('PreToolUse for the hooks Ward installs'),
  session_id: z.string().max(256).default('').describe("The agent's session id"),
  cwd: z.string().max(4096).default('').describe('Working directory of the agent'),
  tool_name: z.string().min(1).max(256).describe('Bash, Edit, Write, MultiEdit, mcp__<server>__<tool>, …'),
  tool_input: z.record(z.string(), z.unknown()).default({}).describe('The tool arguments; Bash has `command`'),
  tool_use_id: z.string().optional(),
  transcript_path: z.string().optional(),
  permission_mode: z.string().optional(),
});
export type PreToolUseInput = z.infer<typeof PreToolUseInput>;

export type ParsedHookInput = { ok: true; input: PreToolUseInput } | { ok: false; reason: string };

/** Parses hook input text or an already-decoded body; never throws. */
export function parseHookInput(raw: string | unknown): ParsedHookInput {
  let value: unknown = raw;
  if (typeof raw === 'string') {
    if (raw.trim() === '') return { ok: false, reason: 'no hook input on stdin' };
    try {
      value = JSON.parse(raw);
    } catch {
      return { ok: false, reason: 'hook input is not valid JSON' };
    }
  }
  const parsed = PreToolUseInput.safeParse(value);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    return { ok: false, reason: `hook input is not a PreToolUse event: ${issues}` };
  }
  if (parsed.data.tool_name === 'Bash' && typeof parsed.data.tool_input.command !== 'string') {
    return { ok: false, reason: 'Bash hook input has no tool_input.command' };
  }
  return { ok: true, input: parsed.data };
}
