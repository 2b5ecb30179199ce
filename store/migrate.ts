import type { Db } from './db.js';
import { type DdlContext, onCluster } from './ddl.js';
import { MIGRATIONS, type Migration } from './migrations/index.js';

/** All DDL of a fresh install, in order (for review, `EXPLAIN AST` checks and cluster docs). */
export function allStatements(ctx: DdlContext, migrations: readonly Migration[] = MIGRATIONS): string[] {
  return [...bootstrapStatements(ctx), ...migrations.flatMap((m) => m.statements(ctx))];
}

function bootstrapStatements(ctx: DdlContext): string[] {
  const db = `"${ctx.database}"`;
  const engine = ctx.cluster
    ? `ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/${ctx.database}/ward_migrations', '{replica}')`
    : 'ReplacingMergeTree';
  return [
    `CREATE DATABASE IF NOT EXISTS ${db}${onCluster(ctx)}`,
    `CREATE TABLE IF NOT EXISTS ${db}.ward_migrations${onCluster(ctx)} (id UInt32, name String, applied_at DateTime64(3, 'UTC')) ENGINE = ${engine} ORDER BY id`,
  ];
}

/** Applies the migrations not yet recorded, in order, and records each. Returns the ids applied. */
export async function runMigrations(
  db: Db,
  ctx: DdlContext,
  migrations: readonly Migration[] = MIGRATIONS,
): Promise<number[]> {
  for (const sql of bootstrapStatements(ctx)) await db.command('migrate.bootstrap', sql);
  const done = await db.query<{ id: number }>(
    'migrate.applied',
    `SELECT id FROM ${quoteIdent(ctx.database)}.ward_migrations FINAL`,
  );
  const applied = new Set(done.map((r) => Number(r.id)));
  const ran: number[] = [];
  for (const m of [...migrations].sort((a, b) => a.id - b.id)) {
    if (applied.has(m.id)) continue;
    const plan = m.plan ? await m.plan(db, ctx) : m.statements(ctx);
    // Inserts into a Distributed table (a rebuild's backfill) finish before the next step reads them.
    for (const sql of plan) await db.command(`migrate.${m.id}`, sql, {}, { insert_distributed_sync: 1 });
    await db.insert('migrate.record', 'ward_migrations', [
      { id: m.id, name: m.name, applied_at: new Date().toISOString() },
    ]);
    ran.push(m.id);
  }
  return ran;
}

function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '')}"`;
}
