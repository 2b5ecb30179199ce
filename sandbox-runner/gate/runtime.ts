/**
 * The gate's start-up surface: policy discovery, loading and the gate itself, without the zod schemas
 * (they load only when a policy file exists). `ward exec` imports this; everything else uses ./index.ts.
 */
export { createGate, type Gate, type GateDecision, type GateInput } from './gate.js';
export { discoverPolicyLayers, ORG_POLICY_FILE, type PolicySearch } from './policy/discover.js';
export { PolicyError } from './policy/errors.js';
export { loadPolicy, type PolicyLayers, type ResolvedPolicy } from './policy/load.js';
