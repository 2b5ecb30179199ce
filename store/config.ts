import { z } from 'zod';

/** Where Ward's ClickHouse lives and how tables are laid out. */
export const StoreConfig = z.object({
  url: z.string().url().optional().describe('ClickHouse server URL (CLICKHOUSE_URL); unset = embedded chDB'),
  username: z.string().optional().describe('ClickHouse user for a server'),
  password: z.string().optional().describe('ClickHouse password for a server'),
  dataDir: z.string().default('.ward-data').describe('Embedded mode: directory holding the engine files'),
  database: z
    .string()
    .regex(/^[A-Za-z_][A-Za-z0-9_]{0,63}$/, 'must be a plain identifier (letters, digits, underscore)')
    .default('ward')
    .describe('Database holding every Ward table'),
  cluster: z
    .string()
    .regex(/^[A-Za-z_][A-Za-z0-9_.-]{0,127}$/, 'must be a cluster name as in remote_servers')
    .optional()
    .describe('Cluster name: DDL ON CLUSTER, Replicated*MergeTree local tables behind Distributed tables'),
  rawTtlDays: z
    .number()
    .int()
    .min(0)
    .max(36500)
    .default(30)
    .describe('TTL of raw otel_* rows; 0 = keep forever'),
  eventsTtlDays: z
    .number()
    .int()
    .min(0)
    .max(36500)
    .default(365)
    .describe('TTL of agent_events; 0 = keep forever'),
  retentionDays: z
    .partialRecord(
      z.enum(['audit_chain', 'approvals', 'alerts', 'grants', 'agent_events', 'otel_logs', 'otel_traces']),
      z.number().int().min(0).max(36500),
    )
    .default({})
    .describe('TTL days per table (0 = keep forever); unset tables keep their default (365, raw 30)'),
});
export type StoreConfig = z.input<typeof StoreConfig>;
export type ResolvedStoreConfig = z.output<typeof StoreConfig>;
