export { claudeCodeOutput, codexOutput, type HookAnswer } from './answer.js';
export {
  type AnswerHookOptions,
  answerHook,
  describeToolCall,
  type HookApprovals,
  type ToolRequest,
  toToolRequest,
} from './answer-hook.js';
export {
  gateInputFor,
  type HookPolicyOptions,
  hookDecider,
  hookPolicyLayers,
  loadHookGate,
} from './hook-gate.js';
export { type ParsedHookInput, PreToolUseInput, parseHookInput } from './hook-input.js';
