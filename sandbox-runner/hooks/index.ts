export { claudeCodeOutput, codexOutput, type HookAnswer } from './answer.js';
export { answerHook, type AnswerHookOptions, describeToolCall, type HookApprovals, type ToolRequest, toToolRequest } from './answer-hook.js';
export { type ParsedHookInput, parseHookInput, PreToolUseInput } from './hook-input.js';
export { type HookSpec, type InstallResult, installHook, mergeHook } from './install-settings.js';
export { gateInputFor, hookDecider, type HookPolicyOptions, hookPolicyLayers, loadHookGate } from './hook-gate.js';
