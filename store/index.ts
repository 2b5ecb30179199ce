import { createAlertsRepo } from './alerts.js';
import { createAnalyzerRepo } from './analyzer.js';
import { createApprovalsRepo } from './approvals.js';
import { type AuditRepoOptions, createAuditRepo } from './audit.js';
import { loadOrCreateSigner, trustedPublicKeys } from './audit-key.js';
import { importLegacyAudit } from './audit-legacy.js';
import { type AuditVerifyOptions, verifyAuditChains } from './audit-verify.js';
import { type ResolvedStoreConfig, StoreConfig } from './config.js';
import { createClickHouseClient, type EngineOptions } from './connection.js';
import { createDb, type Db } from './db.js';
import { ddlContext } from './ddl.js';
import { createEventsRepo } from './events.js';
import { createGrantsRepo } from './grants.js';
import { createIngestRepo } from './ingest/write.js';
import { runMigrations } from './migrate.js';
import { createRawRepo } from './raw.js';
import { createReceiptsRepo } from './receipts.js';
import { createReportRepo } from './report-queries.js';
import { createRetentionRepo, resolveRetention } from './retention.js';
import { createSessionReadsRepo } from './session-reads.js';
import { createStorageStatsRepo } from './storage-stats.js';
import { createTokensRepo } from './tokens.js';

/** Kept for callers of the single-chain API: the result of `store.audit.verify()`. */
export type { AuditVerifyReport as AuditVerifyResult } from '../schema/index.js';
export type { AlertsRepo } from './alerts.js';
export {
  type AnalyzerRepo,
  type IngestedEvent,
  type IngestGroup,
  idFingerprint,
  type MetricName,
  SESSION_METRICS,
  type SenderRisk,
  type SessionMetrics,
  type Sighting,
  type SightingPlace,
  type SightingRow,
  STEPS_FROM_STATE,
  type StepRow,
  type Watermark,
} from './analyzer.js';
export type { ApprovalResolution, ApprovalsRepo, ResolveResult, VersionedApproval } from './approvals.js';
export {
  type AuditEntry,
  type AuditPage,
  type AuditQuery,
  type AuditRepo,
  auditHash,
  canonicalJson,
  checkpointBody,
  genesisHash,
} from './audit.js';
export {
  keyIdOf,
  loadOrCreateSigner,
  publicKeyFromPem,
  publicKeyToPem,
  readPublicKey,
  SIGNING_KEY_FILE,
  type Signer,
  TRUSTED_KEYS_DIR,
  trustedPublicKeys,
  verifySignature,
} from './audit-key.js';
export { LEGACY_WRITER } from './audit-legacy.js';
export type { AuditVerifyOptions } from './audit-verify.js';
export { type ResolvedStoreConfig, StoreConfig } from './config.js';
export type { EngineOptions } from './connection.js';
export type { Db } from './db.js';
export { ddlContext } from './ddl.js';
export type { EngineStats } from './engine/client.js';
export { EngineBusyError, EngineUnavailableError } from './engine/errors.js';
export * from './fast.js';
export type { GrantsRepo } from './grants.js';
export type { IngestRepo } from './ingest/write.js';
export { allStatements, runMigrations } from './migrate.js';
export { MIGRATIONS } from './migrations/index.js';
export type { RawTable } from './raw.js';
export type { AgentActivityRow, ReportRepo, ReportScope } from './report-queries.js';
export {
  REQUIRED_LOG_DAYS,
  RETENTION_TABLE_NAMES,
  RETENTION_TABLES,
  type RetentionRepo,
  type RetentionStatus,
  type RetentionTable,
  retentionOk,
} from './retention.js';
export type { SessionRead, SessionReadsRepo } from './session-reads.js';
export type { ColumnSize, StorageStatsRepo, TableSize } from './storage-stats.js';
export { hashToken } from './tokens.js';

/** Options beside the config: the audit writer's tuning (tests use small checkpoint intervals). */
export interface StoreOptions {
  audit?: Omit<AuditRepoOptions, 'signer'>;
  /** The embedded engine's thread: worker script, bulk byte budget, log, what to do if it stays down. */
  engine?: EngineOptions;
}

/** Ward's storage: one ClickHouse (embedded or server), migrated, with one repository per concern. */
export async function createStore(input: StoreConfig, opts: StoreOptions = {}) {
  const config: ResolvedStoreConfig = StoreConfig.parse(input);
  const signer = loadOrCreateSigner(config.dataDir);
  const { client, mode, bulk, engine } = await createClickHouseClient(config, opts.engine);
  const db: Db = createDb(client, config.database, bulk ? { bulk } : {});
  const applied = await runMigrations(db, ddlContext(config));
  const auditRepo = createAuditRepo(db, config.database, { ...opts.audit, signer });
  await importLegacyAudit(db, config.database, auditRepo, signer);
  const retention = createRetentionRepo(db, ddlContext(config), auditRepo);
  const retentionChanges = await retention.apply(
    resolveRetention(config.retentionDays, config.rawTtlDays, config.eventsTtlDays),
  );
  const audit = {
    ...auditRepo,
    /** Walks every chain; trusts this data dir's key and DATA/audit-keys/*.pem. */
    async verify(o: Partial<AuditVerifyOptions> = {}) {
      const days = (await retention.current()).get('audit_chain');
      return verifyAuditChains(db, config.database, {
        trustedKeys: trustedPublicKeys(config.dataDir),
        ...(days ? { retentionDays: days } : {}),
        ...o,
      });
    },
  };
  return {
    mode,
    config,
    /** The one ingest call: the codec workers encode with (format chosen here) and the write of each part. */
    ingest: createIngestRepo(db, { rowBinary: bulk !== undefined }),
    /** The embedded engine's lanes and state (undefined with a ClickHouse server). */
    engineStats: () => engine?.stats(),
    /** The embedded engine's thread (undefined with a ClickHouse server). */
    engine,
    migrationsApplied: applied,
    events: createEventsRepo(db, config.database),
    raw: createRawRepo(db, config.database),
    tokens: createTokensRepo(db, config.database),
    receipts: createReceiptsRepo(db, config.database),
    /** Secrets sessions read lately (the hook endpoint's read-then-send memory, shared and kept). */
    sessionReads: createSessionReadsRepo(db, config.database),
    approvals: createApprovalsRepo(db, config.database, { exclusive: engine !== undefined }),
    audit,
    retention,
    /** Compliance report aggregations. */
    reports: createReportRepo(db, config.database),
    /** Retention changes applied at this start (each audited). */
    retentionChanges,
    /** The data dir's Ed25519 key: audit checkpoints and report envelopes. */
    signer,
    grants: createGrantsRepo(db, config.database),
    alerts: createAlertsRepo(db, config.database),
    analyzer: createAnalyzerRepo(db, config.database),
    /** Bytes per table and column, and forced merges (benchmarks). */
    storage: createStorageStatsRepo(db, config.database),
    /** For cross-cutting checks (health, EXPLAIN); feature code uses the repositories. */
    db,
    close: async () => {
      await audit.close();
      await db.close();
    },
  };
}
export type Store = Awaited<ReturnType<typeof createStore>>;
