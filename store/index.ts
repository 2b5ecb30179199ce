import { createApprovalsRepo } from './approvals.js';
import { createAuditRepo } from './audit.js';
import { type ResolvedStoreConfig, StoreConfig } from './config.js';
import { createClickHouseClient } from './connection.js';
import { createDb, type Db } from './db.js';
import { ddlContext } from './ddl.js';
import { createEventsRepo } from './events.js';
import { createGrantsRepo } from './grants.js';
import { runMigrations } from './migrate.js';
import { createRawRepo } from './raw.js';
import { createReceiptsRepo } from './receipts.js';
import { createTokensRepo } from './tokens.js';

export type { ApprovalResolution, ApprovalsRepo, ResolveResult } from './approvals.js';
export { type AuditEntry, type AuditRepo, type AuditVerifyResult, canonicalJson } from './audit.js';
export { type ResolvedStoreConfig, StoreConfig } from './config.js';
export type { Db } from './db.js';
export { ddlContext } from './ddl.js';
export * from './fast.js';
export type { GrantsRepo } from './grants.js';
export { allStatements, runMigrations } from './migrate.js';
export { MIGRATIONS } from './migrations/index.js';
export type { RawTable } from './raw.js';
export { hashToken } from './tokens.js';

/** Ward's storage: one ClickHouse (embedded or server), migrated, with one repository per concern. */
export async function createStore(input: StoreConfig) {
  const config: ResolvedStoreConfig = StoreConfig.parse(input);
  const { client, mode, rawInsert, fileInsertDir } = await createClickHouseClient(config);
  const db: Db = createDb(client, config.database, { rawInsert, fileInsertDir });
  const applied = await runMigrations(db, ddlContext(config));
  return {
    mode,
    config,
    /** True when the engine stores otel_logs and agent_events from RowBinary (embedded); else JSONEachRow. */
    rowBinary: fileInsertDir !== undefined,
    migrationsApplied: applied,
    events: createEventsRepo(db, config.database),
    raw: createRawRepo(db, config.database),
    tokens: createTokensRepo(db, config.database),
    receipts: createReceiptsRepo(db, config.database),
    approvals: createApprovalsRepo(db, config.database),
    audit: createAuditRepo(db, config.database),
    grants: createGrantsRepo(db, config.database),
    /** For cross-cutting checks (health, EXPLAIN); feature code uses the repositories. */
    db,
    close: () => db.close(),
  };
}
export type Store = Awaited<ReturnType<typeof createStore>>;
