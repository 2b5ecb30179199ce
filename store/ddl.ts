import type { ResolvedStoreConfig } from './config.js';

/** Everything DDL needs to know; values are validated identifiers/integers from StoreConfig. */
export interface DdlContext {
  database: string;
  cluster: string | undefined;
  rawTtlDays: number;
  eventsTtlDays: number;
}

export function ddlContext(config: ResolvedStoreConfig): DdlContext {
  return {
    database: config.database,
    cluster: config.cluster,
    rawTtlDays: config.rawTtlDays,
    eventsTtlDays: config.eventsTtlDays,
  };
}

/** ` ON CLUSTER "name"` in cluster mode, else nothing. */
export function onCluster(ctx: DdlContext): string {
  return ctx.cluster ? ` ON CLUSTER "${ctx.cluster}"` : '';
}

export function ttlClause(expr: string, days: number): string {
  return days > 0 ? `TTL ${expr} + toIntervalDay(${days})` : '';
}

export interface TableSpec {
  name: string;
  columns: string;
  /** MergeTree family engine name without the Replicated prefix, e.g. `MergeTree` or `ReplacingMergeTree`. */
  engine: 'MergeTree' | 'ReplacingMergeTree';
  /** Engine arguments after the replication path, e.g. `updated_at` for ReplacingMergeTree(updated_at). */
  engineArgs?: string;
  /** PARTITION BY / ORDER BY / TTL / SETTINGS clauses. */
  tail: string;
  /** Sharding key of the Distributed table in cluster mode; rows to be deduplicated must share a shard. */
  shardingKey: string;
}

/**
 * CREATE statements for one table. Single node: one MergeTree table. Cluster: a Replicated*MergeTree
 * `<name>_local` on every node plus a Distributed `<name>` that reads and writes across shards, so the rest
 * of Ward always addresses `<name>`.
 */
export function createTable(ctx: DdlContext, spec: TableSpec): string[] {
  const db = `"${ctx.database}"`;
  if (!ctx.cluster) {
    const args = spec.engineArgs ?? '';
    return [
      `CREATE TABLE IF NOT EXISTS ${db}."${spec.name}" (${spec.columns}) ENGINE = ${spec.engine}(${args}) ${spec.tail}`,
    ];
  }
  const local = `${spec.name}_local`;
  const path = `'/clickhouse/tables/{shard}/${ctx.database}/${local}', '{replica}'`;
  const args = spec.engineArgs ? `${path}, ${spec.engineArgs}` : path;
  return [
    `CREATE TABLE IF NOT EXISTS ${db}."${local}"${onCluster(ctx)} (${spec.columns}) ENGINE = Replicated${spec.engine}(${args}) ${spec.tail}`,
    `CREATE TABLE IF NOT EXISTS ${db}."${spec.name}"${onCluster(ctx)} AS ${db}."${local}" ENGINE = Distributed('${ctx.cluster}', '${ctx.database}', '${local}', ${spec.shardingKey})`,
  ];
}

/**
 * ADD COLUMN statements for an existing table: the table itself, and in cluster mode its `<name>_local`
 * table on every node first (the Distributed table only mirrors the local columns).
 */
export function addColumns(ctx: DdlContext, table: string, columns: readonly string[]): string[] {
  const db = `"${ctx.database}"`;
  const add = columns.map((c) => `ADD COLUMN IF NOT EXISTS ${c}`).join(', ');
  const names = ctx.cluster ? [`${table}_local`, table] : [table];
  return names.map((n) => `ALTER TABLE ${db}."${n}"${onCluster(ctx)} ${add}`);
}
