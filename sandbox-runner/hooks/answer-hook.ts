import { posix } from 'node:path';
import { isShellTool } from '../../schema/fast.js';
import type { ApprovalPort, GrantRecord } from '../../schema/index.js';
import { askHuman, type GateOutcome, type GateVerdict, summarizeReasons } from '../approvals/ask-human.js';
import { decideWithGrants } from '../approvals/with-grants.js';
import type { HookAgentName, HookAnswer } from './answer.js';
import { hookAllowRequired } from './claude-permission-mode.js';
import { BEFORE_TOOL_EVENTS, type PreToolUseInput, parseHookInput } from './hook-input.js';

/** One tool call as the gate sees it: shell text for Bash, the tool name and arguments otherwise. */
export interface ToolRequest {
  tool: string;
  /** Shell command text (Bash, run_shell_command). */
  command?: string;
  toolInput: Record<string, unknown>;
  cwd: string;
  session: string;
}

export interface AnswerHookOptions {
  agent: HookAgentName;
  /**
   * What the gate's allow becomes: false (default) defers to the agent's own permission system (no answer);
   * true answers allow, skipping the agent's prompt. Only the org or user policy may turn it on.
   */
  autoApprove?: boolean;
  /** The gate; `grants` are the session's and project's "always allow" grants when there are any. */
  decide: (req: ToolRequest, grants?: readonly GrantRecord[]) => GateVerdict | Promise<GateVerdict>;
  /** Ward's own `ask`: false passes it to the agent's prompt (Claude Code); true waits for a human in Ward. */
  wait: boolean;
  /** With `wait`: Ward's approvals (the HTTP client in `ward hook`, the service itself on the server). */
  approvals?: ApprovalPort | undefined;
  /** Longest wait for a human (ms), default 300 s. */
  waitMs?: number;
  log?: (line: string) => void;
}

const MAX_DESCRIPTION = 4000;

/** What a human reviewing the approval sees as "the command". */
export function describeToolCall(req: ToolRequest): string {
  if (req.command !== undefined) return req.command;
  const path = req.toolInput.file_path ?? req.toolInput.path ?? req.toolInput.notebook_path;
  const text =
    typeof path === 'string' ? `${req.tool} ${path}` : `${req.tool} ${JSON.stringify(req.toolInput)}`;
  return text.length > MAX_DESCRIPTION ? `${text.slice(0, MAX_DESCRIPTION)}…` : text;
}

export function toToolRequest(input: PreToolUseInput): ToolRequest {
  const req: ToolRequest = {
    tool: input.tool_name,
    toolInput: input.tool_input,
    cwd: input.cwd,
    session: input.session_id,
  };
  if (isShellTool(input.tool_name) && typeof input.tool_input.command === 'string') {
    req.command = input.tool_input.command;
    // Gemini CLI's run_shell_command runs in dir_path (relative to the project) when given.
    const dir = input.tool_input.dir_path ?? input.tool_input.workdir;
    if (typeof dir === 'string' && dir !== '') req.cwd = posix.resolve(input.cwd || '/', dir);
  }
  return req;
}

const deny = (reason: string): HookAnswer => ({ decision: 'deny', reason: `Ward: ${reason}` });

/**
 * Ward's answer to one PreToolUse call (null for other events, which get an empty answer). Never throws:
 * malformed input, a failing gate, an unreachable server and a timeout are all denies (fail closed).
 */
export async function answerHook(raw: string | unknown, o: AnswerHookOptions): Promise<HookAnswer | null> {
  const parsed = parseHookInput(raw);
  if (!parsed.ok) return deny(parsed.reason);
  return answerToolCall(parsed.input, o);
}

/** answerHook for input already parsed (null for events other than PreToolUse / BeforeTool). Never throws. */
export async function answerToolCall(
  input: PreToolUseInput,
  o: AnswerHookOptions,
): Promise<HookAnswer | null> {
  if (!BEFORE_TOOL_EVENTS.has(input.hook_event_name)) return null;
  const req = toToolRequest(input);
  const { approvals } = o;
  let verdict: GateVerdict;
  try {
    verdict = await decideWithGrants(
      (g) => o.decide(req, g),
      o.wait && approvals ? () => approvals.grants({ session: req.session, project: req.cwd }) : undefined,
      (m) => o.log?.(`ward: ${m}`),
    );
  } catch (err) {
    return deny(`the gate failed (${err instanceof Error ? err.message : String(err)})`);
  }
  const outcome = await askHuman(verdict, {
    approvals: o.wait ? approvals : undefined,
    request: {
      session: req.session || 'unknown',
      agent: o.agent,
      command: describeToolCall(req),
      cwd: req.cwd,
      project: req.cwd,
    },
    waitMs: o.waitMs ?? 300_000,
    onWaiting: (id, url) =>
      o.log?.(
        `ward: waiting for approval ${id}${url ? ` at ${url}` : ''} (${summarizeReasons(verdict.reasons)})`,
      ),
  });
  // Claude Code in dontAsk mode refuses what a hook does not allow: there Ward's "no objection" is an allow,
  // and Ward's ask, which Claude Code would turn into a refusal without a word, is a deny that says why.
  const allowRequired = o.agent === 'claude-code' && hookAllowRequired(input.permission_mode);
  return hookAnswer(outcome, { ...o, autoApprove: o.autoApprove || allowRequired }, allowRequired);
}

/** The hook's words for the final decision (the ladder itself is askHuman's). */
function hookAnswer(outcome: GateOutcome, o: AnswerHookOptions, cannotAsk: boolean): HookAnswer {
  const { verdict } = outcome;
  if (outcome.run && outcome.step === 'gate')
    return {
      decision: o.autoApprove ? 'allow' : 'defer',
      reason: `Ward: ${o.autoApprove ? 'allowed' : 'no objection, the agent decides'} (risk ${verdict.risk.toFixed(2)}, ${verdict.mode} mode)`,
    };
  if (outcome.run)
    return { decision: 'allow', reason: `Ward: approved in Ward (${outcome.approvalId}): ${outcome.reason}` };
  if (outcome.step === 'no-port' && !o.wait) {
    const why = summarizeReasons(verdict.reasons);
    if (o.agent === 'claude-code' && !cannotAsk)
      return { decision: 'ask', reason: `Ward asks for approval (risk ${verdict.risk.toFixed(2)}): ${why}` };
    return deny(
      `needs approval (${why}); ${cannotAsk ? 'Claude Code runs in dontAsk mode, where it cannot ask: ' : ''}install the hook with --wait to ask a human in Ward`,
    );
  }
  if (outcome.step === 'waited')
    return deny(`${outcome.status} in Ward (${outcome.approvalId}): ${outcome.detail}`);
  return deny(outcome.reason);
}
