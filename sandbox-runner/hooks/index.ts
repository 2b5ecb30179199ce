export {
  claudeCodeOutput,
  codexOutput,
  formatFor,
  geminiOutput,
  HOOK_AGENT_NAMES,
  type HookAgentName,
  type HookAnswer,
} from './answer.js';
export {
  type AnswerHookOptions,
  answerHook,
  describeToolCall,
  type ToolRequest,
  toToolRequest,
} from './answer-hook.js';
export {
  HOOK_ALLOW_MODE,
  HOOK_ALLOW_PERMISSIONS,
  hookAllowRequired,
  requireHookAllow,
} from './claude-permission-mode.js';
export { answerHookCall, type HookCallOptions } from './hook-call.js';
export {
  firstOnPath,
  hookProgram,
  isWardHookCommand,
  isWrappedHookCommand,
  pathLookupProblem,
  pinnedWardCommand,
  shellQuote,
  wardHookCommand,
} from './hook-command.js';
export {
  gateInputFor,
  type HookGate,
  type HookPolicyOptions,
  hookDecider,
  hookPolicyLayers,
  loadHookGate,
} from './hook-gate.js';
export { type ParsedHookInput, PreToolUseInput, parseHookInput } from './hook-input.js';
export { listDirectory } from './list-dir.js';
export { readTextFile } from './read-text.js';
export { resolveExisting } from './resolve-existing.js';
