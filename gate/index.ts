/** The approval gate: decides allow / ask / deny for agent commands and tool calls. Pure: no I/O but policy reads. */

export {
  type Analysis,
  analysisBudgetMs,
  analyzeCommandLine,
  initShellParser,
  MAX_ANALYSED_CHARS,
  PATH_MAX,
  type ShellParser,
  shellParserBroken,
  shellParserMemory,
} from './analysis/index.js';
export { groupBucket, groupOf } from './eval/groups.js';
export {
  bucket,
  type EvalReport,
  type EvalRow,
  parseRows,
  type Rate,
  rate,
  scoreGate,
} from './eval/score.js';
export * from './fast.js';
export { createGrantRule } from './grant-rule.js';
export { Grant, type GrantResult, grantPrefix, makeGrant, refuseReason } from './policy/grants.js';
export { SandboxPolicy as SandboxPolicySchema } from './policy/sandbox-policy.js';
export { MODES, type Mode, PolicyFile } from './policy/schema.js';
export { CATEGORIES, type RuleId, TAXONOMY } from './taxonomy/rules.js';
