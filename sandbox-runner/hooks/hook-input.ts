import * as z from 'zod/mini';
import en from 'zod/v4/locales/en.js';
import { isShellTool } from '../../schema/fast.js';

// Messages that say what was expected ("expected string, received number"), as classic zod gives; passed
// to this parse only, so loading this module changes no global zod setting.
const ENGLISH = { error: en().localeError };

const text = (max: number) => z.string().check(z.maxLength(max));

/**
 * The JSON Claude Code (and Codex, which copies the format) sends a PreToolUse hook, and Gemini CLI a
 * BeforeTool hook, on stdin or as the HTTP hook's POST body. Unknown fields are kept out of the way, not rejected: new agent versions add some.
 * zod/mini, not classic zod: this parse is on the hook's start-up path, where classic zod costs ~30 ms.
 */
export const PreToolUseInput = z.looseObject({
  /** PreToolUse (Claude Code, Codex) or BeforeTool (Gemini CLI) for the hooks Ward installs. */
  hook_event_name: z.string().check(z.minLength(1)),
  /** The agent's session id. */
  session_id: z._default(text(256), ''),
  /** Working directory of the agent. */
  cwd: z._default(text(4096), ''),
  /** Bash, Edit, Write, apply_patch, run_shell_command, write_file, mcp__<server>__<tool>, … */
  tool_name: z.string().check(z.minLength(1), z.maxLength(256)),
  /** The tool arguments; Bash has `command`. */
  tool_input: z._default(z.record(z.string(), z.unknown()), {}),
  tool_use_id: z.optional(z.string()),
  transcript_path: z.optional(z.string()),
  permission_mode: z.optional(z.string()),
});
export type PreToolUseInput = z.infer<typeof PreToolUseInput>;

/** The events that come before a tool runs. */
export const BEFORE_TOOL_EVENTS = new Set(['PreToolUse', 'BeforeTool']);

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
  const parsed = PreToolUseInput.safeParse(value, ENGLISH);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    return { ok: false, reason: `hook input is not a PreToolUse event: ${issues}` };
  }
  if (isShellTool(parsed.data.tool_name) && typeof parsed.data.tool_input.command !== 'string') {
    return { ok: false, reason: `${parsed.data.tool_name} hook input has no tool_input.command` };
  }
  return { ok: true, input: parsed.data };
}
