import { copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ServerPlugins, startServer, type WardServer } from '../../collector/server.js';
import { createAlertsRepo } from '../../store/alerts.js';
import { createAnalyzerRepo } from '../../store/analyzer.js';
import { createApprovalsRepo } from '../../store/approvals.js';
import { createAuditRepo } from '../../store/audit.js';
import type { Store } from '../../store/index.js';

/**
 * The store as another `ward serve` process would hold it: the same engine and tables (one ClickHouse), its
 * own audit writer (its own chain) and its own in-process version counters. Closing it closes only its
 * audit writer.
 */
export function instanceStore(base: Store): Store {
  const database = base.config.database;
  const auditRepo = createAuditRepo(base.db, database, { signer: base.signer, checkpointEvery: 4 });
  return {
    ...base,
    approvals: createApprovalsRepo(base.db, database),
    alerts: createAlertsRepo(base.db, database),
    analyzer: createAnalyzerRepo(base.db, database),
    audit: { ...auditRepo, verify: base.audit.verify },
    close: () => auditRepo.close(),
  };
}

/** Several `ward serve` instances on one store, each on its own loopback port, as behind a load balancer. */
export async function startInstances(
  base: Store,
  n: number,
  opts: {
    adminToken: string;
    log?: (msg: string) => void;
    /** More of each instance's configuration (e.g. riskBehindMs). */
    config?: Record<string, unknown>;
    /** Each instance's hook decider, when its hook endpoint is wanted (each instance its own). */
    hookDecider?: () => ServerPlugins['hookDecider'];
  },
): Promise<{ servers: WardServer[]; stores: Store[]; close(): Promise<void> }> {
  const servers: WardServer[] = [];
  const stores: Store[] = [];
  let firstDir = '';
  for (let i = 0; i < n; i++) {
    const dataDir = mkdtempSync(join(tmpdir(), `ward-instance-${i}-`));
    // Provisioned as docs/scale.md says: every instance signs decisions with the same key.
    if (firstDir) copyFileSync(join(firstDir, 'decision-key.pem'), join(dataDir, 'decision-key.pem'));
    const store = instanceStore(base);
    const server = await startServer(
      {
        port: 0,
        dataDir,
        adminToken: opts.adminToken,
        sharedReceipts: true,
        sharedReads: true,
        store: { database: base.config.database },
        ...opts.config,
      },
      opts.log ?? (() => {}),
      { store, ...(opts.hookDecider ? { hookDecider: opts.hookDecider() } : {}) },
    );
    firstDir ||= dataDir;
    servers.push(server);
    stores.push(store);
  }
  return {
    servers,
    stores,
    async close() {
      for (const s of servers) await s.close();
      for (const s of stores) await s.close();
    },
  };
}
