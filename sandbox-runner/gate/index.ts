/** The approval gate: decides allow / ask / deny for agent commands and tool calls. */
export { createGate, type Gate, type GateDecision, type GateInput } from './gate.js';
export { PolicyError } from './policy/errors.js';
export { Grant, type GrantResult, grantPrefix, makeGrant, refuseReason } from './policy/grants.js';
export { loadPolicy, type PolicyLayers, type ResolvedPolicy } from './policy/load.js';
export { MODES, type Mode, PolicyFile } from './policy/schema.js';
export { CATEGORIES, type RuleId, TAXONOMY } from './taxonomy/rules.js';
