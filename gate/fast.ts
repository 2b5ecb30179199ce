/**
 * The gate's fast entry, for cold-start paths (`ward exec`, `ward hook`): policy discovery, loading, the gate
 * itself and the sandbox defaults, without the zod schemas (they load only when a policy file exists).
 * Everything else imports ./index.ts.
 */
export {
  analysisBudgetMs,
  MAX_ANALYSED_CHARS,
  shellParserBroken,
  shellParserMemory,
} from './analysis/index.js';
export { hostMatches } from './analysis/network.js';
export { createGate, type Gate, type GateDecision, type GateInput } from './gate.js';
export { discoverPolicyLayers, ORG_POLICY_FILE, type PolicySearch } from './policy/discover.js';
export { PolicyError } from './policy/errors.js';
export { loadPolicy, type PolicyLayers, type ResolvedPolicy } from './policy/load.js';
export { strictest } from './policy/rules.js';
export { DEFAULT_LIMITS, defaultSandboxPolicy, withOverrides } from './policy/sandbox-defaults.js';
export type { SandboxLimits, SandboxPolicy, SandboxPolicyInput } from './policy/sandbox-policy.js';
export { createReadMemory, type ReadMemory, type ReadMemoryOptions } from './read-memory.js';
export {
  isRemoteHost,
  isSendingRule,
  READ_THEN_SEND_WINDOW_S,
  secretReadOf,
  sendingProgram,
  sendOf,
} from './read-then-send.js';
