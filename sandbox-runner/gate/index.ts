/** The approval gate: decides allow / ask / deny for agent commands and tool calls. */

export { createGrantRule, type GrantPrefixResult } from './grant-rule.js';
export { Grant, type GrantResult, grantPrefix, makeGrant, refuseReason } from './policy/grants.js';
export { MODES, type Mode, PolicyFile } from './policy/schema.js';
export {
  createGate,
  discoverPolicyLayers,
  type Gate,
  type GateDecision,
  type GateInput,
  loadPolicy,
  ORG_POLICY_FILE,
  PolicyError,
  type PolicyLayers,
  type PolicySearch,
  type ResolvedPolicy,
} from './runtime.js';
export { CATEGORIES, type RuleId, TAXONOMY } from './taxonomy/rules.js';
