import { formatFor, type HookAgentName, type HookAnswer } from './answer.js';
import { type AnswerHookOptions, answerToolCall, type ToolRequest, toToolRequest } from './answer-hook.js';
import { BEFORE_TOOL_EVENTS, type PreToolUseInput, parseHookInput } from './hook-input.js';

/** One hook call's options: answerHook's, with the gate loaded for the call's input. */
export interface HookCallOptions extends Omit<AnswerHookOptions, 'agent' | 'decide' | 'autoApprove'> {
  /**
   * The gate for this call, loaded once the input is known to be a tool call (its workspace can depend on
   * the input's cwd). Throwing (a bad policy) is a deny.
   */
  loadGate: (input: PreToolUseInput) => Promise<Pick<AnswerHookOptions, 'decide' | 'autoApprove'>>;
  /** Told every tool call decided (the server records it): its input, the request the gate saw, the answer. */
  onDecided?: (call: { input: PreToolUseInput; request: ToolRequest; answer: HookAnswer }) => void;
}

/**
 * One agent hook call end to end, for `ward hook` and the server's hook endpoint alike: the agent's raw input
 * in, the agent's hook output out (null: no output, the agent's own permission system decides). Never
 * throws: malformed input, a gate that cannot load, an unreachable server and a timeout are all denies.
 */
export async function answerHookCall(
  agent: HookAgentName,
  raw: unknown,
  o: HookCallOptions,
): Promise<Record<string, unknown> | null> {
  const format = formatFor(agent);
  const deny = (reason: string) => format({ decision: 'deny', reason: `Ward: ${reason}` });
  const parsed = parseHookInput(raw);
  // Malformed input is denied before the gate (and its parser) is loaded.
  if (!parsed.ok) return deny(parsed.reason);
  if (!BEFORE_TOOL_EVENTS.has(parsed.input.hook_event_name)) return null;
  let gate: Awaited<ReturnType<HookCallOptions['loadGate']>>;
  try {
    gate = await o.loadGate(parsed.input);
  } catch (err) {
    return deny(err instanceof Error ? err.message : String(err));
  }
  const { loadGate: _, onDecided, ...rest } = o;
  const answer = await answerToolCall(parsed.input, { ...rest, ...gate, agent });
  if (answer && onDecided) onDecided({ input: parsed.input, request: toToolRequest(parsed.input), answer });
  return answer ? format(answer) : null;
}
