export { detectAgent } from './agent.js';
export { boundedCwd, boundedId, MAX_ATTRIBUTES, MAX_VALUE_CHARS, safeText } from './build.js';
export { type NormalizeContext, normalizeLogs, normalizeMetrics, normalizeTraces } from './normalize.js';
export { nanosToIso } from './time.js';
export { classifyTool } from './tools.js';
