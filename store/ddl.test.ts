import { describe, expect, it } from 'vitest';
import { testStore } from '../test/helpers/store.js';
import { StoreConfig } from './config.js';
import { ddlContext } from './ddl.js';
import { allStatements } from './migrate.js';

describe('cluster DDL', () => {
  const ctx = ddlContext(StoreConfig.parse({ cluster: 'ward_cluster', database: 'ward' }));
  const statements = allStatements(ctx);

  it('creates every table ON CLUSTER as a Replicated local table behind a Distributed one', () => {
    for (const table of [
      'otel_logs',
      'otel_traces',
      'otel_metrics_sum',
      'agent_events',
      'approvals',
      'audit_log',
    ]) {
      const local = statements.find((s) => s.includes(`"${table}_local" ON CLUSTER "ward_cluster"`));
      expect(local, table).toMatch(
        /ENGINE = Replicated(Replacing)?MergeTree\('\/clickhouse\/tables\/\{shard\}/,
      );
      const dist = statements.find((s) => s.includes(`"${table}" ON CLUSTER "ward_cluster" AS`));
      expect(dist, table).toContain(`Distributed('ward_cluster', 'ward', '${table}_local'`);
    }
  });

  it('parses on the real engine (EXPLAIN AST)', async () => {
    const store = await testStore();
    for (const sql of statements) {
      await expect(
        store.db.query('ddl.explain', `EXPLAIN AST ${sql}`),
        sql.slice(0, 80),
      ).resolves.toBeDefined();
    }
  });

  it('rejects identifiers that could smuggle SQL', () => {
    expect(StoreConfig.safeParse({ database: 'ward; DROP TABLE x' }).success).toBe(false);
    expect(StoreConfig.safeParse({ cluster: "c' OR 1" }).success).toBe(false);
  });
});
