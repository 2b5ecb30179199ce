export { detectAgent } from './agent.js';
export { boundedId, MAX_ATTRIBUTES, MAX_VALUE_CHARS } from './build.js';
export { type NormalizeContext, normalizeLogs, normalizeMetrics, normalizeTraces } from './normalize.js';
export { nanosToIso } from './time.js';
