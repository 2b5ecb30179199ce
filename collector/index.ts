/** The collector's public surface: the OTLP/HTTP server with its JSON API, and its pure OTLP pipeline pieces. */

export { createServerRisk, DEFAULT_ASK_RATE } from './approvals/index.js';
export { ServerConfig } from './config.js';
export { prepareRequest, type TablePayload, toJsonEachRow } from './ingest/prepare.js';
export { DEFAULT_WORKER_LIMITS } from './ingest/prepare-pool.js';
export * from './normalize/index.js';
export * from './otlp/index.js';
export { HOOK_AGENTS, type HookAgent, type HookDecider, type SharedReads } from './routes/hooks.js';
export { parsePeriod } from './routes/period-query.js';
export type { ReportService } from './routes/reports.js';
export { type ServerPlugins, StartupError, startServer, type WardServer } from './server.js';
